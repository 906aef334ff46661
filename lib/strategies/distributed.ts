/**
 * The distributed strategies (codenet with the grid or PolyDot code, replication, uncoded over P
 * nodes), seen from the main thread: one implementation, since they differ only in the layer code
 * their nodes use (lib/codes). The main thread sizes and allocates the shared areas, starts one
 * Worker per node, and from then on only sends "run to iteration t", "evaluate", "export" and
 * collects what the nodes report. It never computes or decodes a step of training.
 *
 * A node whose Worker dies mid-step (terminated: a crash) is declared dead in the shared barrier:
 * the others stop waiting for it, erase its symbols and finish the step if the code's redundancy
 * allows (or roll back to the last checkpoint if not), then stop at the step boundary. The Workers
 * runner then respawns the node on a fresh memory (a dead node's memory is lost), and every node
 * takes part in rebuilding its blocks and their snapshots from its peers (NodeProgram.rejoin) with
 * a live node's state, and the span goes on. A code with no redundancy to rebuild the blocks
 * (uncoded) ends the run with an error naming the node and the phase. Over MPI no node is ever
 * erased: a dead rank makes `mpirun` end the job.
 *
 * @module
 */

import { buildLayerCode } from "../codes/build.ts";
import { codeSpecOf } from "./code-spec.ts";
import type { LayerCode } from "../codes/layer-code.ts";
import { stageBufferLengths } from "../cluster/node/layer.ts";
import { SharedBarrier } from "../cluster/barrier.ts";
import { ComputeGate } from "../cluster/compute-gate.ts";
import { type ExchangeShape, SharedExchange } from "../cluster/exchange.ts";
import { groupSumsModule } from "../cluster/group-sums.ts";
import type { FaultCounters, LinkModel, NodeProgram, SpanReport } from "../cluster/node/program.ts";
import type { NodeSnapshot } from "../cluster/node/snapshot.ts";
import {
  type NodeBlocks,
  type NodeFaults,
  type NodeTraining,
  PHASE_NAMES,
  type PhaseName,
  type SharedSplit,
  voteLength,
  type WorkerSetup,
} from "../cluster/node/setup.ts";
import { initBands } from "../cluster/node/init-weights.ts";
import { WorkerPool } from "../cluster/pool.ts";
import { NodeError } from "../cluster/protocol.ts";
import type { ImageDataset } from "../../datasets/dataset.ts";
import type { ForcedFault } from "../faults/injector.ts";
import type { FaultModelSpec } from "../faults/node-injector.ts";
import { readFaultPlan } from "../faults/plan.ts";
import { parseSites } from "../faults/sites.ts";
import type { LoggedFault } from "../faults/worker-death.ts";
import type { MlpState } from "../nn/state.ts";
import { kernelModule } from "../tensor/wasm/assemble.ts";
import { createSharedMemory, PAGE_BYTES } from "../tensor/wasm/arena.ts";
import type { TrainConfig } from "../train/config.ts";
import type { Evaluation, SpanResult, Strategy, StrategyContext, StrategyState } from "../train/strategy.ts";

/**
 * Upper bound on the elements a node holds per evaluation batch (see {@link evalElementsPerSample}):
 * 65 samples for the authors' 784-10000-10000-10 on the 7×6 grid (16 MiB per node in float32).
 */
const EVAL_BUDGET = 1 << 22;
/** Largest evaluation batch. */
const MAX_EVAL_BATCH = 500;

/** Activation elements a node holds per sample: every layer's activations, one layer's products. */
function activationsPerSample(widths: readonly number[]): number {
  return widths.reduce((a, b) => a + b, 0) + Math.max(...widths.slice(1));
}

/**
 * Elements a node holds per sample of an evaluation batch: the activations (see
 * {@link activationsPerSample}), every layer's encoded input and partial product of the forward
 * stage, and the forward share of the stage buffers (received symbols and message rows).
 */
