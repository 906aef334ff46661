/**
 * `codenet encode`: what a code does for a layer (P, Q and redundancy per stage, errors corrected
 * and detected, storage per node, worst condition number, tolerance), as a table or `--json`;
 * `--out <dir>` also writes the generators and the encoded blocks of a seeded random matrix (or
 * of `--weights <file>`), in the format of lib/codes/code-files.ts.
 *
 * @module
 */

import { option, type Values } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import { Rng } from "../lib/random/rng.ts";
import { type DType, Matrix } from "../lib/tensor/matrix.ts";
import { buildLayerCode } from "../lib/codes/build.ts";
import { readWeights, writeEncoded } from "../lib/codes/code-files.ts";
import { codeOptions, codeSpecFrom, layerSizeOptions } from "../lib/codes/code-options.ts";
import { encodeLayer } from "../lib/codes/layer-code.ts";
import { formatSummary, summarizeCode } from "../lib/codes/summary.ts";
import type { Command } from "./command.ts";

/** The `encode` flags. */
export const encodeSchema = {
  ...codeOptions,
  ...layerSizeOptions,
  dtype: option.string({
    default: "float32",
    choices: ["float32", "float64"],
    description: "storage precision (storage per node, tolerance, files)",
    group: "Layer",
  }),
  seed: option.int({
    default: 1,
    min: 0,
    description: "seed of the Gaussian generators and the random matrix",
    group: "Layer",
  }),
  samples: option.int({
    default: 20000,
    min: 1,
    description: "subsets sampled for κ when a stage has more than 100,000",
    group: "Layer",
  }),
  json: option.boolean({
    default: false,
    description: "print one JSON object instead of the table",
    group: "Output",
  }),
  out: option.string<string | undefined>({
    default: undefined,
    description: "also write generators and encoded blocks to this folder",
    placeholder: "dir",
    group: "Output",
  }),
  weights: option.string<string | undefined>({
    default: undefined,
    description:
      "encode this matrix (.json rows, or raw .f32/.f64 of --rows × --cols) instead of a random one",
    placeholder: "file",
    group: "Output",
  }),
  debug: option.boolean({
    default: false,
    description: "print stack traces of errors",
    group: "Output",
    cliOnly: true,
  }),
};

/** The weights to encode: `--weights`, or N(0, 1/cols) entries from the seed's "encode-weights" stream. */
async function weightsFor(
  values: Values<typeof encodeSchema>,
  dtype: DType,
): Promise<{ w: Matrix; source: string }> {
  if (values.weights !== undefined) {
    return { w: await readWeights(values.weights, values.rows, values.cols, dtype), source: values.weights };
  }
  const rng = Rng.named(values.seed, "encode-weights");
  const w = Matrix.zeros(values.rows, values.cols, dtype);
  const sd = 1 / Math.sqrt(values.cols);
  for (let i = 0; i < w.data.length; i++) w.data[i] = sd * rng.normal();
  return { w, source: `seeded N(0, 1/cols), seed ${values.seed}` };
}

/** The `encode` command. */
export const encodeCommand: Command<typeof encodeSchema> = {
  name: "encode",
  summary:
    "describe a code for a layer (per stage: P, Q, errors corrected/detected, κ, tolerance); write encoded blocks",
  examples: [
    "deno task cli encode --code grid --pr 7 --qr 5 --pc 6 --qc 4 --rows 10000 --cols 10000",
    "deno task cli encode --code polydot --m 2 --n 2 --p 12 --json",
    "deno task cli encode --code replication --r 3",
    "deno task cli encode --code abft --rows 100 --cols 80 --out results/abft-blocks",
  ],
  schema: encodeSchema,
  async check(values) {
    const code = buildLayerCode(codeSpecFrom(values));
    if (values.out !== undefined && values.out.trim() === "") {
      throw new UsageError("--out needs a folder name");
    }
    const w = values.weights !== undefined
      ? await readWeights(values.weights, values.rows, values.cols, values.dtype as DType)
      : undefined;
    code.layout(w?.rows ?? values.rows, w?.cols ?? values.cols);
  },
  async run(values) {
    const dtype = values.dtype as DType;
    const code = buildLayerCode(codeSpecFrom(values));
    let w: Matrix | undefined;
    let source = "";
    if (values.out !== undefined || values.weights !== undefined) {
      ({ w, source } = await weightsFor(values, dtype));
    }
    const rows = w?.rows ?? values.rows;
    const cols = w?.cols ?? values.cols;
    const summary = summarizeCode(code, rows, cols, dtype, { samples: values.samples, seed: values.seed });
    if (values.json) console.log(JSON.stringify(summary));
    else console.log(formatSummary(summary));
    if (values.out !== undefined && w !== undefined) {
      if (values.out.trim() === "") throw new UsageError("--out needs a folder name");
      const files = await writeEncoded(values.out, code, summary, w, encodeLayer(code, w), {
        source,
        seed: values.seed,
        generator: values.code === "grid" ? values.generator : undefined,
      });
      const where =
        `wrote ${files.length} files to ${values.out} (manifest.json, weights, ${code.nodes} node blocks)`;
      if (values.json) console.error(where);
      else console.log(where);
    }
    return 0;
  },
};
