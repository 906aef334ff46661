/**
 * Files of `encode --out` and `encode --weights`: a documented, dependency-free format.
 *
 * An output directory holds
 *
 * - `manifest.json`: format tag, the code summary and parameters, the generators of both stages
 *   (row-major nested arrays), the weights' file and shape, and one entry per node (file, shape,
 *   place and role);
 * - `weights.<f32|f64>`: the encoded weight matrix W, raw little-endian, row-major;
 * - `node-<id>.<f32|f64>`: each node's stored block, raw little-endian, row-major (padding included).
 *
 * Weights are read from `.json` (an array of rows) or from raw `.f32` / `.f64` files (row-major,
 * little-endian; the shape comes from `--rows` and `--cols`).
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic.ts";
import { type DType, Matrix } from "../tensor/matrix.ts";
import { toRows } from "../tensor/linalg.ts";
import type { LayerCode } from "./layer-code.ts";
import type { CodeSummary } from "./summary.ts";

/** Format tag written into every manifest. */
export const ENCODED_FORMAT = "codenet-encoded/1";

/** File extension of raw data in a precision. */
export function rawExtension(dtype: DType): string {
  return dtype === "float32" ? "f32" : "f64";
}

function rawBytes(m: Matrix): Uint8Array {
  const data = m.contiguous && m.offset === 0 ? m.data.subarray(0, m.rows * m.cols) : m.clone().data;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads weights from `.json` (array of rows) or raw `.f32`/`.f64` (shape `rows` × `cols`) into `dtype`. */
export async function readWeights(path: string, rows: number, cols: number, dtype: DType): Promise<Matrix> {
  if (![".json", ".f32", ".f64"].some((e) => path.endsWith(e))) {
    throw new UsageError(`--weights ${path}: use a .json, .f32 or .f64 file`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new UsageError(`--weights ${path}: cannot read it (${(e as Error).message})`);
  }
  if (path.endsWith(".json")) {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new UsageError(`--weights ${path}: invalid JSON (${(e as Error).message})`);
    }
    if (
      !Array.isArray(value) || value.length === 0 ||
      !value.every((r) => Array.isArray(r) && r.length === value[0].length)
    ) {
      throw new UsageError(`--weights ${path}: expected a non-empty array of equally long rows`);
    }
    const flat = (value as unknown[][]).flat();
    if (!flat.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new UsageError(`--weights ${path}: every entry must be a finite number`);
    }
    return Matrix.from(value.length, value[0].length, flat as number[], dtype);
  }
  const kind = path.endsWith(".f32") ? "float32" : "float64";
  const size = kind === "float32" ? 4 : 8;
  if (bytes.byteLength !== rows * cols * size) {
    throw new UsageError(
      `--weights ${path}: ${bytes.byteLength} bytes, but --rows ${rows} × --cols ${cols} ${kind} needs ${
        rows * cols * size
      }`,
    );
  }
  const copy = bytes.slice().buffer;
  const data = kind === "float32" ? new Float32Array(copy) : new Float64Array(copy);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new UsageError(`--weights ${path}: entry ${bad} is ${data[bad]}; weights must be finite numbers`);
  }
  return Matrix.from(rows, cols, data, dtype);
}

/** Writes weights, node blocks and the manifest into `dir`; returns the files written. */
export async function writeEncoded(
  dir: string,
  code: LayerCode,
  summary: CodeSummary,
  weights: Matrix,
  blocks: readonly Matrix[],
  extra: Record<string, unknown>,
): Promise<string[]> {
  const ext = rawExtension(weights.dtype);
  const written: string[] = [];
  const weightsFile = `weights.${ext}`;
  await writeFileAtomic(join(dir, weightsFile), rawBytes(weights));
  written.push(weightsFile);
  const width = String(code.nodes - 1).length;
  const nodes = [];
  for (let id = 0; id < blocks.length; id++) {
    const file = `node-${String(id).padStart(width, "0")}.${ext}`;
    await writeFileAtomic(join(dir, file), rawBytes(blocks[id]));
    written.push(file);
    nodes.push({
      node: id,
      file,
      rows: blocks[id].rows,
      cols: blocks[id].cols,
      place: code.describeNode(id),
    });
  }
  await writeJsonAtomic(join(dir, "manifest.json"), {
    format: ENCODED_FORMAT,
    byte_order: "little-endian",
    ...extra,
    summary,
    generators: { forward: toRows(code.forward.generator), backward: toRows(code.backward.generator) },
    wanted: { forward: code.forward.wanted, backward: code.backward.wanted },
    weights: { file: weightsFile, rows: weights.rows, cols: weights.cols, dtype: weights.dtype },
    nodes,
  });
  written.push("manifest.json");
  return written;
}