function evalElementsPerSample(code: LayerCode, widths: readonly number[]): number {
  let elements = activationsPerSample(widths);
  let stage = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const layout = code.layout(widths[l + 1], widths[l]);
    elements += layout.blockCols + layout.blockRows;
    const { received, messages } = stageBufferLengths(code, layout, 1, 0);
    stage = Math.max(stage, received + messages);
  }
  return elements + stage;
}

/** Samples per evaluation batch: as many as fit the per-node budget. */
export function evalBatchOf(code: LayerCode, config: TrainConfig, testCount: number): number {
  const perSample = evalElementsPerSample(code, config.layers);
  return Math.max(config.batch, Math.min(testCount, MAX_EVAL_BATCH, Math.floor(EVAL_BUDGET / perSample)));
}

/** Bytes of kernel memory one node needs (blocks and snapshots, buffers, packing scratch). */
export function nodeMemoryBytes(code: LayerCode, config: TrainConfig, capacity: number): number {
  const bytes = config.dtype === "float32" ? 4 : 8;
  let elements = 0;
  // The received symbols of the largest stage (one buffer every stage shares).
  let received = 0;
  // The tracked squared norms of every layer's rows and columns and their snapshot, in float64.
  let normBytes = 0;
  const widths = config.layers;
  for (let l = 0; l + 1 < widths.length; l++) {
    const layout = code.layout(widths[l + 1], widths[l]);
    normBytes += 2 * 8 * (widths[l + 1] + widths[l]);
    received = Math.max(received, stageBufferLengths(code, layout, capacity, config.batch).received);
    elements += 2 * layout.blockRows * layout.blockCols + 2 * widths[l + 1];
    // Forward buffers (input, partial) for `capacity` samples; backward and update buffers (input,
    // partial, x̂, δ̂) for a training batch.
    elements += capacity * (layout.blockRows + layout.blockCols) +
      2 * config.batch * (layout.blockRows + layout.blockCols);
  }
  // Activations and one layer's products for up to `capacity` samples; every layer's products
  // and signals δ for a training batch.
  elements += capacity * activationsPerSample(widths) +
    2 * config.batch * widths.slice(1).reduce((a, b) => a + b) + received;
  return elements * bytes + normBytes + (64 << 20);
}

/** Copies a data split into shared memory for the nodes. */
function shareSplit(data: ImageDataset): SharedSplit {
  const pixels = new Uint8Array(new SharedArrayBuffer(data.pixels.length));
  pixels.set(data.pixels);
  const labels = new Uint8Array(new SharedArrayBuffer(data.labels.length));
  labels.set(data.labels);
  const { name, count, height, width, classes } = data;
  return { name, count, height, width, classes, pixels, labels };
}

/** Options beyond the training configuration. */
export interface DistributedOptions {
  /** Faults placed exactly (default: none, or the config's `--fault-plan`). */
  readonly forced?: readonly ForcedFault[];
  /** The fault model every node corrupts with (default: additive at `--fault-density`). */
  readonly faultModel?: FaultModelSpec;
  /** Seed of the nodes' fault streams (default: the training seed). */
  readonly faultSeed?: number;
  /** Record every changed entry of every fault in the events (for attack logs and replays). */
  readonly recordChanges?: boolean;
  /** The node Worker's module (default lib/cluster/node/worker.ts; tests wrap it to inject failures). */
  readonly workerUrl?: URL;
  /**
   * Test hook: worker deaths. Node `node` dies (its Worker is terminated) when it enters `phase`,
   * e.g. "iteration 5, forward stage of layer 1" (the node program's phase names).
   */
  readonly deaths?: readonly { readonly node: number; readonly phase: string }[];
  /** Roll-backs in a row to the same checkpoint before the run stops (default: the node program's). */
  readonly maxRollbacksInARow?: number;
  /** Bytes of one band of the initial weights (default: init-weights.ts's; tests force many bands). */
  readonly initBandBytes?: number;
}

/** A worker death, as the summary lists it. */
export interface WorkerDeath {
  readonly node: number;
  /** The phase it died in (known when it died by the test hook), or "". */
  readonly phase: string;
  /** The iteration the surviving nodes stopped at (the step boundary after the death). */
  readonly iteration: number;
}

