/**
 * The node program: what one node of a CodeNet run does, in its own Worker, with no master.
 *
 * Per iteration (DESIGN.md §1.1), for each layer l:
 * - forward: product of the node's block with its encoded input → exchange (group sums) → every
 *   node decodes s = W·x itself → bias and ReLU (softmax cross-entropy at the output);
 * - backward (l > 0): transposed product with the encoded δ → exchange → decode c = Wᵀδ → ReLU′;
 * - update: W̃ += (η/b)·δ̂ᵀ·x̂ with the locally encoded vectors (no re-encoding of W), and the bias.
 *
 * Faults are drawn after every phase at every enabled site. At the end of each iteration the
 * nodes vote (a small all-gather of flags and located symbols): located symbols make the nodes
 * that produced them rebuild their blocks from peers; an uncorrectable stage rolls every node back
 * to the last verified checkpoint. A checkpoint is a verification pass (all-ones input, no faults)
 * then a snapshot of every block. Every node computes, decodes and decides for itself; the main
 * thread only starts nodes and collects what node 0 reports.
 *
 * Nodes can die (on the `workers` transport): the transport names the nodes that were dead when
 * the last collective completed ({@link Transport.erased}, the same list at every node). Their
 * symbols are erasures in the decode, their votes and bias checksums are skipped, and they are
 * neither sources nor targets of a regeneration. After a step with a dead node the nodes stop at
 * the step boundary; the main thread respawns it and every node takes part in {@link
 * NodeProgram.rejoin}, which rebuilds its blocks and snapshots from the live peers.
 *
 * @module
 */

import { fillBatch, pixelTable } from "../../../datasets/batch.ts";
import type { ImageDataset } from "../../../datasets/dataset.ts";
import { buildLayerCode } from "../../codes/build.ts";
import type { DecodeResult, StageDecoder } from "../../codes/decoder.ts";
import type { DecodeTolerance } from "../../codes/tolerance.ts";
import type { LayerCode } from "../../codes/layer-code.ts";
import { regenerateChecked } from "../../codes/regeneration.ts";
import type { CombineAndCompare } from "../../tensor/naive-combine.ts";
import type { RegenerationPlan } from "../../codes/layer-code.ts";
import { roundoffEpsilon, unitRoundoff } from "../../codes/tolerance.ts";
import type { FaultEvent, FaultInjector } from "../../faults/injector.ts";
import { createNodeInjector } from "../../faults/node-injector.ts";
import type { FaultSite, Phase } from "../../faults/sites.ts";
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from "../../nn/softmax-cross-entropy.ts";
import { Schedule } from "../../train/schedule.ts";
import { allocFloat, type Float, Matrix } from "../../tensor/matrix.ts";
import type { NormKernels } from "../../tensor/naive-norms.ts";
import { instantiateWasmKernels, type WasmKernels } from "../../tensor/wasm/wasm-kernels.ts";
import { ComputeGate } from "../compute-gate.ts";
import { erasedGroups } from "../exchange.ts";
import { threadCpuMs } from "../thread-cpu.ts";
import type { PeerArray, Transport } from "../transport.ts";
import { initLayerWeights } from "./init-weights.ts";
import { NodeLayer, stageBufferLengths } from "./layer.ts";
import { loadSnapshotBytes, type NodeSnapshot, snapshotBytes } from "./snapshot.ts";
import {
  type NodeBlocks,
  type NodeSetup,
  PHASE_NAMES,
  type PhaseName,
  VOTE_HEADER,
  voteLength,
} from "./setup.ts";

/** Counters of a run, agreed by all nodes through the votes. */
export interface FaultCounters {
  /** Stages whose decode found something wrong (corrected or not). */
  detected: number;
  /** Wrong symbols located and corrected. */
  corrected: number;
  /** Blocks rebuilt from peers. */
  regenerated: number;
  /** Roll-backs to the last verified checkpoint. */
  rollbacks: number;
  /** Iterations re-run because of roll-backs. */
  iterations_lost: number;
  /** Stages that could not be decoded. */
  uncorrectable: number;
  /** Bias copies replaced by the majority's at checkpoints (summed over nodes by the main thread). */
  biases_restored: number;
  /** Stages decoded with erased symbols (a dead node's). */
  erasures: number;
  /**
   * Rebuilds whose cross-check disagreed (a peer read was itself corrupted, e.g. struck after its
   * own read in the same iteration): each rolls back. The other roll-backs follow uncorrectable
   * stages.
   */
  regeneration_mismatches: number;
}

/** What `run` reports (node 0's numbers are the run's). */
export interface SpanReport {
  /** Iteration reached. */
  readonly iteration: number;
  /** Iterations executed in this span, re-runs included. */
  readonly executed: number;
  /**
   * Samples, loss sum and correct count of the iterations run (re-runs after a roll-back count
   * again; the iteration whose vote rolled back does not).
   */
  readonly samples: number;
  readonly lossSum: number;
  readonly correct: number;
  /**
   * True when a non-finite loss stopped the run: uncoded at once, a coded run when the loss stays
   * non-finite after roll-backs to the verified checkpoint.
   */
  readonly diverged: boolean;
  readonly counters: FaultCounters;
  /** Modelled cluster seconds so far (Σ over phases of the slowest node, plus the link model). */
  readonly modelledSeconds: number;
  /** Σ over iterations of the slowest node's busy milliseconds per phase. */
  readonly phaseMs: Record<PhaseName, number>;
  /** This node's faults since the last report. */
  readonly faults: FaultEvent[];
  /** CPU milliseconds of this node's thread during the span ({@link threadCpuMs}; NaN if unknown). */
  readonly threadCpuMs: number;
}

/** A live node's state handed to a respawned node (plain JSON); see {@link NodeProgram.rejoin}. */
export interface RejoinState {
  readonly iteration: number;
  readonly snapshotIteration: number;
  readonly updates: number;
  readonly updatesSnapshot: number;
  readonly counters: FaultCounters;
  readonly unit: number;
  readonly aggregated: number;
  readonly rollbacksInARow: number;
  readonly modelledSeconds: number;
  readonly phaseTotals: number[];
  /** Per layer: the tracked squared norms and their snapshot. */
  readonly norms: { rowSq: number[]; colSq: number[]; snapshotRowSq: number[]; snapshotColSq: number[] }[];
}

/** Modelled link: α seconds per message, bytes at `bandwidth` bytes per second. */
export interface LinkModel {
  readonly latency: number;
  readonly bandwidth: number;
}

/**
 * Floor of a tolerance's scale: an all-zero input (every ReLU of a sample off) gives exact zeros,
 * and the thresholds derived from the floor stay far above float64 underflow.
 */
const MIN_SCALE = 1e-150;
/** The tolerance handed to a code that cannot detect anything (its decoder never reads it). */
const UNCHECKED: DecodeTolerance = { scale: 1, epsilon: 0 };

