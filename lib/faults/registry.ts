/**
 * Fault models by name (the `--model` values) with their parameters, validated: buffer models
 * ({@link buildFaultModel}, what the training injector can use) and stage attacks
 * ({@link buildStageAttack}, what the standalone attack target injects). Bad parameters are
 * {@link UsageError}s naming the flag.
 *
 * | model                  | parameters                                 | default entries |
 * | ---------------------- | ------------------------------------------ | --------------- |
 * | additive               | density, amplitude                         | 0.5 %           |
 * | bitflip, stuck-at-0/1  | bits or bit-class + flips, density         | one             |
 * | zero, nan, inf, neg-inf| density                                    | one             |
 * | random-value           | density, amplitude                         | one             |
 * | sign-flip              | density                                    | one             |
 * | scale                  | density, scale-percent                     | one             |
 * | mercurial              | probability, inner (+ the inner's)         | inner's         |
 * | in-span, colluding     | density, amplitude                         | 0.5 %           |
 * | crash                  | (none)                                     | —               |
 *
 * @example
 * ```ts
 * import { buildStageAttack } from "./registry.ts";
 * const attack = buildStageAttack("bitflip", { bitClass: "exponent", flips: 2 }, "float32");
 * attack.label; // "bitflip 2 exponent bits, 1 entry"
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { DType } from "../tensor/matrix.ts";
import { additiveModel } from "./additive.ts";
import { bitFlipModel, type BitSelection, stuckAtModel } from "./bit-faults.ts";
import { BIT_CLASSES, type BitClass, bitWidth, classBits } from "./bits.ts";
import { colludingAttack } from "./colluding.ts";
import { crashAttack } from "./crash.ts";
import { inSpanAttack } from "./in-span.ts";
import { MercurialModel } from "./mercurial.ts";
import type { FaultModel } from "./model.ts";
import { MULTIPLY_KINDS, type MultiplyKind, multiplyModel } from "./multiply.ts";
import { REPLACE_KINDS, type ReplaceKind, replaceModel } from "./replace.ts";
import { type StageAttack, symbolAttack } from "./stage-attack.ts";

/** Models that corrupt one buffer on their own (usable by the training injector). */
export const BUFFER_MODELS = [
  "additive",
  "bitflip",
  "stuck-at-0",
  "stuck-at-1",
  ...REPLACE_KINDS,
  ...MULTIPLY_KINDS,
  "mercurial",
] as const;
/** Every `--model` name: buffer models and the stage attacks. */
export const FAULT_MODELS = [...BUFFER_MODELS, "in-span", "colluding", "crash"] as const;
/** A `--model` name. */
export type FaultModelName = typeof FAULT_MODELS[number];

/** The parameters a model may take (camelCase keys; the flags are their kebab-case names). */
export interface ModelParameters {
  /** Fraction of the entries struck (default: 0.005 for additive, in-span, colluding; else one entry). */
  readonly density?: number;
  /** Half-width of uniform values (additive, random-value, in-span, colluding; default 5). */
  readonly amplitude?: number;
  /** Exact bit indices (bit-level models). */
  readonly bits?: readonly number[];
  /** Bit class (bit-level models; default any). */
  readonly bitClass?: string;
  /** Distinct bits per struck entry (bit-level models; default 1). */
  readonly flips?: number;
  /** Percent of the `scale` model (default 10). */
  readonly scalePercent?: number;
  /** Per-trial strike probability of `mercurial` (default 0.1). */
  readonly probability?: number;
  /** The model a mercurial node corrupts with (default additive). */
  readonly inner?: string;
}

const BIT_PARAMS = ["bits", "bitClass", "flips", "density"] as const;
/** Which parameters each model reads (mercurial also reads its inner model's). */
export const MODEL_PARAMETERS: Readonly<Record<FaultModelName, readonly (keyof ModelParameters)[]>> = {
  additive: ["density", "amplitude"],
  bitflip: BIT_PARAMS,
  "stuck-at-0": BIT_PARAMS,
  "stuck-at-1": BIT_PARAMS,
  zero: ["density"],
  "random-value": ["density", "amplitude"],
  nan: ["density"],
  inf: ["density"],
  "neg-inf": ["density"],
  "sign-flip": ["density"],
  scale: ["density", "scalePercent"],
  mercurial: ["probability", "inner"],
  "in-span": ["density", "amplitude"],
  colluding: ["density", "amplitude"],
  crash: [],
};

/** Default density of the models that strike a fraction of the entries. */
export const AUTHORS_DENSITY = 0.005;

/** Checks a `--model` name; throws a UsageError listing the names. */
export function checkModelName(name: string, flag = "--model"): FaultModelName {
  if (!(FAULT_MODELS as readonly string[]).includes(name)) {
    throw new UsageError(`${flag}: unknown fault model "${name}"; models: ${FAULT_MODELS.join(", ")}`);
  }
  return name as FaultModelName;
}

