/**
 * Where the authors' faults land and when they are found, per strategy: the structure the
 * checkpointing model (checkpoint-model.ts) and its Monte-Carlo simulation
 * (checkpoint-simulation.ts) share.
 *
 * Fault model (DESIGN.md §1.5, site `stored`): in every iteration and for every layer, each node
 * active in a phase draws, after that phase, whether a fault strikes its stored block (probability
 * p per node, layer and phase). Nodes draw after the forward product if they compute one, after
 * the backward product if they compute one, and after the update (every node).
 *
 * A stored fault persists until the node's block is next *read* by a checked product: the forward
 * stage (if the node is forward-active) or the backward stage (if backward-active), whichever comes
 * first. There it corrupts the node's coded symbol. A stage is a set of symbols (each the sum of
 * some nodes' products) split into independent decoding groups; a group corrects up to
 * `correctable` corrupted symbols (its code's bound) and the regeneration rebuilds the blocks of
 * the corrupted symbols. More corrupted symbols in a group is an uncorrectable event: roll back.
 *
 * So each node's draws fall into *windows*, one per stage that reads the node:
 * - forward- and backward-active (grid systematic nodes, replication, PolyDot): the draws after
 *   the backward product and after the update are read by the next forward stage (2 draws),
 *   the draw after the forward product by the backward stage of the same iteration (1 draw);
 * - forward-active only (grid row-parity nodes): after forward and update → next forward (2);
 * - backward-active only (grid column-parity nodes): after backward and update → next backward (2).
 *
 * @module
 */

import type { LayerCode } from "../codes/layer-code.ts";
import type { StageCode } from "../codes/stage.ts";

/** A decoding group of a stage: symbols decoded together and how many corrupted ones it corrects. */
export interface DecodingGroup {
  /** Indices into {@link ReadStage.symbols}. */
  readonly symbols: readonly number[];
  /** Corrupted symbols the group corrects (more: detected, roll back). */
  readonly correctable: number;
}

/** A checked stage (forward or backward products of one layer). */
export interface ReadStage {
  /** For each coded symbol, the nodes whose products sum to it (each node in at most one). */
  readonly symbols: readonly (readonly number[])[];
  /** Independent decoding groups covering every symbol once. */
  readonly groups: readonly DecodingGroup[];
  /**
   * For each symbol, the peers the node program reads to rebuild the blocks of its nodes when the
   * symbol is found corrupted (sources and cross-check sources of every node's regeneration plan),
   * or `undefined` where the code cannot rebuild them (the program rolls back). Absent: not known.
   */
  readonly sources?: readonly (readonly number[] | undefined)[];
}

/** Which decoder bound decides what a group corrects. */
export type DecoderModel = "probabilistic" | "adversarial";

/** The fault exposure of a strategy, identical for every layer. */
export interface FaultExposure {
  /** Label for tables and plots. */
  readonly label: string;
  /** Nodes per layer. */
  readonly nodes: number;
  /** Layers of the network (weight matrices). */
  readonly layers: number;
  /** Node computes a forward product (draws after it). */
  readonly forwardActive: readonly boolean[];
  /** Node computes a backward product (draws after it). */
  readonly backwardActive: readonly boolean[];
  /** Checked stages; absent when nothing is checked (uncoded: faults are silent). */
  readonly forward?: ReadStage;
  readonly backward?: ReadStage;
}

/** Draws (fault chances) per node and layer in one iteration: after forward, backward, update. */
export function drawsPerNode(e: FaultExposure, node: number): number {
  return (e.forwardActive[node] ? 1 : 0) + (e.backwardActive[node] ? 1 : 0) + 1;
}

/** Draws per iteration over all nodes and layers (× p = expected faults per iteration). */
export function drawsPerIteration(e: FaultExposure): number {
  let d = 0;
  for (let n = 0; n < e.nodes; n++) d += drawsPerNode(e, n);
  return d * e.layers;
}