/** Roll-backs for a non-finite loss at the same iteration before the run counts as diverged. */
const MAX_NONFINITE_REPEATS = 2;

/**
 * Roll-backs in a row without getting past the checkpoint after which the run stops with an error
 * instead of looping for ever (every node counts the same roll-backs, so all stop together), unless
 * the settings give another limit. High but legitimate fault rates need long streaks: replication
 * r = 2 on 8 nodes at `--fault-rate 0.01` on the stored blocks (tests/compare_cli_test.ts) rolls
 * back 198 times in 30 iterations, about 33 tries per 5-iteration span, so streaks above 50 are
 * common there, while 1000 in a row would have a probability near 1e-13.
 */
export const MAX_ROLLBACKS_IN_A_ROW = 1000;

/** Votes: flag byte offsets. */
const VOTE_UNCORRECTABLE = 0;
const VOTE_NONFINITE = 1;

/** The program of one node; see the module documentation. */
export class NodeProgram {
  readonly node: number;
  readonly nodes: number;
  readonly code: LayerCode;
  readonly k: WasmKernels;
  readonly layers: NodeLayer[];
  readonly #setup: NodeSetup;
  readonly #transport: Transport;
  readonly #gate: ComputeGate;
  readonly #schedule: Schedule;
  readonly #injector: FaultInjector;
  readonly #train: ImageDataset;
  readonly #test: ImageDataset;
  readonly #table: Float;
  /** Activations: acts[0] is the input, acts[l+1] the output of layer l (logits last). */
  readonly #acts: Matrix[];
  /** Decoded products W_l·x_l (before the bias), per layer, for a training batch. */
  readonly #pre: Matrix[];
  /**
   * The same for the batches of the evaluation and the weight export, one layer at a time: per
   * layer a view of one buffer (capacity × the widest layer), since only the training step needs
   * every layer's products at once (the norms' update reads them).
   */
  readonly #passPre: Matrix[];
  /** Signals δ_l (negative gradient w.r.t. layer l's output), per layer, for a training batch. */
  readonly #deltas: Matrix[];
  readonly #labels: Int32Array;
  readonly #capacity: number;
  readonly #voteLength: number;
  readonly #myVote: Uint8Array;
  readonly #union: Uint8Array;
  /** Every node's bias checksum from the last vote (set at checkpoints, 0 otherwise). */
  readonly #checksums: Uint32Array;
  #initialised = false;
  /** Dead nodes as of the last vote. */
  #dead: readonly number[] = [];
  /** Roll-backs since the last verified checkpoint. */
  #rollbacksInARow = 0;

  /** Next iteration to run. */
  iteration = 0;
  /** Iteration of the last verified checkpoint. */
  #snapshotIteration = 0;
  /** Updates applied to the blocks since they were encoded (for the tolerance's drift term). */
  #updates = 0;
  #updatesSnapshot = 0;
  readonly counters: FaultCounters = {
    detected: 0,
    corrected: 0,
    regenerated: 0,
    rollbacks: 0,
    iterations_lost: 0,
    uncorrectable: 0,
    biases_restored: 0,
    erasures: 0,
    regeneration_mismatches: 0,
  };
  #modelledSeconds = 0;
  readonly #phaseTotals = new Float64Array(PHASE_NAMES.length);
  /** Busy milliseconds of the current iteration, per phase. */
  readonly #phaseMs = new Float64Array(PHASE_NAMES.length);
  /** Modelled link seconds of the current iteration. */
  #linkSeconds = 0;
  #link: LinkModel = { latency: 0, bandwidth: Infinity };
  #faults: FaultEvent[] = [];
  /** Iteration of the last roll-back for a non-finite loss, and how often in a row it happened there. */
  #nonFiniteAt = -1;
  #nonFiniteRepeats = 0;
  /**
   * Whether the code can detect an error in some stage. The uncoded baseline cannot: it keeps no
   * norms and forms no tolerances, work that would only slow the baseline down.
   */
  readonly #checked: boolean;
  /** A regeneration's combinations, in wasm (bit for bit the reference in lib/tensor/naive-combine.ts). */
  readonly #combine: CombineAndCompare = (first, second, out) => this.k.combineAndCompare(first, second, out);

  constructor(setup: NodeSetup, transport: Transport) {
    this.#setup = setup;
    this.#transport = transport;
    this.node = setup.node;
    this.nodes = setup.nodes;
    if (!setup.module) throw new Error("the node program needs the WebAssembly kernel module");
    this.k = instantiateWasmKernels(setup.module, setup.memory);
    this.code = buildLayerCode(setup.code);
    this.#checked = this.code.forward.bounds.detectable > 0 || this.code.backward.bounds.detectable > 0;
    if (this.code.nodes !== setup.nodes) {
      throw new Error(`the code has ${this.code.nodes} nodes, the run ${setup.nodes}`);
    }
    if (transport.node !== setup.node || transport.nodes !== setup.nodes) {
      throw new Error(
        `the transport is node ${transport.node} of ${transport.nodes}, the setup ${setup.node}`,
      );
    }
    const t = setup.training;
    this.#gate = new ComputeGate(setup.gate);
    this.#capacity = Math.max(t.batch, t.evalBatch);
    this.#schedule = new Schedule({ seed: t.seed, batch: t.batch, ...t.schedule });
    this.#injector = createNodeInjector(this.node, t, setup.faults);
    this.#train = datasetOf(setup.train);
    this.#test = datasetOf(setup.test);
    this.#table = pixelTable(t.normalize, t.dtype);
    const widths = t.layers;
    // One pair of stage buffers (received symbols, decoded messages) for every stage of every layer;
    // the symbols in the kernels' memory, where the decoders' quick clean test reads them in place.
    let received = 0;
    let messages = 0;
    for (let l = 0; l + 1 < widths.length; l++) {
      const n = stageBufferLengths(
        this.code,
        this.code.layout(widths[l + 1], widths[l]),
        this.#capacity,
        t.batch,
      );
      received = Math.max(received, n.received);
      messages = Math.max(messages, n.messages);
    }
    const shared = { received: this.k.vector(received, t.dtype), messages: allocFloat(t.dtype, messages) };
    this.layers = [];
    for (let l = 0; l + 1 < widths.length; l++) {
      this.layers.push(
        new NodeLayer(
          l,
          this.code,
          this.node,
          widths[l + 1],
          widths[l],
          this.#capacity,
          t.batch,
          t.dtype,
          this.k,
          t.decoder,
          shared,
          this.k.syndromeMargin,
        ),
      );
    }
    const C = this.#capacity;
    const B = t.batch;
    this.#acts = widths.map((w) => this.k.matrix(C, w, t.dtype));
    this.#pre = widths.slice(1).map((w) => this.k.matrix(B, w, t.dtype));
    this.#deltas = widths.slice(1).map((w) => this.k.matrix(B, w, t.dtype));
    const passPre = this.k.vector(C * Math.max(...widths.slice(1)), t.dtype);
    this.#passPre = widths.slice(1).map((w) => new Matrix(passPre, C, w));
    this.#labels = new Int32Array(C);
    const f = this.layers[0].forwardSymbols;
    const b = this.layers[0].backwardSymbols;
    this.#voteLength = voteLength(this.layers.length, f, b);
    this.#myVote = new Uint8Array(this.#voteLength);
    this.#union = new Uint8Array(this.#voteLength);
    this.#checksums = new Uint32Array(setup.nodes);
  }

