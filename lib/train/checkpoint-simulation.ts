/**
 * Monte-Carlo simulation of training with checkpoints under the authors' fault model, node by
 * node, to check the closed form of checkpoint-model.ts (same model, no shared formula).
 *
 * Every iteration runs, for each layer, the forward read (decode) then the forward-active nodes'
 * draws; for each layer in reverse, the backward read then the backward-active nodes' draws; then
 * every node's draw after the update. A draw strikes with probability p (drawn as geometric gaps
 * between faults, so quiet stretches cost nothing) and leaves a pending fault on the node's block
 * of that layer. A read marks a symbol corrupted when any of its nodes has a pending fault; a
 * decoding group with more corrupted symbols than it corrects fails (roll back: every pending
 * fault disappears with the restored state), otherwise the corrupted symbols' blocks are
 * regenerated (their pending faults cleared). After k successful iterations a verification pass
 * reads every layer (forward, then backward) and, if it passes, the checkpoint is taken.
 * Blocks no stage reads (uncoded) never roll back: their faults are counted as silent.
 *
 * With `semantics: "program"` the simulation follows the node program (lib/cluster/node/program.ts)
 * instead of the closed form's assumptions, to show what those assumptions leave out:
 * - a located fault stays on its block until the vote at the end of the iteration (so a block the
 *   forward read located is still corrupted when the backward read of the same iteration reads it);
 * - at the vote the located symbols' blocks are rebuilt, layer by layer, forward before backward,
 *   from the peers of {@link ReadStage.sources}; a peer with a pending fault (struck after its own
 *   read, e.g. after the backward product or the update of this iteration) makes the rebuild's
 *   cross-check disagree: roll back. A symbol the code cannot rebuild rolls back too;
 * - the first layer has no backward product (nothing to propagate to the input): no backward read
 *   and no draws after it; a backward-only node's faults on the first layer are never read.
 *
 * Time: T per iteration run, R per roll-back, C per verification pass reached. Each successful
 * segment is a renewal cycle, so the cycles' times are independent and give a standard error.
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { CheckpointCosts } from "./checkpoint-model.ts";
import type { FaultExposure, ReadStage } from "./fault-exposure.ts";

/** What to simulate. */
export interface SimulationOptions {
  readonly exposure: FaultExposure;
  /** Per-node fault rate p. */
  readonly rate: number;
  /** Checkpoint interval k. */
  readonly interval: number;
  readonly costs: CheckpointCosts;
  /** Useful iterations to simulate (rounded up to whole segments). */
  readonly usefulIterations: number;
  /** Seed of the fault draws. */
  readonly seed: number;
  /**
   * `model` (default): the closed form's assumptions (checkpoint-model.ts); `program`: the node
   * program's order of reads, votes and rebuilds (see the module documentation).
   */
  readonly semantics?: "model" | "program";
  /**
   * Stop after about this many iterations run (default: no limit), for rates where segments
   * hardly ever succeed; the results then cover the segments completed (none: infinite time).
   */
  readonly maxIterations?: number;
}

/** Measured outcome of a simulation. */
export interface SimulationResult {
  /** Mean time per useful iteration. */
  readonly secondsPerUsefulIteration: number;
  /** Its standard error (from the spread of the segments' times). */
  readonly standardError: number;
  readonly rollbacksPerUsefulIteration: number;
  /** Iterations run (useful and re-run) per useful iteration. */
  readonly iterationsPerUsefulIteration: number;
  readonly usefulIterations: number;
  readonly rollbacks: number;
  /** Faults struck, and those on blocks no stage checks. */
  readonly faults: number;
  readonly silentFaults: number;
}

/** The simulation state of one run; see the module documentation. */
class Simulator {
  readonly #e: FaultExposure;
  readonly #rng: Rng;
  readonly #logClean: number;
  readonly #pending: Uint8Array;
  readonly #checked: boolean[];
  readonly #forwardNodes: number[];
  readonly #backwardNodes: number[];
  readonly #allNodes: number[];
  readonly #drawsPerIteration: number;
  readonly #program: boolean;
  /** Program semantics: symbols located in this iteration, per layer and stage, for the vote. */
  readonly #located: { layer: number; stage: ReadStage; symbols: number[] }[] = [];
  #pendingCount = 0;
  #slot = 0;
  #nextFault = 0;
  faults = 0;
  silentFaults = 0;

