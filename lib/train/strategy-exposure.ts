/**
 * The fault exposure (fault-exposure.ts) of the strategy a training configuration describes, so
 * that the checkpointing model predicts a run from the same flags that start it:
 *
 * - `codenet`: every layer coded with `--code grid` (`--pr --qr --pc --qc`) or `polydot`
 *   (`--m --n --p`), the decoder's bound from `--decoder`;
 * - `replication`: `--r` copies of a `--qr` × `--qc` block grid (the authors' 2 × (5×4));
 * - `uncoded`: `--workers` nodes (default `--grid-rows` × `--grid-cols`), nothing checked.
 *
 * @module
 */

import { buildLayerCode } from "../codes/build.ts";
import type { LayerCode } from "../codes/layer-code.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import type { TrainConfig } from "./config.ts";
import { codedExposure, type FaultExposure, uncodedExposure } from "./fault-exposure.ts";

/** The flags the exposure depends on. */
export type ExposureConfig = Pick<
  TrainConfig,
  | "strategy"
  | "code"
  | "pr"
  | "qr"
  | "pc"
  | "qc"
  | "m"
  | "n"
  | "p"
  | "r"
  | "gridRows"
  | "gridCols"
  | "workers"
  | "decoder"
  | "layers"
  | "seed"
>;

/**
 * The layer code every layer of the strategy of `c` uses, or undefined for uncoded (a UsageError
 * for impossible code parameters).
 */
export function layerCodeOfConfig(c: ExposureConfig): LayerCode | undefined {
  switch (c.strategy) {
    case "codenet":
    case "replication":
      return buildLayerCode(codeSpecOf(c));
    case "uncoded":
      return undefined;
  }
}

/**
 * The fault exposure of the strategy of `c` (a UsageError for impossible code parameters).
 *
 * @example
 * ```ts
 * import { parseOptions } from "../config/options.ts";
 * import { trainSchema } from "./config.ts";
 * const { values } = parseOptions(trainSchema, ["--strategy", "replication", "--layers", "784,1000,1000,10"]);
 * exposureOfConfig(values).nodes; // 40
 * ```
 */
export function exposureOfConfig(c: ExposureConfig, label?: string): FaultExposure {
  const layers = c.layers.length - 1;
  const code = layerCodeOfConfig(c);
  if (code === undefined) {
    const nodes = c.workers ?? c.gridRows * c.gridCols;
    return uncodedExposure(nodes, layers, label ?? `uncoded ${nodes}`);
  }
  return codedExposure(code, layers, c.decoder, label ?? `${c.strategy} ${code.label}`);
}