/** What every node of a run is set up with, whatever the transport (sizes, settings, faults). */
export interface RunPlan {
  readonly spec: ReturnType<typeof codeSpecOf>;
  readonly code: LayerCode;
  /** Nodes P. */
  readonly nodes: number;
  readonly evalBatch: number;
  /** Largest partial/symbol length of any exchange, in elements. */
  readonly maxLength: number;
  /** Bytes of the initial-weights scratch (the largest band of rows and its norms). */
  readonly scratchBytes: number;
  readonly forwardSymbols: number;
  readonly backwardSymbols: number;
  /** Bytes of kernel memory per node. */
  readonly memoryBytes: number;
  readonly training: NodeTraining;
  readonly faults: NodeFaults;
}

/** Sizes and settings of a distributed run; see {@link RunPlan}. */
export function planRun(context: StrategyContext, options: DistributedOptions = {}): RunPlan {
  const { config } = context;
  const spec = codeSpecOf(config);
  const code = buildLayerCode(spec);
  const P = code.nodes;
  const evalBatch = evalBatchOf(code, config, context.test.count);
  const capacity = Math.max(config.batch, evalBatch);
  const widths = config.layers;
  let maxLength = 0;
  let scratchBytes = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const layout = code.layout(widths[l + 1], widths[l]);
    // Forward exchanges carry up to `capacity` samples, backward ones a training batch.
    maxLength = Math.max(maxLength, capacity * layout.forwardLength, config.batch * layout.backwardLength);
    scratchBytes = Math.max(
      scratchBytes,
      initBands(layout, config.dtype, P, options.initBandBytes).scratchBytes,
    );
  }
  return {
    spec,
    code,
    nodes: P,
    evalBatch,
    maxLength,
    scratchBytes,
    forwardSymbols: code.forwardGroups().length,
    backwardSymbols: code.backwardGroups().length,
    memoryBytes: nodeMemoryBytes(code, config, capacity),
    training: {
      layers: widths,
      dtype: config.dtype,
      init: config.init as "he" | "glorot",
      seed: config.seed,
      lr: config.lr,
      batch: config.batch,
      normalize: config.normalize as "255" | "128",
      decoder: config.decoder as "probabilistic" | "adversarial",
      schedule: {
        poolSize: context.train.count,
        epochs: config.epochs,
        evalEvery: config.evalEvery,
        rounds: config.rounds,
        roundSamples: config.roundSamples,
      },
      checkpointEvery: config.checkpointEvery,
      evalBatch,
      timeout: config.timeout,
      stopOnUncorrectable: config.strategy === "uncoded",
      ...(options.maxRollbacksInARow !== undefined ? { maxRollbacksInARow: options.maxRollbacksInARow } : {}),
      ...(options.initBandBytes !== undefined ? { initBandBytes: options.initBandBytes } : {}),
    },
    faults: {
      rate: config.faultRate,
      density: config.faultDensity,
      sites: parseSites(config.faultSites),
      forced: options.forced ??
        (config.faultPlan ? readFaultPlan(config.faultPlan, P, widths.length - 1) : []),
      ...(options.faultModel !== undefined ? { model: options.faultModel } : {}),
      ...(options.faultSeed !== undefined ? { seed: options.faultSeed } : {}),
      ...(options.recordChanges ? { record: true } : {}),
    },
  };
}

/** What the strategy asks of its nodes, whatever the transport. */
export interface NodeRunner {
  /**
   * Every node runs to iteration `to` (or to the step boundary after a node died); every node's
   * report, in node order, undefined for a node that died.
   */
  run(to: number): Promise<readonly (SpanReport | undefined)[]>;
  /**
   * Respawns the nodes that died and rebuilds them from their live peers, which stopped at
   * `iteration`; the deaths (none when every node is alive, always none over MPI).
   */
  recover(iteration: number): Promise<WorkerDeath[]>;
  /** Test hook: terminates node `p` now, as a crash would (Workers only). */
  kill?(p: number): void;
  /** Every node evaluates; the first live node's answer. */
  evaluate(): Promise<NodeEvaluation>;
  /** Every node takes part in decoding the weights; the first live node's copy. */
  exportWeights(): Promise<{ weights: Float64Array[]; biases: Float64Array[] }>;
  /** Every node's last verified checkpoint, in node order; undefined where they are not gathered (MPI ranks ≠ 0). */
  exportSnapshots(): Promise<NodeSnapshot[] | undefined>;
  /** Every node continues from its snapshot (node order; over MPI only rank 0's bytes are read). */
  importSnapshots(snapshots: NodeSnapshot[]): Promise<void>;
  /** Releases the nodes. */
  close(): void;
}