  constructor(e: FaultExposure, rate: number, seed: number, program: boolean) {
    this.#e = e;
    this.#program = program;
    this.#rng = Rng.named(seed, "checkpoint-simulation");
    this.#logClean = Math.log1p(-rate);
    this.#pending = new Uint8Array(e.layers * e.nodes);
    const ids = Array.from({ length: e.nodes }, (_, i) => i);
    this.#checked = ids.map((n) =>
      (e.forwardActive[n] && e.forward !== undefined) || (e.backwardActive[n] && e.backward !== undefined)
    );
    this.#forwardNodes = ids.filter((n) => e.forwardActive[n]);
    this.#backwardNodes = ids.filter((n) => e.backwardActive[n]);
    this.#allNodes = ids;
    this.#drawsPerIteration = e.layers * (this.#forwardNodes.length + this.#allNodes.length) +
      this.#backwardLayers() * this.#backwardNodes.length;
    this.#nextFault = this.#gap();
  }

  /** Draws until the next fault (geometric, support 0, 1, …). */
  #gap(): number {
    if (this.#logClean === 0) return Infinity;
    if (this.#logClean === -Infinity) return 0;
    return Math.floor(Math.log1p(-this.#rng.next()) / this.#logClean);
  }

  /** Layers with a backward product: all (model), all but the first (program). */
  #backwardLayers(): number {
    return this.#program ? this.#e.layers - 1 : this.#e.layers;
  }

  /** Whether a stage ever reads node n's block of `layer` (never read: its faults change nothing). */
  #everRead(n: number, layer: number): boolean {
    if (!this.#program || layer > 0) return this.#checked[n];
    return this.#e.forwardActive[n] && this.#e.forward !== undefined;
  }

  #draw(nodes: readonly number[], layer: number): void {
    const end = this.#slot + nodes.length;
    while (this.#nextFault < end) {
      const n = nodes[this.#nextFault - this.#slot];
      this.faults++;
      if (!this.#checked[n]) this.silentFaults++;
      else if (this.#everRead(n, layer) && this.#pending[layer * this.#e.nodes + n] === 0) {
        this.#pending[layer * this.#e.nodes + n] = 1;
        this.#pendingCount++;
      }
      this.#nextFault += 1 + this.#gap();
    }
    this.#slot = end;
  }

  /** Clears the pending faults of symbol s's nodes (their blocks are rebuilt). */
  #clear(stage: ReadStage, layer: number, s: number): void {
    const base = layer * this.#e.nodes;
    for (const n of stage.symbols[s]) {
      if (this.#pending[base + n] !== 0) {
        this.#pending[base + n] = 0;
        this.#pendingCount--;
      }
    }
  }

  /**
   * Decodes one stage of one layer; false when a group has more corrupted symbols than it corrects.
   * The corrupted symbols' blocks are rebuilt at once (model) or at the vote (program).
   */
  #read(stage: ReadStage | undefined, layer: number): boolean {
    if (stage === undefined || this.#pendingCount === 0) return true;
    const base = layer * this.#e.nodes;
    const corrupted = stage.symbols.map((nodes) => nodes.some((n) => this.#pending[base + n] !== 0));
    for (const g of stage.groups) {
      let count = 0;
      for (const s of g.symbols) if (corrupted[s]) count++;
      if (count > g.correctable) return false;
    }
    const symbols = corrupted.flatMap((c, s) => (c ? [s] : []));
    if (symbols.length === 0) return true;
    if (this.#program) this.#located.push({ layer, stage, symbols });
    else for (const s of symbols) this.#clear(stage, layer, s);
    return true;
  }

  /**
   * Program semantics: the vote rebuilds the located blocks, layer by layer, forward before
   * backward; false when a rebuild reads a peer with a pending fault or cannot be made.
   */
  #vote(): boolean {
    const plans = this.#located.splice(0).sort((a, b) =>
      a.layer - b.layer || (a.stage === this.#e.forward ? 0 : 1) - (b.stage === this.#e.forward ? 0 : 1)
    );
    for (const { layer, stage, symbols } of plans) {
      const base = layer * this.#e.nodes;
      for (const s of symbols) {
        const sources = stage.sources?.[s];
        if (sources === undefined) return false;
        if (sources.some((n) => this.#pending[base + n] !== 0)) return false;
      }
      for (const s of symbols) this.#clear(stage, layer, s);
    }
    return true;
  }

  /** One training iteration; false on an uncorrectable event. */
  iteration(): boolean {
    const e = this.#e;
    if (this.#pendingCount === 0 && this.#nextFault >= this.#slot + this.#drawsPerIteration) {
      this.#slot += this.#drawsPerIteration;
      return true;
    }
    let ok = true;
    for (let l = 0; l < e.layers; l++) {
      ok &&= this.#read(e.forward, l);
      this.#draw(this.#forwardNodes, l);
    }
    const lastBackward = this.#program ? 1 : 0;
    for (let l = e.layers - 1; l >= lastBackward; l--) {
      ok &&= this.#read(e.backward, l);
      this.#draw(this.#backwardNodes, l);
    }
    for (let l = 0; l < e.layers; l++) this.#draw(this.#allNodes, l);
    if (this.#program) {
      ok &&= this.#vote();
      this.#located.length = 0;
    }
    return ok;
  }

  /** The verification pass before a checkpoint (no draws); false on an uncorrectable event. */
  verify(): boolean {
    const e = this.#e;
    for (let l = 0; l < e.layers; l++) if (!this.#read(e.forward, l)) return this.#drop();
    const lastBackward = this.#program ? 1 : 0;
    for (let l = lastBackward; l < e.layers; l++) if (!this.#read(e.backward, l)) return this.#drop();
    return this.#program ? this.#vote() : true;
  }

  /** Forgets the located symbols of a failed read (the caller rolls back); false. */
  #drop(): false {
    this.#located.length = 0;
    return false;
  }

  /** Restores a verified state: no fault pending. */
  rollBack(): void {
    this.#pending.fill(0);
    this.#pendingCount = 0;
  }
}

/**
 * Simulates `usefulIterations` useful iterations (whole segments of `interval`) and measures the
 * time per useful iteration.
 *
 * @example
 * ```ts
 * import { gridCode } from "../codes/grid.ts";
 * import { codedExposure } from "./fault-exposure.ts";
 * const r = simulateCheckpointing({
 *   exposure: codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3), rate: 3e-3, interval: 20,
 *   costs: { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 }, usefulIterations: 1e5, seed: 1,
 * });
 * r.secondsPerUsefulIteration; // ± r.standardError
 * ```
 */
export function simulateCheckpointing(o: SimulationOptions): SimulationResult {
  const { interval: k, costs } = o;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`checkpoint interval ${k}: need an integer ≥ 1`);
  if (!(o.rate >= 0 && o.rate <= 1)) throw new RangeError(`fault rate ${o.rate} outside [0, 1]`);
  const sim = new Simulator(o.exposure, o.rate, o.seed, o.semantics === "program");
  const segments = Math.max(1, Math.ceil(o.usefulIterations / k));
  const budget = o.maxIterations ?? Infinity;
  let sum = 0;
  let sumSquares = 0;
  let rollbacks = 0;
  let iterations = 0; // in completed segments
  let run = 0; // all
  let completed = 0;
  for (let seg = 0; seg < segments && run < budget; seg++) {
    let time = 0;
    let segmentRollbacks = 0;
    let segmentIterations = 0;
    let ok = false;
    while (!ok && run < budget) {
      let done = 0;
      ok = true;
      while (ok && done < k) {
        ok = sim.iteration();
        run++;
        segmentIterations++;
        time += costs.iterationSeconds;
        if (ok) done++;
      }
      if (ok) {
        time += costs.checkpointSeconds;
        ok = sim.verify();
      }
      sim.rollBack(); // after a checkpoint nothing is pending either
      if (!ok) {
        segmentRollbacks++;
        time += costs.rollbackSeconds;
      }
    }
    if (!ok) break; // out of budget
    completed++;
    rollbacks += segmentRollbacks;
    iterations += segmentIterations;
    sum += time;
    sumSquares += time * time;
  }
  if (completed === 0) {
    return {
      secondsPerUsefulIteration: Infinity,
      standardError: Infinity,
      rollbacksPerUsefulIteration: Infinity,
      iterationsPerUsefulIteration: Infinity,
      usefulIterations: 0,
      rollbacks: 0,
      faults: sim.faults,
      silentFaults: sim.silentFaults,
    };
  }
  const segmentsDone = completed;
  const useful = segmentsDone * k;
  const mean = sum / segmentsDone;
  const variance = segmentsDone > 1
    ? Math.max(0, (sumSquares - segmentsDone * mean * mean) / (segmentsDone - 1))
    : 0;
  return {
    secondsPerUsefulIteration: sum / useful,
    standardError: Math.sqrt(variance / segmentsDone) / k,
    rollbacksPerUsefulIteration: rollbacks / useful,
    iterationsPerUsefulIteration: iterations / useful,
    usefulIterations: useful,
    rollbacks,
    faults: sim.faults,
    silentFaults: sim.silentFaults,
  };
}
