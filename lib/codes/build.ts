/**
 * One entry point from parameters (the `encode` and `train` flags share their names) to a
 * {@link LayerCode}.
 *
 * @example
 * ```ts
 * import { buildLayerCode } from "./build.ts";
 * const code = buildLayerCode({ code: "polydot", m: 2, n: 2, p: 12 });
 * code.nodes; // 12
 * ```
 *
 * @module
 */

import { abftCode } from "./abft.ts";
import type { GeneratorKind } from "./generators.ts";
import { gridCode } from "./grid.ts";
import type { CodeKind, LayerCode } from "./layer-code.ts";
import { polyDotCode } from "./polydot.ts";
import { replicationCode, uncodedCode } from "./replication.ts";

/** Parameters of every code family; each family reads its own (defaults: the paper's). */
export interface CodeSpec {
  readonly code: CodeKind;
  /** grid: grid rows (7). */
  readonly pr?: number;
  /** grid, abft, replication, uncoded: row blocks (5). */
  readonly qr?: number;
  /** grid: grid columns (6). */
  readonly pc?: number;
  /** grid, abft, replication, uncoded: column blocks (4). */
  readonly qc?: number;
  /** grid: generator family (gaussian). */
  readonly generator?: GeneratorKind;
  /** grid: seed of the Gaussian generators (1). */
  readonly seed?: number;
  /** polydot: row blocks (2). */
  readonly m?: number;
  /** polydot: column blocks (2). */
  readonly n?: number;
  /** polydot: nodes (12). */
  readonly p?: number;
  /** replication: copies (2). */
  readonly r?: number;
  /** abft: checksum blocks per dimension (2). */
  readonly checksums?: number;
}

/** The layer code a spec describes; invalid parameters throw a UsageError. */
export function buildLayerCode(spec: CodeSpec): LayerCode {
  const { pr = 7, qr = 5, pc = 6, qc = 4 } = spec;
  switch (spec.code) {
    case "grid":
      return gridCode({ pr, qr, pc, qc, generator: spec.generator, seed: spec.seed });
    case "abft":
      return abftCode({ qr, qc, checksums: spec.checksums });
    case "polydot":
      return polyDotCode({ m: spec.m ?? 2, n: spec.n ?? 2, p: spec.p ?? 12 });
    case "replication":
      return replicationCode({ copies: spec.r ?? 2, qr, qc });
    case "uncoded":
      return uncodedCode({ qr, qc });
  }
}
