/**
 * Which layer code a training configuration's nodes use: `codenet` with the grid or PolyDot code,
 * `replication` (`--r` copies of a `--qr` × `--qc` block grid, the authors' 2 × (5×4)), `uncoded`
 * (a `--grid-rows` × `--grid-cols` block grid, nothing checked).
 *
 * @module
 */

import type { CodeSpec } from "../codes/build.ts";
import type { TrainConfig } from "../train/config.ts";

/** The flags a code depends on. */
export type CodeFlags = Pick<
  TrainConfig,
  "strategy" | "code" | "pr" | "qr" | "pc" | "qc" | "m" | "n" | "p" | "r" | "gridRows" | "gridCols" | "seed"
>;

/** The code spec of a configuration (see `buildLayerCode`). */
export function codeSpecOf(config: CodeFlags): CodeSpec {
  switch (config.strategy) {
    case "codenet":
      return config.code === "grid"
        ? { code: "grid", pr: config.pr, qr: config.qr, pc: config.pc, qc: config.qc, seed: config.seed }
        : { code: "polydot", m: config.m, n: config.n, p: config.p };
    case "replication":
      return { code: "replication", r: config.r, qr: config.qr, qc: config.qc };
    case "uncoded":
      return { code: "uncoded", qr: config.gridRows, qc: config.gridCols };
  }
}