/** What {@link NodeProgram.evaluate} answers. */
export type NodeEvaluation = ReturnType<NodeProgram["evaluate"]>;

/** Starts the nodes of a distributed strategy on Workers; see the module documentation. */
export async function createDistributed(
  context: StrategyContext,
  options: DistributedOptions = {},
): Promise<Strategy> {
  const { config } = context;
  const run = planRun(context, options);
  const { spec, code, nodes: P, maxLength, scratchBytes, forwardSymbols, backwardSymbols } = run;
  const widths = config.layers;
  const exchangeShape: ExchangeShape = {
    nodes: P,
    maxGroups: Math.max(forwardSymbols, backwardSymbols),
    maxLength,
    dtype: config.dtype,
  };
  const barrier = SharedBarrier.create(P);
  const gate = ComputeGate.create(Math.max(1, navigator.hardwareConcurrency || 1), P);
  const exchange = SharedExchange.allocate(exchangeShape);
  const groupSums = await groupSumsModule();
  const votes = new Uint8Array(
    new SharedArrayBuffer(P * voteLength(widths.length - 1, forwardSymbols, backwardSymbols)),
  );
  const stats = new Float64Array(new SharedArrayBuffer(3 * P * (PHASE_NAMES.length + 1) * 8));
  const memory = () =>
    createSharedMemory({ initialBytes: PAGE_BYTES, maximumBytes: Math.min(2 ** 32, run.memoryBytes) });
  const memories = Array.from({ length: P }, memory);
  const module = await kernelModule();
  const train = shareSplit(context.train);
  const test = shareSplit(context.test);
  let initScratch = new SharedArrayBuffer(scratchBytes);

  let spanDone = 0;
  /** The phase each dead node died in, where it said (the test hook). */
  const dyingPhases = new Map<number, string>();
  const workerUrl = options.workerUrl ?? new URL("../cluster/node/worker.ts", import.meta.url);
  const pool = WorkerPool.start(workerUrl, P, {
    onFailure: (f) => barrier.abort(f.node),
    onDeath: (p) => {
      gate.releaseDead(p);
      barrier.markDead(p);
    },
    onNotice: (n) => {
      if (n.notice === "progress") {
        spanDone = n.data as number;
        context.onProgress?.(spanDone);
      } else if (n.notice === "die") {
        dyingPhases.set(n.node, n.data as string);
        pool.kill(n.node);
      }
    },
  });
  const timeout = config.timeout;
  const link: LinkModel = { latency: config.commLatency, bandwidth: config.commBandwidth };
  const blocks: NodeBlocks[] = [];
  /** Nodes respawned once (the death test hook fires only in a node's first Worker). */
  const respawned = new Set<number>();
  const where = (nodes: readonly number[]) =>
    nodes.map((p) => `node ${p}${dyingPhases.has(p) ? ` (in ${dyingPhases.get(p)})` : ""}`).join(", ");
  const setup = (node: number): WorkerSetup => ({
    node,
    nodes: P,
    code: spec,
    training: run.training,
    faults: run.faults,
    module,
    memory: memories[node],
    gate: gate.state,
    areas: { barrier: barrier.state, exchange, exchangeShape, groupSums, votes, stats, initScratch },
    train,
    test,
    dieAt: respawned.has(node) ? undefined : options.deaths?.find((d) => d.node === node)?.phase,
  });
  try {
    /** Before the first step there is nothing to rebuild a dead node from. */
    const allAlive = () => {
      if (pool.dead.length > 0) {
        throw new Error(`${where(pool.dead)} died while the run was starting; start it again`);
      }
    };
    blocks.push(...await pool.request<NodeBlocks>("init", setup, Math.max(60, timeout)));
    allAlive();
    await pool.request("connect", () => ({ peers: { memories, blocks }, link }), timeout);
    allAlive();
    await pool.request("initWeights", () => null, Infinity);
    allAlive();
    initScratch = new SharedArrayBuffer(8);
  } catch (e) {
    pool.close();
    throw e;
  }

  /** Respawns the dead nodes and rebuilds them from their peers; see the module documentation. */
  const recover = async (iteration: number): Promise<WorkerDeath[]> => {
    const dead = pool.dead;
    if (dead.length === 0) return [];
    const live = [...Array(P).keys()].filter((p) => !dead.includes(p));
    if (live.length === 0) throw new Error("every node died");
    const deaths = dead.map((node) => ({ node, phase: dyingPhases.get(node) ?? "", iteration }));
    const lost = where(dead);
    for (const p of dead) {
      dyingPhases.delete(p);
      respawned.add(p);
      memories[p] = memory();
      pool.respawn(p);
      barrier.revive(p);
    }
    try {
      const fresh = await pool.request<NodeBlocks>("init", setup, Math.max(60, timeout), dead);
      dead.forEach((p, i) => (blocks[p] = fresh[i]));
      await pool.request("connect", () => ({ peers: { memories, blocks }, link }), timeout);
      const donor = live[0];
      // The donor's state (its program's and its transport's), handed on as it is.
      const [state] = await pool.request<unknown>("state", () => null, timeout, [donor]);
      await pool.request(
        "rejoin",
        (p) => ({ dead, donor, state: dead.includes(p) ? state : undefined }),
        Math.max(60, timeout),
      );
    } catch (e) {
      const why = e instanceof NodeError ? e.failure.message : e instanceof Error ? e.message : String(e);
      throw new Error(`${lost} died and could not be restored: ${why}`);
    }
    return deaths;
  };
  return new Distributed(config, code, workerRunner(pool, timeout, recover), P, context.onFaults);
}