/** The parameters `name` reads, including a mercurial model's inner model's. */
export function parametersOf(name: FaultModelName, params: ModelParameters): (keyof ModelParameters)[] {
  const own = [...MODEL_PARAMETERS[name]];
  if (name === "mercurial") own.push(...MODEL_PARAMETERS[checkInner(params.inner ?? "additive")]);
  return own;
}

function checkInner(inner: string): FaultModelName {
  const name = checkModelName(inner, "--inner");
  if (!(BUFFER_MODELS as readonly string[]).includes(name) || name === "mercurial") {
    throw new UsageError(
      `--inner: a mercurial node corrupts its own output; use one of ${
        BUFFER_MODELS.filter((m) => m !== "mercurial").join(", ")
      }`,
    );
  }
  return name;
}

function bitSelection(params: ModelParameters, dtype: DType): BitSelection {
  const width = bitWidth(dtype);
  if (params.bits !== undefined) {
    if (params.bitClass !== undefined || params.flips !== undefined) {
      throw new UsageError("--bits names the bits exactly; drop --bit-class and --flips, or drop --bits");
    }
    for (const b of params.bits) {
      if (!(Number.isInteger(b) && b >= 0 && b < width)) {
        throw new UsageError(`--bits: bit ${b} is outside 0..${width - 1} of a ${dtype} entry`);
      }
    }
    if (new Set(params.bits).size !== params.bits.length) {
      throw new UsageError(`--bits: ${params.bits.join(",")} repeats a bit; list distinct bits`);
    }
    return { bits: params.bits, density: params.density };
  }
  const cls = params.bitClass ?? "any";
  if (!(BIT_CLASSES as readonly string[]).includes(cls)) {
    throw new UsageError(`--bit-class: "${cls}" is not one of ${BIT_CLASSES.join(", ")}`);
  }
  const available = classBits(dtype, cls as BitClass).length;
  const flips = params.flips ?? 1;
  if (!(Number.isInteger(flips) && flips >= 1 && flips <= available)) {
    throw new UsageError(
      `--flips: ${flips} distinct bits cannot be drawn from the ${cls} class of ${dtype} (${available} bits)`,
    );
  }
  return { bitClass: cls as BitClass, flips, density: params.density };
}

function checkDensity(density: number | undefined): void {
  if (density !== undefined && !(density > 0 && density <= 1)) {
    throw new UsageError(`--density: ${density} must be in (0, 1]`);
  }
}

/** The buffer model `name` (not in-span, colluding or crash, which need the whole stage). */
export function buildFaultModel(name: string, params: ModelParameters, dtype: DType): FaultModel {
  const model = checkModelName(name);
  checkDensity(params.density);
  const amplitude = params.amplitude ?? 5;
  if (!(amplitude > 0 && Number.isFinite(amplitude))) {
    throw new UsageError(`--amplitude: ${amplitude} must be a positive number`);
  }
  switch (model) {
    case "additive":
      return additiveModel({ density: params.density ?? AUTHORS_DENSITY, amplitude });
    case "bitflip":
      return bitFlipModel(bitSelection(params, dtype));
    case "stuck-at-0":
    case "stuck-at-1":
      return stuckAtModel(model === "stuck-at-0" ? 0 : 1, bitSelection(params, dtype));
    case "sign-flip":
    case "scale":
      return multiplyModel(model as MultiplyKind, { density: params.density, percent: params.scalePercent });
    case "mercurial": {
      const p = params.probability ?? 0.1;
      if (!(p >= 0 && p <= 1)) throw new UsageError(`--probability: ${p} must be in [0, 1]`);
      return new MercurialModel(buildFaultModel(checkInner(params.inner ?? "additive"), params, dtype), p);
    }
    case "in-span":
    case "colluding":
    case "crash":
      throw new UsageError(`--model ${model} acts on a whole stage; it cannot corrupt a single buffer`);
    default:
      return replaceModel(model as ReplaceKind, { density: params.density, amplitude });
  }
}

/** The stage attack `name` (any model: buffer models corrupt each faulty symbol on its own). */
export function buildStageAttack(name: string, params: ModelParameters, dtype: DType): StageAttack {
  const model = checkModelName(name);
  checkDensity(params.density);
  switch (model) {
    case "in-span":
      return inSpanAttack({ density: params.density ?? AUTHORS_DENSITY, amplitude: params.amplitude });
    case "colluding":
      return colludingAttack({ density: params.density ?? AUTHORS_DENSITY, amplitude: params.amplitude });
    case "crash":
      return crashAttack();
    default:
      return symbolAttack(buildFaultModel(model, params, dtype));
  }
}
