/**
 * The coding layer's public API in one import (see each module for details):
 *
 * - building a layer code: {@link buildLayerCode} (grid, polydot, replication, abft) or the
 *   factories `gridCode`, `polyDotCode`, `replicationCode`, `abftCode`; all implement
 *   {@link LayerCode} (blocks, active nodes, groups, encoded inputs, regeneration plans);
 * - a stage ({@link StageCode}: generator, encode, theory bounds) and its decoder
 *   ({@link StageDecoder}: `decode(symbols, erased, tolerance, out)` → verdict, located symbols);
 * - the tolerance a caller states ({@link DecodeTolerance}, {@link roundoffEpsilon});
 * - generators, worst-case conditioning, regeneration, the `encode` summary and files.
 *
 * @example
 * ```ts
 * import { buildLayerCode, roundoffEpsilon } from "./mod.ts";
 * const code = buildLayerCode({ code: "grid", pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
 * const layout = code.layout(10000, 784);
 * const decoder = code.forward.decoder({ length: layout.forwardLength });
 * const tolerance = {
 *   scale: code.forwardScale(1.2, 28.0),
 *   epsilon: 2 ** -24 + roundoffEpsilon("float32", code.forwardTerms(layout), { accumulation: "float64", bound: "worst-case" }),
 * };
 * // per step: decoder.decode(symbolViews, null, tolerance, outputViews)
 * ```
 *
 * @module
 */

export { abftCode } from "./abft.ts";
export { buildLayerCode, type CodeSpec } from "./build.ts";
export { readWeights, writeEncoded } from "./code-files.ts";
export { binomial, type Conditioning, worstConditionNumber } from "./conditioning.ts";
export {
  DECODE_MODES,
  type DecodeMode,
  type DecodeResult,
  type ErasureMask,
  MdsDecoder,
  type StageDecoder,
  type ToleranceReport,
  type Verdict,
} from "./decoder.ts";
export * from "./generators.ts";
export { gridCode, type GridPosition, type GridRole } from "./grid.ts";
export {
  CODE_KINDS,
  type CodeKind,
  encodeLayer,
  type LayerCode,
  type LayerLayout,
  type RegenerationPlan,
} from "./layer-code.ts";
export { polyDotCode } from "./polydot.ts";
export { regenerate, regenerationCoefficients } from "./regeneration.ts";
export { replicationCode, uncodedCode } from "./replication.ts";
export { type CodeBounds, MdsStage, type StageCode } from "./stage.ts";
export { formatSummary, summarizeCode } from "./summary.ts";
export { type DecodeTolerance, roundoffEpsilon, unitRoundoff } from "./tolerance.ts";