/** The {@link NodeRunner} of a pool of node Workers. */
function workerRunner(
  pool: WorkerPool,
  timeout: number,
  recover: (iteration: number) => Promise<WorkerDeath[]>,
): NodeRunner {
  /** The first live node's answer (a node may die while the others evaluate or export). */
  const first = <T>(answers: T[]): T => {
    const answer = answers.find((a) => a !== undefined);
    if (answer === undefined) throw new Error("every node died");
    return answer;
  };
  return {
    run: (to) => pool.request<SpanReport | undefined>("run", () => ({ to }), Infinity),
    recover,
    kill: (p) => pool.kill(p),
    evaluate: async () => first(await pool.request<NodeEvaluation>("evaluate", () => null, Infinity)),
    exportWeights: async () =>
      first(
        await pool.request<{ weights: Float64Array[]; biases: Float64Array[] }>(
          "export",
          () => null,
          Infinity,
        ),
      ),
    exportSnapshots: () => pool.request<NodeSnapshot>("exportSnapshot", () => null, timeout),
    importSnapshots: async (snapshots) => {
      await pool.request("importSnapshot", (node) => snapshots[node], timeout);
    },
    close: () => pool.close(),
  };
}

/**
 * A distributed strategy seen from the loop, over any transport: the first live node's reports are
 * the run's, the faults of every node and the worker deaths go to `onFaults`.
 */
export class Distributed implements Strategy {
  readonly name: string;
  #report: SpanReport | undefined;
  #injected = 0;
  #biasesRestored = 0;
  /** Per node: its bias-restoration counter as last reported (a respawned node's starts at 0). */
  #biasesSeen: number[] = [];
  #evalUncorrectable = 0;
  /** Worker deaths so far, oldest first. */
  #deaths: WorkerDeath[] = [];
  /**
   * Per node: CPU milliseconds of its thread over the spans run (NaN where unknown); carried over
   * a resume like the wall time, so that a resumed run's `node_cpu_seconds` covers the whole run
   * except the work after its last checkpoint.
   */
  #threadCpuMs: number[] = [];