/** Symbols of a stage code that share a message row decode together: connected components. */
function decodingGroups(stage: StageCode, bound: DecoderModel): DecodingGroup[] {
  const { P, Q, generator } = stage;
  const parent = Array.from({ length: P }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let q = 0; q < Q; q++) {
    let first = -1;
    for (let p = 0; p < P; p++) {
      if (generator.nd.get(p, q) === 0) continue;
      if (first < 0) first = p;
      else parent[find(p)] = find(first);
    }
  }
  const byRoot = new Map<number, number[]>();
  for (let p = 0; p < P; p++) {
    const r = find(p);
    if (!byRoot.has(r)) byRoot.set(r, []);
    byRoot.get(r)!.push(p);
  }
  // A stage's bounds hold per group (replication states them per group of copies; an MDS stage
  // is a single group).
  const correctable = bound === "probabilistic"
    ? stage.bounds.correctableProbabilistic
    : stage.bounds.correctableAdversarial;
  return [...byRoot.values()].map((symbols) => ({ symbols, correctable }));
}

/** The peers read to rebuild every node of `targets` (see {@link ReadStage.sources}). */
function regenerationSources(
  code: LayerCode,
  stage: "forward" | "backward",
  targets: readonly number[],
): number[] | undefined {
  const peers = new Set<number>();
  try {
    for (const t of targets) {
      const plan = code.regeneration(t, stage, targets);
      for (const n of [...plan.sources, ...(plan.check?.sources ?? [])]) peers.add(n);
    }
  } catch {
    return undefined;
  }
  return [...peers].sort((a, b) => a - b);
}

function readStage(
  groups: readonly (readonly number[])[],
  stage: StageCode,
  bound: DecoderModel,
  sources?: (targets: readonly number[]) => number[] | undefined,
): ReadStage {
  if (groups.length !== stage.P) {
    throw new RangeError(`stage ${stage.name}: ${groups.length} node groups for ${stage.P} symbols`);
  }
  const seen = new Set<number>();
  for (const g of groups) {
    for (const n of g) {
      if (seen.has(n)) throw new RangeError(`stage ${stage.name}: node ${n} contributes to two symbols`);
      seen.add(n);
    }
  }
  return {
    symbols: groups,
    groups: decodingGroups(stage, bound),
    ...(sources ? { sources: groups.map(sources) } : {}),
  };
}

/**
 * The exposure of a coded strategy (CodeNet's grid or PolyDot, replication, ABFT) whose every
 * layer uses `code`.
 *
 * @example
 * ```ts
 * import { gridCode } from "../codes/grid.ts";
 * const e = codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3);
 * drawsPerIteration(e) * 3e-4; // 0.0864 faults per iteration, DESIGN.md §1.5
 * ```
 */
export function codedExposure(
  code: LayerCode,
  layers: number,
  bound: DecoderModel = "probabilistic",
  label = code.label,
): FaultExposure {
  const ids = Array.from({ length: code.nodes }, (_, i) => i);
  return {
    label,
    nodes: code.nodes,
    layers,
    forwardActive: ids.map((i) => code.forwardActive(i)),
    backwardActive: ids.map((i) => code.backwardActive(i)),
    forward: readStage(
      code.forwardGroups(),
      code.forward,
      bound,
      (g) => regenerationSources(code, "forward", g),
    ),
    backward: readStage(
      code.backwardGroups(),
      code.backward,
      bound,
      (g) => regenerationSources(code, "backward", g),
    ),
  };
}

/**
 * The exposure of the uncoded baseline: `nodes` nodes, each computing a forward and a backward
 * product; nothing is checked, so no fault is ever found (every fault is silent).
 */
export function uncodedExposure(nodes: number, layers: number, label = `uncoded ${nodes}`): FaultExposure {
  const all = Array.from({ length: nodes }, () => true);
  return { label, nodes, layers, forwardActive: all, backwardActive: all };
}
