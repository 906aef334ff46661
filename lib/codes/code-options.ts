/**
 * The code flags shared by every subcommand that builds a layer code (`encode`, `attack`): one
 * schema piece, so that the flags keep the same names, defaults and help everywhere, and
 * {@link codeSpecFrom} to turn parsed values into a {@link CodeSpec}.
 *
 * @example
 * ```ts
 * import { option, parseOptions } from "../config/options.ts";
 * import { codeOptions, codeSpecFrom } from "./code-options.ts";
 * const schema = { ...codeOptions, json: option.boolean({ default: false, description: "JSON" }) };
 * const { values } = parseOptions(schema, ["--code", "polydot", "--p", "10"]);
 * codeSpecFrom(values); // { code: "polydot", pr: 7, …, p: 10, … }
 * ```
 *
 * @module
 */

import { option, type Values } from "../config/options.ts";
import type { CodeSpec } from "./build.ts";
import { GENERATOR_KINDS, type GeneratorKind } from "./generators.ts";
import { CODE_KINDS, type CodeKind } from "./layer-code.ts";

/** The code family and its parameters. */
export const codeOptions = {
  code: option.string({ default: "grid", choices: CODE_KINDS, description: "code family", group: "Code" }),
  pr: option.int({
    default: 7,
    min: 1,
    description: "grid: grid rows Pr (forward code (Pr, qr))",
    group: "Code",
  }),
  qr: option.int({
    default: 5,
    min: 1,
    description: "grid, abft, replication: row blocks qr",
    group: "Code",
  }),
  pc: option.int({
    default: 6,
    min: 1,
    description: "grid: grid columns Pc (backward code (Pc, qc))",
    group: "Code",
  }),
  qc: option.int({
    default: 4,
    min: 1,
    description: "grid, abft, replication: column blocks qc",
    group: "Code",
  }),
  generator: option.string({
    default: "gaussian",
    choices: GENERATOR_KINDS,
    description:
      "grid: generators [I; randn] (the authors'), systematic Chebyshev–Vandermonde, or [I; Cauchy]",
    group: "Code",
  }),
  m: option.int({ default: 2, min: 1, description: "polydot: row blocks m", group: "Code" }),
  n: option.int({ default: 2, min: 1, description: "polydot: column blocks n", group: "Code" }),
  p: option.int({ default: 12, min: 1, description: "polydot: nodes P", group: "Code" }),
  r: option.int({ default: 2, min: 1, description: "replication: copies of every block", group: "Code" }),
  checksums: option.int({
    default: 2,
    min: 1,
    max: 2,
    description: "abft: checksum blocks per dimension (1 detects, 2 corrects one)",
    group: "Code",
  }),
};

/** The size of the weight matrix a code is laid out for. */
export const layerSizeOptions = {
  rows: option.int({
    default: 10000,
    min: 1,
    description: "rows N of the weight matrix (outputs)",
    group: "Layer",
  }),
  cols: option.int({ default: 10000, min: 1, description: "columns preN (inputs)", group: "Layer" }),
};

/** The code flags' values, plus the seed of the Gaussian generators. */
export type CodeValues = Values<typeof codeOptions> & { readonly seed: number };

/** The {@link CodeSpec} of parsed code flags (only the code's own fields). */
export function codeSpecFrom(values: CodeValues): CodeSpec {
  const { pr, qr, pc, qc, m, n, p, r, checksums, seed } = values;
  return {
    code: values.code as CodeKind,
    pr,
    qr,
    pc,
    qc,
    generator: values.generator as GeneratorKind,
    seed,
    m,
    n,
    p,
    r,
    checksums,
  };
}