  constructor(
    readonly config: TrainConfig,
    readonly code: LayerCode,
    readonly runner: NodeRunner,
    readonly nodes: number,
    readonly onFaults: ((events: readonly LoggedFault[]) => void) | undefined,
  ) {
    this.name = config.strategy;
  }

  /** Worker deaths so far, oldest first. */
  get deaths(): readonly WorkerDeath[] {
    return this.#deaths;
  }

  /** Test hook: terminates node `p` now, as a crash would (Workers only). */
  killNode(p: number): void {
    if (!this.runner.kill) throw new Error("this transport cannot kill a node");
    this.runner.kill(p);
  }

  /** Respawns and rebuilds the nodes that died, if any; true if there were. */
  async #recover(): Promise<boolean> {
    const deaths = await this.runner.recover(this.#report?.iteration ?? 0);
    if (deaths.length === 0) return false;
    this.#deaths.push(...deaths);
    for (const d of deaths) this.#biasesSeen[d.node] = 0;
    this.onFaults?.(deaths.map((d) => ({ kind: "worker_death", ...d })));
    return true;
  }

  async train(from: number, to: number): Promise<SpanResult> {
    let samples = 0;
    let lossSum = 0;
    let correct = 0;
    await this.#recover();
    for (;;) {
      const reports = await this.runner.run(to);
      const live = reports.filter((r) => r !== undefined);
      const lead = live[0];
      if (!lead) throw new Error("every node died");
      const faults = live.flatMap((r) => r.faults).sort((a, b) =>
        a.iteration - b.iteration || a.node - b.node
      );
      this.#injected += faults.length;
      if (faults.length > 0) this.onFaults?.(faults);
      this.#report = lead;
      reports.forEach((r, p) => {
        if (!r) return;
        this.#threadCpuMs[p] = (this.#threadCpuMs[p] ?? 0) + r.threadCpuMs;
        this.#biasesRestored += r.counters.biases_restored - (this.#biasesSeen[p] ?? 0);
        this.#biasesSeen[p] = r.counters.biases_restored;
      });
      samples += lead.samples;
      lossSum += lead.lossSum;
      correct += lead.correct;
      // A node died: the others stopped at the step boundary after it; go on once it is rebuilt.
      if (await this.#recover() && !lead.diverged && lead.iteration !== to) continue;
      if (lead.iteration !== to && !lead.diverged) {
        throw new Error(`the nodes stopped at iteration ${lead.iteration} instead of ${to} (from ${from})`);
      }
      return { samples, lossSum, correct, diverged: lead.diverged, reached: lead.iteration };
    }
  }

  async evaluate(): Promise<Evaluation> {
    await this.#recover();
    const lead = await this.runner.evaluate();
    this.#evalUncorrectable += lead.uncorrectable;
    return {
      samples: lead.samples,
      loss: lead.lossSum / lead.samples,
      accuracy: lead.correct / lead.samples,
    };
  }

  async exportState(): Promise<MlpState> {
    await this.#recover();
    const lead = await this.runner.exportWeights();
    return { widths: [...this.config.layers], weights: lead.weights, biases: lead.biases };
  }

  /**
   * Every node's last verified checkpoint (one section per node: its blocks, biases and norms;
   * the header holds each node's iteration, counters, fault RNG and modelled time) and the main
   * thread's own counters. The nodes copy their snapshots out; nothing is computed here.
   */
  async saveState(): Promise<StrategyState | undefined> {
    await this.#recover();
    const snapshots = await this.runner.exportSnapshots();
    if (snapshots === undefined) return undefined;
    return {
      header: {
        nodes: snapshots.map(({ bytes: _, ...meta }) => meta),
        injected: this.#injected,
        biases_restored: this.#biasesRestored,
        eval_uncorrectable: this.#evalUncorrectable,
        worker_deaths: this.#deaths,
        // NaN (unknown) is written as null by JSON.
        thread_cpu_ms: [...this.#threadCpuMs],
      },
      sections: snapshots.map((s) => s.bytes),
    };
  }

  async restoreState(state: StrategyState): Promise<void> {
    const h = state.header as {
      nodes: Omit<NodeSnapshot, "bytes">[];
      injected: number;
      biases_restored: number;
      eval_uncorrectable: number;
      worker_deaths?: WorkerDeath[];
      /** Absent from checkpoints written before node CPU carried over a resume. */
      thread_cpu_ms?: (number | null)[];
    };
    if (h.nodes.length !== this.nodes || state.sections.length !== this.nodes) {
      throw new Error(`the checkpoint holds ${h.nodes.length} nodes, the run has ${this.nodes}`);
    }
    await this.runner.importSnapshots(
      h.nodes.map((meta, node) => ({ ...meta, bytes: state.sections[node] })),
    );
    this.#injected = h.injected;
    this.#biasesRestored = h.biases_restored;
    this.#biasesSeen = h.nodes.map((n) => n.counters.biases_restored);
    this.#evalUncorrectable = h.eval_uncorrectable;
    this.#deaths = [...(h.worker_deaths ?? [])];
    this.#threadCpuMs = (h.thread_cpu_ms ?? []).map((ms) => ms ?? NaN);
    const lead = h.nodes[0];
    this.#report = {
      iteration: lead.iteration,
      executed: 0,
      samples: 0,
      lossSum: 0,
      correct: 0,
      diverged: false,
      counters: lead.counters,
      modelledSeconds: lead.modelledSeconds,
      phaseMs: Object.fromEntries(PHASE_NAMES.map((p, i) => [p, lead.phaseTotals[i]])) as Record<
        PhaseName,
        number
      >,
      faults: [],
      threadCpuMs: 0,
    };
  }

  #counters(): FaultCounters & { injected: number; workers_respawned: number } {
    const c = this.#report?.counters ?? {
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
    return {
      injected: this.#injected,
      ...c,
      erasures: c.erasures ?? 0,
      regeneration_mismatches: c.regeneration_mismatches ?? 0,
      biases_restored: this.#biasesRestored,
      workers_respawned: this.#deaths.length,
    };
  }

