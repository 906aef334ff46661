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

import { UsageError } from "../errors.ts";
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

/** Most nodes a code may have (the paper's grid has 38): beyond it generators and votes grow unwieldy. */
export const MAX_NODES = 4096;
/**
 * Largest recovery threshold Q of a stage: the decoder inverts Q × Q submatrices (and `encode`
 * samples thousands of them for κ), so Q is kept where that stays interactive.
 */
export const MAX_THRESHOLD = 64;

/** The nodes and per-stage thresholds a spec asks for, computed before anything is allocated. */
function requestedSize(spec: CodeSpec): { nodes: number; thresholds: [string, number][] } {
  const { pr = 7, qr = 5, pc = 6, qc = 4, m = 2, n = 2, p = 12, r = 2, checksums = 2 } = spec;
  switch (spec.code) {
    case "grid":
      return { nodes: qr * pc + Math.max(0, pr - qr) * qc, thresholds: [["qr", qr], ["qc", qc]] };
    case "abft":
      return { nodes: qr * (qc + checksums) + checksums * qc, thresholds: [["qr", qr], ["qc", qc]] };
    case "polydot":
      return {
        nodes: p,
        thresholds: [["m·n + n − 1 and 2·m·n − n", Math.max(m * n + n - 1, 2 * m * n - n)]],
      };
    case "replication":
      return { nodes: r * qr * qc, thresholds: [] };
    case "uncoded":
      return { nodes: qr * qc, thresholds: [] };
  }
}

/** The layer code a spec describes; invalid parameters throw a UsageError. */
export function buildLayerCode(spec: CodeSpec): LayerCode {
  const { pr = 7, qr = 5, pc = 6, qc = 4 } = spec;
  const size = requestedSize(spec);
  if (size !== undefined) {
    for (const [name, q] of size.thresholds) {
      if (q > MAX_THRESHOLD) {
        throw new UsageError(
          `${spec.code} code: ${name} = ${q} message blocks per stage; at most ${MAX_THRESHOLD} are supported`,
        );
      }
    }
    if (size.nodes > MAX_NODES) {
      throw new UsageError(
        `${spec.code} code: these parameters need ${size.nodes} nodes; at most ${MAX_NODES} are supported`,
      );
    }
  }
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
