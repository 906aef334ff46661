/**
 * Peak memory of a training run, estimated before anything is allocated, so that a run that cannot
 * fit is refused with the estimate and the available memory (Deno.systemMemoryInfo) instead of
 * failing half-way.
 *
 * The estimate counts: the parameters (every node's coded blocks and their verified snapshots, or
 * the centralized network), the activations and signals of a training and an evaluation batch, the
 * data set (pixels and labels, plus the shared copy the nodes read), the copies a checkpoint on
 * disk makes (each node's snapshot, serialised once more), and a fixed allowance per runtime
 * (the main thread, and every node's Worker with its WebAssembly memory reserve).
 *
 * @module
 */

import { DATASETS } from "../../datasets/load.ts";
import { buildLayerCode } from "../codes/build.ts";
import { UsageError } from "../errors.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import { evalBatchOf, nodeMemoryBytes } from "../strategies/distributed.ts";
import type { TrainConfig } from "./config.ts";

/** Allowance for the main thread's runtime (V8, modules, buffers). */
const MAIN_RUNTIME_BYTES = 64 << 20;
/** Allowance for each node Worker's runtime (its own V8 isolate). */
const WORKER_RUNTIME_BYTES = 32 << 20;
/**
 * Of the reserve `nodeMemoryBytes` adds to a node's WebAssembly memory (64 MiB), what a node
 * typically touches; the rest is address space, not memory (measured: a 5-node 784-256-256-10
 * run peaks at 270 MB resident in all).
 */
const NODE_RESERVE_USED = 4 << 20;
const NODE_RESERVE = 64 << 20;
/** Largest WebAssembly memory a node can have (32-bit addresses). */
const NODE_MEMORY_LIMIT = 2 ** 32;

/** Estimated peak bytes, in total and by part. */
export interface MemoryEstimate {
  readonly bytes: number;
  readonly parts: Readonly<Record<string, number>>;
  /** Kernel memory of one node (distributed strategies), bounded by 4 GiB. */
  readonly perNode?: number;
}

/** Estimates the peak memory of a run of `config` (resolved by prepareTrainConfig). */
export function estimateMemory(config: TrainConfig): MemoryEstimate {
  const bytes = config.dtype === "float32" ? 4 : 8;
  const widths = config.layers;
  const info = DATASETS[config.dataset];
  const trainSamples = config.trainSamples ?? info.defaultTrain;
  const testSamples = Math.min(config.testSamples, info.maxTest);
  const samples = trainSamples + testSamples;
  const dataBytes = samples * (widths[0] + 1);
  let params = 0;
  for (let l = 0; l + 1 < widths.length; l++) params += widths[l + 1] * (widths[l] + 1);
  const sumWidths = widths.reduce((a, b) => a + b, 0);

  if (config.strategy === "uncoded" && config.workers === 1) {
    const evalRows = Math.min(1000, testSamples);
    return total({
      parameters: params * bytes,
      activations: (3 * config.batch + 2 * evalRows) * sumWidths * bytes,
      dataset: dataBytes,
      checkpoint: 2 * params * 8,
      runtime: MAIN_RUNTIME_BYTES,
    });
  }
  const code = buildLayerCode(codeSpecOf(config));
  const P = code.nodes;
  const capacity = Math.max(config.batch, evalBatchOf(code, config, testSamples));
  let blockElements = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const layout = code.layout(widths[l + 1], widths[l]);
    blockElements += layout.blockRows * layout.blockCols + widths[l + 1];
  }
  const perNode = nodeMemoryBytes(code, config, capacity);
  const blocks = 2 * P * blockElements * bytes;
  return total({
    "blocks and snapshots": blocks,
    "activations and buffers": P * (perNode - NODE_RESERVE + NODE_RESERVE_USED) - blocks,
    dataset: 2 * dataBytes,
    checkpoint: 2 * P * blockElements * bytes,
    runtime: MAIN_RUNTIME_BYTES + P * WORKER_RUNTIME_BYTES,
  }, perNode);
}

function total(parts: Record<string, number>, perNode?: number): MemoryEstimate {
  return { bytes: Object.values(parts).reduce((a, b) => a + b, 0), parts, perNode };
}

/** Bytes in a short human form (MB, GB, TB; powers of 1000). */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(n >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

/** Available memory in bytes, or undefined when the system does not say (no --allow-sys). */
export function availableMemory(): number | undefined {
  try {
    return Deno.systemMemoryInfo().available;
  } catch {
    return undefined;
  }
}

/**
 * Refuses (UsageError) a run whose estimate exceeds `available` bytes, or whose nodes would need
 * more than the 4 GiB a WebAssembly memory can address. Returns the estimate.
 */
export function checkMemory(config: TrainConfig, available = availableMemory()): MemoryEstimate {
  const estimate = estimateMemory(config);
  const detail = Object.entries(estimate.parts).map(([k, v]) => `${k} ${formatBytes(v)}`).join(", ");
  const fix = "use narrower --layers, a smaller --batch or fewer samples";
  if (available !== undefined && estimate.bytes > available) {
    throw new UsageError(
      `this run needs about ${formatBytes(estimate.bytes)} of memory (${detail}) but only ${
        formatBytes(available)
      } is available; ${fix}`,
    );
  }
  if (estimate.perNode !== undefined && estimate.perNode > NODE_MEMORY_LIMIT) {
    throw new UsageError(
      `each node needs about ${
        formatBytes(estimate.perNode)
      } of kernel memory, beyond the 4.3 GB (4 GiB) a node's WebAssembly memory can address; use narrower --layers or a code with more nodes`,
    );
  }
  return estimate;
}