  metrics(): Readonly<Record<string, number>> {
    const c = this.#counters();
    return {
      modelled_seconds: this.#report?.modelledSeconds ?? 0,
      faults_injected: c.injected,
      faults_detected: c.detected,
      faults_corrected: c.corrected,
      blocks_regenerated: c.regenerated,
      rollbacks: c.rollbacks,
      iterations_lost: c.iterations_lost,
    };
  }

  summary(): Readonly<Record<string, unknown>> {
    const phases = this.#report?.phaseMs ?? ({} as Record<PhaseName, number>);
    return {
      nodes: this.nodes,
      code: this.code.label,
      faults: this.#counters(),
      worker_deaths: this.#deaths,
      eval_uncorrectable_stages: this.#evalUncorrectable,
      modelled_seconds: this.#report?.modelledSeconds ?? 0,
      modelled_phase_seconds: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / 1000])),
      node_cpu_seconds: nodeCpuSeconds(this.#threadCpuMs),
      time_model: {
        what: "Σ over iterations and phases of the slowest node's busy time (measured one core per node), " +
          "plus per exchange 2α + bytes/bandwidth at the busiest node",
        latency_seconds: this.config.commLatency,
        bandwidth_bytes_per_second: this.config.commBandwidth,
      },
    };
  }

  close(): Promise<void> {
    this.runner.close();
    return Promise.resolve();
  }
}

/**
 * Mean and max over nodes of the CPU seconds of each node's own thread over the run (Linux
 * schedstat, see lib/cluster/thread-cpu.ts: a node's work without waits or preemption), or null
 * where the system does not say.
 */
function nodeCpuSeconds(ms: readonly number[]): { mean: number; max: number } | null {
  const known = ms.filter((v) => v !== undefined);
  if (known.length === 0 || known.some((v) => !Number.isFinite(v))) return null;
  return { mean: known.reduce((a, b) => a + b, 0) / known.length / 1000, max: Math.max(...known) / 1000 };
}