  /** Where this node's blocks and biases and their snapshots are (for the peer table). */
  blocks(): NodeBlocks {
    return {
      blocks: this.layers.map((L) => this.k.arena.addressOf(L.block)),
      biases: this.layers.map((L) => this.k.arena.addressOf(L.bias)),
      snapshots: this.layers.map((L) => this.k.arena.addressOf(L.blockSnapshot)),
      biasSnapshots: this.layers.map((L) => this.k.arena.addressOf(L.biasSnapshot)),
    };
  }

  /** Receives the link model. */
  connect(link: LinkModel): void {
    this.#link = link;
  }

  // ---------------------------------------------------------------- respawn after a death

  /** What a respawned node needs from a live peer besides its arrays (see {@link rejoin}). */
  exportState(): RejoinState {
    return {
      iteration: this.iteration,
      snapshotIteration: this.#snapshotIteration,
      updates: this.#updates,
      updatesSnapshot: this.#updatesSnapshot,
      counters: { ...this.counters },
      unit: this.#unit,
      aggregated: this.#aggregated,
      rollbacksInARow: this.#rollbacksInARow,
      modelledSeconds: this.#modelledSeconds,
      phaseTotals: Array.from(this.#phaseTotals),
      norms: this.layers.map((L) => ({
        rowSq: Array.from(L.norms.rowSq),
        colSq: Array.from(L.norms.colSq),
        snapshotRowSq: Array.from(L.normsSnapshot.rowSq),
        snapshotColSq: Array.from(L.normsSnapshot.colSq),
      })),
    };
  }

  /**
   * Rebuilds the respawned nodes `dead` (fresh programs on fresh memories) at a step boundary.
   * Collective: every node calls it with the same `dead` and `donor` (a live node), the respawned
   * ones also with the donor's `state` (iteration, norms, counters). Each layer's snapshot and block
   * of a respawned node are regenerated from live peers and checked by a second peer combination
   * where the code has one to spare; its bias and bias snapshot are the donor's. A rebuilt block
   * that disagrees with its check (a live peer's block is corrupted) rolls every node back to the
   * checkpoint; a rebuilt snapshot that disagrees, or a code that cannot rebuild the blocks at all
   * (no redundancy, too many nodes lost), makes every node throw.
   */
  rejoin(dead: readonly number[], donor: number, state?: RejoinState): void {
    const respawned = dead.includes(this.node);
    if (respawned) {
      if (!state) throw new Error(`node ${this.node} rejoins without a peer's state`);
      this.#importState(state);
    }
    this.#initialised = true;
    const plans = dead.map((t) => this.#rejoinPlan(t, dead));
    const mine = plans.find((p) => p.node === this.node);
    const needs = (p: RegenerationPlan) => [...p.sources, ...(p.check?.sources ?? [])];
    const owners = [...new Set(plans.flatMap(needs))].sort((a, b) => a - b);
    let blocksAgree = true;
    let snapshotsAgree = true;
    for (const L of this.layers) {
      for (const [kind, to] of [["blockSnapshot", L.blockSnapshot], ["block", L.block]] as const) {
        const fetched = this.#timed(
          "comm",
          () =>
            this.#transport.fetch(
              { kind, layer: L.index },
              owners,
              mine ? [...new Set(needs(mine))] : [],
              dataOf(to, to.rows),
            ),
        );
        if (!mine) continue;
        const blocks: Matrix[] = [];
        for (const s of needs(mine)) blocks[s] = new Matrix(fetched.get(s)!, to.rows, to.cols);
        const agrees = this.#compute("regenerate", () => regenerateChecked(mine, blocks, to, this.#combine));
        if (kind === "block") blocksAgree &&= agrees;
        else snapshotsAgree &&= agrees;
      }
      for (const [kind, to] of [["biasSnapshot", L.biasSnapshot], ["bias", L.bias]] as const) {
        const what: PeerArray = { kind, layer: L.index };
        const fetched = this.#transport.fetch(what, [donor], respawned ? [donor] : [], to);
        if (respawned) to.set(fetched.get(donor)!);
      }
    }
    // Every node learns whether any rebuild disagreed with its cross-check (a corrupted peer).
    const verdicts = this.#timed(
      "comm",
      () => this.#transport.allgather(Uint8Array.of((blocksAgree ? 0 : 1) | (snapshotsAgree ? 0 : 2))),
    );
    const flags = dead.reduce((f, p) => f | verdicts[p], 0);
    // Nobody may reuse the vote area (the next all-gather) before every node has read the verdicts.
    this.#wait();
    if (flags & 2) {
      throw new Error(
        `node${dead.length === 1 ? "" : "s"} ${dead.join(", ")}: the checkpoint rebuilt from the peers ` +
          "disagrees with its cross-check (a peer's snapshot is corrupted)",
      );
    }
    if (flags & 1) {
      this.counters.regeneration_mismatches++;
      this.#rollBack(this.iteration - this.#snapshotIteration);
    }
  }

  /** Takes a live peer's state (see {@link exportState}). */
  #importState(state: RejoinState): void {
    this.iteration = state.iteration;
    this.#snapshotIteration = state.snapshotIteration;
    this.#updates = state.updates;
    this.#updatesSnapshot = state.updatesSnapshot;
    // The bias restorations are counted per node: this node's own are lost with it.
    Object.assign(this.counters, state.counters, { biases_restored: 0 });
    this.#unit = state.unit;
    this.#aggregated = state.aggregated;
    this.#rollbacksInARow = state.rollbacksInARow;
    this.#modelledSeconds = state.modelledSeconds;
    this.#phaseTotals.set(state.phaseTotals);
    for (const L of this.layers) {
      const n = state.norms[L.index];
      L.norms.rowSq.set(n.rowSq);
      L.norms.colSq.set(n.colSq);
      L.normsSnapshot.rowSq.set(n.snapshotRowSq);
      L.normsSnapshot.colSq.set(n.snapshotColSq);
    }
  }

  /** How respawned node `t` is rebuilt from live peers (not `dead`), by either stage's code. */
  #rejoinPlan(t: number, dead: readonly number[]): RegenerationPlan {
    const errors: string[] = [];
    for (const stage of ["forward", "backward"] as const) {
      try {
        return this.code.regeneration(t, stage, dead);
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    throw new Error(
      `node ${t}'s blocks cannot be rebuilt from its peers (${this.code.label}: ${
        [...new Set(errors)].join("; ")
      })`,
    );
  }

  // ---------------------------------------------------------------- initial weights

  /**
   * Generates the initial weights together (lib/cluster/node/init-weights.ts: a band of rows at a
   * time, every node drawing its share with the wasm Philox kernel, each encoding its own block),
   * then a verified checkpoint.
   */
  initWeights(): void {
    const t = this.#setup.training;
    if (this.#initialised) throw new Error("the initial weights were already generated");
    this.#initialised = true;
    for (const L of this.layers) {
      initLayerWeights(L, {
        node: this.node,
        nodes: this.nodes,
        code: this.code,
        transport: this.#transport,
        seed: t.seed,
        scheme: t.init,
        dtype: t.dtype,
        bandBytes: t.initBandBytes,
        philox: this.k.philoxBlocks,
        compute: (work) => this.#compute("checkpoint", work),
        wait: () => this.#wait(),
      });
    }
    this.#updates = 0;
    this.#checkpoint();
  }

  // ---------------------------------------------------------------- stages

  /**
   * Forward stage of layer l on `b` samples of `x` (b × N_{l−1}): product, exchange, local decode
   * of s = W·x into `out` (b × N_l, before the bias).
   */
  #forwardStage(l: number, x: Matrix, b: number, out: Matrix, faults: boolean): DecodeResult {
    const L = this.layers[l];
    const { layout } = L;
    const plan = L.plan("forward", b);
    this.onPhase?.(`iteration ${this.iteration}, forward stage of layer ${l}`);
    if (L.forwardActive) {
      const xin = rowsOf(L.xin, b);
      const part = rowsOf(L.partialForward, b);
      this.#compute("product", () => {
        this.code.forwardInput(this.node, layout, dataOf(x, b), dataOf(xin, b), b);
        if (b === 1) this.k.gemv(false, 1, L.block, dataOf(xin, 1), 0, dataOf(part, 1));
        else this.k.gemm(false, true, 1, xin, L.block, 0, part);
      });
      const slot = this.#transport.sendSlot(plan.length);
      if (faults) this.#strike(l, "forward", "product", dataOf(part, b));
      slot.set(dataOf(part, b));
      if (faults) {
        this.#strike(l, "forward", "message", slot);
        this.#strike(l, "forward", "stored", dataOf(L.block, L.block.rows));
      }
    }
    this.#timed("comm", () => this.#transport.exchange(plan, L.forwardReceived));
    const erased = erasedGroups(plan.contributors, this.#transport.erased());
    if (erased) this.counters.erasures++;
    this.#linkSeconds += this.#linkCost(plan.length, plan.groups, L.forwardActive);
    if (faults) {
      this.#strike(l, "forward", "received", L.forwardReceived.subarray(0, plan.groups * plan.length));
    }
    const result = this.#compute("decode", () => {
      const tolerance = this.#checked
        ? {
          scale: Math.max(MIN_SCALE, this.code.forwardScale(L.norms.rowBound, maxRowNorm(this.k, x, b))),
          epsilon: this.#epsilon(this.code.forwardTerms(layout)),
        }
        : UNCHECKED;
      const r = this.#decode(
        L.decoder("forward", b),
        L.symbolViews("forward", b),
        erased,
        tolerance,
        L.messageViews("forward", b),
      );
      gather(
        L.forwardMessages,
        layout.forwardLength,
        layout.rows.total,
        this.code.forward.wanted.length,
        b,
        out,
      );
      return r;
    });
    if (faults) this.#strike(l, "forward", "decode", dataOf(out, b));
    return result;
  }

  /**
   * Backward stage of layer l: c = δ·W (b × N_{l−1}) into `out`. With `fusedAlpha` (B = 1, the
   * update's x̂ and δ̂ already encoded), the product also applies the block's update
   * W̃ += α·δ̂·x̂ᵀ in the same pass over the block (bit for bit the separate kernels).
   */
  #backwardStage(
    l: number,
    delta: Matrix,
    b: number,
    out: Matrix,
    faults: boolean,
    fusedAlpha: number | null = null,
  ): DecodeResult {
    const L = this.layers[l];
    const { layout } = L;
    const plan = L.plan("backward", b);
    this.onPhase?.(`iteration ${this.iteration}, backward stage of layer ${l}`);
    if (L.backwardActive) {
      const din = rowsOf(L.din, b);
      const part = rowsOf(L.partialBackward, b);
      this.#compute("product", () => {
        this.code.backwardInput(this.node, layout, dataOf(delta, b), dataOf(din, b), b);
        if (fusedAlpha !== null) {
          const u = dataOf(L.dhat, 1);
          this.k.gemvTransGer(1, L.block, dataOf(din, 1), dataOf(part, 1), fusedAlpha, u, dataOf(L.xhat, 1));
        } else if (b === 1) this.k.gemv(true, 1, L.block, dataOf(din, 1), 0, dataOf(part, 1));
        else this.k.gemm(false, false, 1, din, L.block, 0, part);
      });
      const slot = this.#transport.sendSlot(plan.length);
      if (faults) this.#strike(l, "backward", "product", dataOf(part, b));
      slot.set(dataOf(part, b));
      if (faults) {
        this.#strike(l, "backward", "message", slot);
        this.#strike(l, "backward", "stored", dataOf(L.block, L.block.rows));
      }
    }
    this.#timed("comm", () => this.#transport.exchange(plan, L.backwardReceived));
    const erased = erasedGroups(plan.contributors, this.#transport.erased());
    if (erased) this.counters.erasures++;
    this.#linkSeconds += this.#linkCost(plan.length, plan.groups, L.backwardActive);
    if (faults) {
      this.#strike(l, "backward", "received", L.backwardReceived.subarray(0, plan.groups * plan.length));
    }
    const result = this.#compute("decode", () => {
      const tolerance = this.#checked
        ? {
          scale: Math.max(MIN_SCALE, this.code.backwardScale(L.norms.colBound, maxRowNorm(this.k, delta, b))),
          epsilon: this.#epsilon(this.code.backwardTerms(layout)),
        }
        : UNCHECKED;
      const r = this.#decode(
        L.decoder("backward", b),
        L.symbolViews("backward", b),
        erased,
        tolerance,
        L.messageViews("backward", b),
      );
      gather(
        L.backwardMessages,
        layout.backwardLength,
        layout.cols.total,
        this.code.backward.wanted.length,
        b,
        out,
      );
      return r;
    });
    if (faults) this.#strike(l, "backward", "decode", dataOf(out, b));
    return result;
  }

  /** Encodes the update vectors x̂ and δ̂ of layer l (into the layer's `xhat`, `dhat`). */
  #encodeUpdate(l: number, delta: Matrix, x: Matrix, b: number): void {
    const L = this.layers[l];
    this.#compute("update", () => {
      this.code.updateInputs(
        this.node,
        L.layout,
        dataOf(x, b),
        dataOf(delta, b),
        dataOf(rowsOf(L.xhat, b), b),
        dataOf(rowsOf(L.dhat, b), b),
        b,
      );
    });
  }

  /**
   * Update of layer l with δ (b × N_l) and its input x (b × N_{l−1}): block and bias. `fused`:
   * the backward stage already updated the block (see {@link #fuses}).
   */
  #update(
    l: number,
    alpha: number,
    delta: Matrix,
    x: Matrix,
    b: number,
    faults: boolean,
    fused = false,
  ): void {
    const L = this.layers[l];
    this.onPhase?.(`iteration ${this.iteration}, update of layer ${l}`);
    const xhat = rowsOf(L.xhat, b);
    const dhat = rowsOf(L.dhat, b);
    if (!fused) this.#encodeUpdate(l, delta, x, b);
    if (faults) this.#strike(l, "update", "update", dataOf(dhat, b));
    this.#compute("update", () => {
      if (!fused) {
        if (b === 1) this.k.ger(alpha, dataOf(dhat, 1), dataOf(xhat, 1), L.block);
        else this.k.rankUpdate(alpha, dhat, xhat, L.block);
      }
      this.k.addColumnSums(alpha, delta, L.bias); // bit for bit biasUpdate (lib/nn/linear.ts)
      if (this.#checked) {
        L.norms.updateRows(alpha, dataOf(delta, b), dataOf(x, b), dataOf(rowsOf(this.#pre[l], b), b), b);
      }
    });
    if (faults) this.#strike(l, "update", "stored", dataOf(L.block, L.block.rows));
  }

  /**
   * Whether layer l's update runs inside its backward product (one pass over the block instead of
   * two): B = 1, a node active in the backward stage, and no fault can strike the update vector
   * δ̂ this iteration (it must be corrupted before the block is updated). A fault drawn on the
   * stored block in the backward phase then lands on the updated block instead of before the
   * update: the same corruption, found at the block's next use either way.
   */
  #fuses(l: number, b: number): boolean {
    return l > 0 && b === 1 && this.layers[l].backwardActive &&
      !this.#injector.mayStrike(this.iteration, l, "update", "update");
  }

  /**
   * Decodes a stage (`erased`: one flag per symbol, or null). Tolerances derived from non-finite
   * norms (weights or inputs that became infinite) cannot test anything: the stage is
   * uncorrectable and the vote carries the non-finite flag (roll back, or stop when that repeats).
   */
  #decode(
    decoder: StageDecoder,
    symbols: readonly Float[],
    erased: Uint8Array | null,
    tolerance: DecodeTolerance,
    out: readonly Float[],
  ): DecodeResult {
    if (!(Number.isFinite(tolerance.scale) && Number.isFinite(tolerance.epsilon))) {
      this.#myVote[VOTE_NONFINITE] = 1;
      return {
        verdict: "uncorrectable",
        located: [],
        erased: 0,
        margin: NaN,
        bound: NaN,
        reason: `non-finite tolerance (scale ${tolerance.scale}): weights or inputs are no longer finite`,
      };
    }
    return decoder.decode(symbols, erased, tolerance, out);
  }

  // ---------------------------------------------------------------- iterations

  /** One training iteration on the schedule's batch; returns its score and this node's vote. */
  #iterate(): { lossSum: number; correct: number; samples: number } {
    const t = this.iteration;
    const { indices } = this.#schedule.batch(t);
    const b = indices.length;
    const last = this.layers.length - 1;
    this.#myVote.fill(0);
    this.#compute(
      "nonlinear",
      () => fillBatch(this.#train, indices, this.#table, this.#acts[0], this.#labels),
    );
    for (let l = 0; l <= last; l++) {
      const r = this.#forwardStage(l, rowsOf(this.#acts[l], b), b, rowsOf(this.#pre[l], b), true);
      this.#record("forward", l, r);
      this.#nonlinear(l, rowsOf(this.#pre[l], b), b, true);
    }
    const logits = rowsOf(this.#acts[last + 1], b);
    const score = this.#compute("nonlinear", () => {
      const s = softmaxCrossEntropyForward(logits, this.#labels);
      softmaxCrossEntropyBackward(logits, this.#labels, rowsOf(this.#deltas[last], b));
      return s;
    });
    if (!Number.isFinite(score.lossSum)) this.#myVote[VOTE_NONFINITE] = 1;
    const alpha = this.#setup.training.lr / b;
    for (let l = last; l >= 0; l--) {
      const delta = rowsOf(this.#deltas[l], b);
      const fused = this.#fuses(l, b);
      if (fused) this.#encodeUpdate(l, delta, rowsOf(this.#acts[l], b), b);
      if (l > 0) {
        const c = rowsOf(this.#deltas[l - 1], b);
        const r = this.#backwardStage(l, delta, b, c, true, fused ? alpha : null);
        this.#record("backward", l, r);
        this.#compute("nonlinear", () => {
          if (this.#checked) {
            this.layers[l].norms.updateCols(
              alpha,
              dataOf(delta, b),
              dataOf(rowsOf(this.#acts[l], b), b),
              dataOf(c, b),
              b,
            );
          }
          this.k.reluBackward(c, rowsOf(this.#acts[l], b));
        });
        this.#strike(l - 1, "backward", "nonlinear", dataOf(c, b));
      }
      this.#update(l, alpha, delta, rowsOf(this.#acts[l], b), b, true, fused);
    }
    this.#updates++;
    return { lossSum: score.lossSum, correct: score.correct, samples: b };
  }

  /** Bias + ReLU (hidden layers) or bias (logits) on the decoded product `pre` (b × N_l) of layer l. */
  #nonlinear(l: number, pre: Matrix, b: number, faults: boolean): void {
    const out = rowsOf(this.#acts[l + 1], b);
    this.#compute("nonlinear", () => {
      out.data.set(dataOf(pre, b), out.offset);
      if (l < this.layers.length - 1) this.k.biasRelu(out, this.layers[l].bias);
      else this.k.biasAdd(out, this.layers[l].bias);
    });
    if (faults) this.#strike(l, "forward", "nonlinear", dataOf(out, b));
  }

  /**
   * Runs iterations until `to` (exclusive), with checkpoints every `checkpointEvery` iterations
   * and roll-backs as the votes decide. At the schedule's end a final checkpoint verifies the
   * weights. Every node must call it with the same `to`.
   */
  run(to: number): SpanReport {
    const cpu0 = threadCpuMs() ?? NaN;
    const every = this.#setup.training.checkpointEvery;
    let executed = 0;
    let samples = 0;
    let lossSum = 0;
    let correct = 0;
    let diverged = false;
    let lastNotice = performance.now();
    while (this.iteration < to && !diverged) {
      this.#phaseMs.fill(0);
      this.#linkSeconds = 0;
      const score = this.#iterate();
      executed++;
      let outcome = this.#vote();
      if (outcome === "rollback" && this.#union[VOTE_NONFINITE] === 1) {
        // A non-finite loss that re-running from the verified checkpoint reproduces is a
        // divergence (e.g. too large a learning rate), not a soft error: stop rather than loop.
        this.#nonFiniteRepeats = this.#nonFiniteAt === this.iteration ? this.#nonFiniteRepeats + 1 : 1;
        this.#nonFiniteAt = this.iteration;
        if (this.#nonFiniteRepeats > MAX_NONFINITE_REPEATS) outcome = "stop";
      }
      if (outcome !== "rollback") {
        // A rolled-back iteration's score (possibly NaN) is not kept; its re-run's is.
        samples += score.samples;
        lossSum += score.lossSum;
        correct += score.correct;
      }
      if (outcome === "stop") {
        diverged = true;
        this.iteration++;
      } else if (outcome === "rollback") {
        this.#rollBack(this.iteration + 1 - this.#snapshotIteration);
      } else {
        this.iteration++;
        if (this.iteration % every === 0 || this.iteration === this.#schedule.totalIterations) {
          this.#checkpoint();
        }
      }
      this.#account();
      if (this.node === 0 && performance.now() - lastNotice > 500) {
        lastNotice = performance.now();
        this.onProgress?.(this.iteration);
      }
      const limit = this.#setup.training.maxRollbacksInARow ?? MAX_ROLLBACKS_IN_A_ROW;
      if (this.#rollbacksInARow >= limit) {
        throw new Error(
          `rolled back ${limit} times in a row to iteration ${this.iteration}: ` +
            "the errors are beyond what the code corrects; lower the fault rate or use more redundancy",
        );
      }
      // A node died: stop at this step boundary (every live node saw the same last collective) so
      // that the main thread can respawn it before the next step.
      if (this.#transport.erased().length > 0) break;
    }
    return {
      iteration: this.iteration,
      executed,
      samples,
      lossSum,
      correct,
      diverged,
      counters: { ...this.counters },
      modelledSeconds: this.#modelledSeconds,
      phaseMs: Object.fromEntries(PHASE_NAMES.map((p, i) => [p, this.#phaseTotals[i]])) as Record<
        PhaseName,
        number
      >,
      faults: this.#drainFaults(),
      threadCpuMs: (threadCpuMs() ?? NaN) - cpu0,
    };
  }

  /** Called on node 0 about twice a second during `run` with the iteration reached. */
  onProgress: ((iteration: number) => void) | undefined;
  /** Called when the node enters a stage, so that a failure says where it happened. */
  onPhase: ((phase: string) => void) | undefined;

  // ---------------------------------------------------------------- votes, regeneration, roll-back

  /** Notes a stage's verdict in this node's vote. */
  #record(stage: "forward" | "backward", l: number, r: DecodeResult): void {
    if (r.verdict === "uncorrectable") this.#myVote[VOTE_UNCORRECTABLE] = 1;
    const L = this.layers[l];
    const base = VOTE_HEADER + l * (L.forwardSymbols + L.backwardSymbols) +
      (stage === "forward" ? 0 : L.forwardSymbols);
    for (const s of r.located) this.#myVote[base + s] = 1;
  }

  /**
   * All-gathers the votes and acts on their union: regenerate the blocks behind located symbols,
   * roll back on an uncorrectable stage (or stop, for the uncoded baseline's non-finite loss).
   */
  #vote(): "ok" | "rollback" | "stop" {
    const P = this.nodes;
    const votes = this.#timed("comm", () => this.#transport.allgather(this.#myVote));
    // Dead nodes' rows are stale: skipped, by the same list at every node.
    this.#dead = this.#transport.erased();
    const u = this.#union;
    u.fill(0);
    const n = this.#voteLength;
    let flags = 0;
    for (let p = 0; p < P; p++) {
      this.#checksums[p] = 0;
      if (this.#dead.includes(p)) continue;
      const at = p * n;
      for (let i = 0; i < n; i++) u[i] |= votes[at + i];
      // The bias checksum: bytes 4..7 of the row, little-endian.
      this.#checksums[p] =
        (votes[at + 4] | votes[at + 5] << 8 | votes[at + 6] << 16 | votes[at + 7] << 24) >>> 0;
    }
    for (let i = 0; i < n; i++) flags |= i >= 4 && i < VOTE_HEADER ? 0 : u[i];
    this.#aggregateStats();
    const nonFinite = u[VOTE_NONFINITE] === 1;
    if (nonFinite && this.#setup.training.stopOnUncorrectable) return "stop";
    if (flags === 0) return "ok"; // the common case: no flag and no located symbol anywhere
    let stagesWithErrors = 0;
    let located = 0;
    const plans: { layer: number; stage: "forward" | "backward"; targets: number[] }[] = [];
    for (const L of this.layers) {
      const base = VOTE_HEADER + L.index * (L.forwardSymbols + L.backwardSymbols);
      for (const stage of ["forward", "backward"] as const) {
        const offset = base + (stage === "forward" ? 0 : L.forwardSymbols);
        const count = stage === "forward" ? L.forwardSymbols : L.backwardSymbols;
        const groups = stage === "forward" ? this.code.forwardGroups() : this.code.backwardGroups();
        const targets = new Set<number>();
        for (let s = 0; s < count; s++) {
          if (u[offset + s]) {
            located++;
            for (const n of groups[s]) targets.add(n);
          }
        }
        if (targets.size > 0) {
          stagesWithErrors++;
          plans.push({ layer: L.index, stage, targets: [...targets].sort((a, b) => a - b) });
        }
      }
    }
    const uncorrectable = u[VOTE_UNCORRECTABLE] === 1 || nonFinite;
    this.counters.detected += stagesWithErrors + (uncorrectable ? 1 : 0);
    if (uncorrectable) {
      this.counters.uncorrectable++;
      return this.#setup.training.stopOnUncorrectable ? "stop" : "rollback";
    }
    this.counters.corrected += located;
    for (const p of plans) {
      if (!this.#regenerate(p.layer, p.stage, p.targets)) return "rollback";
    }
    return "ok";
  }

  /**
   * Rebuilds the blocks of `targets` (the nodes behind located symbols of one stage of one layer)
   * from peers outside `targets`. Collective: every node calls it with the same arguments.
   * Returns false when the code cannot rebuild them (the caller rolls back).
   */
  #regenerate(layer: number, stage: "forward" | "backward", targets: number[]): boolean {
    let plans;
    // A dead node is neither a source nor rebuilt here (it is rebuilt when it is respawned).
    const exclude = [...targets, ...this.#dead];
    try {
      plans = targets.filter((t) => !this.#dead.includes(t)).map((t) =>
        this.code.regeneration(t, stage, exclude)
      );
    } catch {
      return false;
    }
    const mine = plans.find((p) => p.node === this.node);
    const L = this.layers[layer];
    const needs = (p: RegenerationPlan) => [...p.sources, ...(p.check?.sources ?? [])];
    const owners = [...new Set(plans.flatMap(needs))].sort((a, b) => a - b);
    const fetched = this.#timed(
      "comm",
      () =>
        this.#transport.fetch(
          { kind: "block", layer },
          owners,
          mine ? [...new Set(needs(mine))] : [],
          dataOf(L.block, L.block.rows),
        ),
    );
    let consistent = true;
    if (mine) {
      const blocks: Matrix[] = [];
      for (const s of needs(mine)) blocks[s] = new Matrix(fetched.get(s)!, L.block.rows, L.block.cols);
      consistent = this.#compute("regenerate", () => regenerateChecked(mine, blocks, L.block, this.#combine));
    }
    // Every node learns whether any rebuild disagreed with its cross-check (a corrupted peer). The
    // verdicts reuse the vote area: first every node must be done reading the votes.
    this.#wait();
    const verdicts = this.#timed("comm", () => this.#transport.allgather(Uint8Array.of(consistent ? 0 : 1)));
    const agreed = verdicts.every((v, p) => v === 0 || this.#dead.includes(p));
    // Nobody may reuse the vote area (the next all-gather) before every node has read the verdicts.
    this.#wait();
    if (!agreed) {
      this.counters.regeneration_mismatches++;
      return false;
    }
    this.counters.regenerated += plans.length;
    return true;
  }

  /** FNV-1a checksum of this node's biases (their bytes), never 0. */
  #biasChecksum(): number {
    let h = 0x811c9dc5;
    for (const L of this.layers) {
      const bytes = new Uint8Array(L.bias.buffer, L.bias.byteOffset, L.bias.byteLength);
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    }
    return (h >>> 0) || 1;
  }

  /**
   * Biases are not coded: every node keeps a copy. At a checkpoint, the copies vote (checksums in
   * the verification vote) and a node in the minority copies the biases of one in the majority.
   * Collective.
   */
  #biasConsensus(): void {
    const counts = new Map<number, number>();
    // A dead node's checksum is 0 (a live node's never is): it takes no part.
    for (const c of this.#checksums) if (c !== 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    let majority = this.#checksums.find((c) => c !== 0) ?? 0;
    for (const [c, n] of counts) if (n > (counts.get(majority) ?? 0)) majority = c;
    if (counts.size === 1) return;
    const mine = this.#checksums[this.node];
    const donor = this.#checksums.indexOf(majority);
    for (const L of this.layers) {
      const wanted = mine !== majority ? [donor] : [];
      const fetched = this.#transport.fetch({ kind: "bias", layer: L.index }, [donor], wanted, L.bias);
      if (mine !== majority) L.bias.set(fetched.get(donor)!);
    }
    this.counters.biases_restored += counts.size > 1 && mine !== majority ? 1 : 0;
    this.#wait();
  }

  /** Returns every layer to the last verified checkpoint; `lost` iterations are undone. */
  #rollBack(lost: number): void {
    for (const L of this.layers) L.rollBack();
    this.counters.rollbacks++;
    this.#rollbacksInARow++;
    this.counters.iterations_lost += lost;
    this.iteration = this.#snapshotIteration;
    this.#updates = this.#updatesSnapshot;
  }

  /**
   * Verification pass (all-ones input through every forward stage and all-ones δ through every
   * backward stage, no faults), then a snapshot. Returns false if the pass rolled back instead.
   */
  #checkpoint(): boolean {
    const t0 = performance.now();
    this.#myVote.fill(0);
    new DataView(this.#myVote.buffer, 4, 4).setUint32(0, this.#biasChecksum(), true);
    for (const L of this.layers) {
      const x = rowsOf(this.#acts[L.index], 1);
      dataOf(x, 1).fill(1);
      this.#record(
        "forward",
        L.index,
        this.#forwardStage(L.index, x, 1, rowsOf(this.#pre[L.index], 1), false),
      );
      if (L.index > 0) {
        const d = rowsOf(this.#deltas[L.index], 1);
        dataOf(d, 1).fill(1);
        const c = rowsOf(this.#deltas[L.index - 1], 1);
        this.#record("backward", L.index, this.#backwardStage(L.index, d, 1, c, false));
      }
    }
    const outcome = this.#vote();
    if (outcome !== "ok") {
      this.#rollBack(this.iteration - this.#snapshotIteration);
      this.#phaseMs[PHASE_NAMES.indexOf("checkpoint")] += performance.now() - t0;
      return false;
    }
    this.#biasConsensus();
    this.#compute("checkpoint", () => {
      for (const L of this.layers) L.snapshot();
    });
    this.#snapshotIteration = this.iteration;
    this.#updatesSnapshot = this.#updates;
    this.#rollbacksInARow = 0;
    this.#wait();
    return true;
  }

  // ---------------------------------------------------------------- persisted checkpoints

  /** The last verified checkpoint, to write to disk; only right after a span ended on it. */
  exportSnapshot(): NodeSnapshot {
    if (this.#snapshotIteration !== this.iteration) {
      throw new Error(`iteration ${this.iteration} is past the checkpoint of ${this.#snapshotIteration}`);
    }
    return {
      iteration: this.#snapshotIteration,
      updates: this.#updatesSnapshot,
      counters: { ...this.counters },
      injector: this.#injector.save(),
      modelledSeconds: this.#modelledSeconds,
      phaseTotals: [...this.#phaseTotals],
      bytes: snapshotBytes(this.layers),
    };
  }

  /** Continues from a checkpoint of {@link exportSnapshot} (instead of the initial weights). */
  importSnapshot(s: NodeSnapshot): void {
    loadSnapshotBytes(this.layers, s.bytes);
    this.iteration = this.#snapshotIteration = s.iteration;
    this.#updates = this.#updatesSnapshot = s.updates;
    Object.assign(this.counters, s.counters);
    this.#injector.restore(s.injector);
    this.#modelledSeconds = s.modelledSeconds;
    this.#phaseTotals.set(s.phaseTotals);
  }

  // ---------------------------------------------------------------- evaluation and export

  /** Scores the test set through the coded forward path (no faults); node 0's answer counts. */
  evaluate(): { samples: number; lossSum: number; correct: number; uncorrectable: number } {
    const C = this.#setup.training.evalBatch;
    const test = this.#test;
    let lossSum = 0;
    let correct = 0;
    let uncorrectable = 0;
    const indices = new Int32Array(C);
    for (let start = 0; start < test.count; start += C) {
      const b = Math.min(C, test.count - start);
      for (let i = 0; i < b; i++) indices[i] = start + i;
      fillBatch(test, indices.subarray(0, b), this.#table, this.#acts[0], this.#labels);
      for (let l = 0; l < this.layers.length; l++) {
        const pre = rowsOf(this.#passPre[l], b);
        const r = this.#forwardStage(l, rowsOf(this.#acts[l], b), b, pre, false);
        if (r.verdict === "uncorrectable") uncorrectable++;
        this.#nonlinear(l, pre, b, false);
      }
      const s = softmaxCrossEntropyForward(rowsOf(this.#acts[this.layers.length], b), this.#labels);
      lossSum += s.lossSum;
      correct += s.correct;
    }
    return { samples: test.count, lossSum, correct, uncorrectable };
  }

  /**
   * The weights as the code decodes them: forward stages with the identity as input (in batches),
   * so that s = W·I = Wᵀ's rows; biases from this node. Collective; node 0's copy is returned.
   */
  exportWeights(): { weights: Float64Array[]; biases: Float64Array[] } {
    const C = this.#capacity;
    const weights: Float64Array[] = [];
    for (const L of this.layers) {
      const w = new Float64Array(L.rows * L.cols);
      for (let j0 = 0; j0 < L.cols; j0 += C) {
        const b = Math.min(C, L.cols - j0);
        const x = rowsOf(this.#acts[L.index], b);
        const xd = dataOf(x, b);
        xd.fill(0);
        for (let r = 0; r < b; r++) xd[r * L.cols + j0 + r] = 1;
        const out = rowsOf(this.#passPre[L.index], b);
        this.#forwardStage(L.index, x, b, out, false);
        const od = dataOf(out, b);
        for (let r = 0; r < b; r++) {
          for (let i = 0; i < L.rows; i++) w[i * L.cols + j0 + r] = od[r * L.rows + i];
        }
      }
      weights.push(w);
    }
    return { weights, biases: this.layers.map((L) => Float64Array.from(L.bias)) };
  }

  // ---------------------------------------------------------------- helpers

  /** Draws (and maybe injects) a fault at a site of the current iteration. */
  #strike(l: number, phase: Phase, site: FaultSite, target: Float): void {
    if (this.#injector.strike(this.iteration, l, phase, site, target)) {
      this.#faults.push(...this.#injector.drain());
    }
  }

  #drainFaults(): FaultEvent[] {
    const out = this.#faults;
    this.#faults = [];
    return out;
  }

  /** Tolerance epsilon of a stage whose entries sum `terms` products. */
  #epsilon(terms: number): number {
    const dtype = this.#setup.training.dtype;
    const u = unitRoundoff(dtype);
    let fixed = this.#roundoff.get(terms);
    if (fixed === undefined) this.#roundoff.set(terms, fixed = u + roundoffEpsilon(dtype, terms));
    return fixed + 8 * Math.sqrt(this.#updates) * u;
  }

  /** `u + roundoffEpsilon(dtype, terms)` per number of terms (the part of {@link #epsilon} that never changes). */
  readonly #roundoff = new Map<number, number>();

  /** Modelled seconds of one exchange at this node (sent partial, received symbols). */
  #linkCost(length: number, groups: number, sends: boolean): number {
    const bytes = (this.#setup.training.dtype === "float32" ? 4 : 8) * length * (groups + (sends ? 1 : 0));
    return 2 * this.#link.latency + bytes / this.#link.bandwidth;
  }

  /** Runs compute work holding a core token, adding its time to `phase`. */
  #compute<T>(phase: PhaseName, work: () => T): T {
    const { result, ms } = this.#gate.run(work, this.node);
    this.#phaseMs[PHASE_NAMES.indexOf(phase)] += ms;
    return result;
  }

  /** Runs non-compute work (waits), adding its time to `phase`. */
  #timed<T>(phase: PhaseName, work: () => T): T {
    const t0 = performance.now();
    const r = work();
    this.#phaseMs[PHASE_NAMES.indexOf(phase)] += performance.now() - t0;
    return r;
  }

  #wait(): void {
    this.#timed("comm", () => this.#transport.barrier());
  }

  /**
   * Publishes the busy times of the accounting unit just finished (an iteration with its vote,
   * regenerations and checkpoint) into bank `unit mod 3`. Every node reads unit u − 1 after the first
   * vote of unit u; with three banks nobody overwrites a bank it may still be reading.
   */
  #account(): void {
    const n = PHASE_NAMES.length;
    this.#stats.set(this.#phaseMs);
    this.#stats[n] = this.#linkSeconds;
    this.#transport.publishStats(this.#unit, this.#stats);
    this.#unit++;
  }

  /** This node's numbers of one accounting unit: busy ms per phase, then modelled link seconds. */
  readonly #stats = new Float64Array(PHASE_NAMES.length + 1);

  /** Accounting units published by this node. */
  #unit = 0;
  /** Units this node has added to the modelled time. */
  #aggregated = 0;
  /** The slowest node's numbers of the unit being aggregated. */
  readonly #maxStats = new Float64Array(PHASE_NAMES.length + 1);

  /**
   * After a vote (on every node, so that any can hand the totals to a respawned one): adds the
   * slowest node per phase of the last published unit.
   */
  #aggregateStats(): void {
    if (this.#aggregated >= this.#unit) return;
    const n = PHASE_NAMES.length;
    const max = this.#maxStats;
    this.#transport.maxStats(this.#unit - 1, max);
    let seconds = 0;
    for (let i = 0; i < n; i++) {
      this.#phaseTotals[i] += max[i];
      if (PHASE_NAMES[i] !== "comm") seconds += max[i] / 1000;
    }
    this.#modelledSeconds += seconds + max[n];
    this.#aggregated = this.#unit;
  }
}

// ------------------------------------------------------------------ small pure helpers

/** The first `b` rows of a contiguous matrix, as a matrix view. */
function rowsOf(m: Matrix, b: number): Matrix {
  return b === m.rows ? m : m.view(0, 0, b, m.cols);
}

/** The elements of the first `b` rows of a contiguous matrix, as a typed-array view. */
function dataOf(m: Matrix, b: number): Float {
  return m.data.subarray(m.offset, m.offset + b * m.cols);
}

/**
 * out (b × total) from message rows (wanted × b·L, sample-major inside each): message row w holds
 * entries [w·L, w·L + L) of every sample, the padding beyond `total` dropped.
 */
function gather(messages: Float, L: number, total: number, wanted: number, b: number, out: Matrix): void {
  const od = out.data;
  for (let w = 0; w < wanted; w++) {
    const n = Math.min(L, total - w * L);
    if (n <= 0) continue;
    for (let s = 0; s < b; s++) {
      const src = w * b * L + s * L;
      const dst = out.offset + s * out.ld + w * L;
      for (let i = 0; i < n; i++) od[dst + i] = messages[src + i];
    }
  }
}

/**
 * The largest 2-norm of the first `b` rows of `m` (the tolerance's input norm), each squared norm
 * summed by the node's kernels (`squaredNorm`, the order of lib/tensor/naive-norms.ts).
 */
function maxRowNorm(k: NormKernels, m: Matrix, b: number): number {
  let max = 0;
  for (let i = 0; i < b; i++) {
    // Row 0 of a matrix at the start of its storage needs no view (a B = 1 step's every input).
    const s = k.squaredNorm(i === 0 && m.offset === 0 ? m.data : m.row(i), m.cols);
    if (s > max) max = s;
  }
  return Math.sqrt(max);
}

/** An ImageDataset over shared memory. */
function datasetOf(s: NodeSetup["train"]): ImageDataset {
  return { ...s };
}
