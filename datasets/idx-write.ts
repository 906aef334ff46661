/**
 * IDX writer: encodes an array as an IDX file (big-endian), the inverse of `idx-read.ts`. Used to
 * write synthetic data sets and test files.
 *
 * @example
 * ```ts
 * import { encodeIdx } from "./idx-write.ts";
 * const bytes = encodeIdx({ type: "uint8", dims: [2, 2], data: new Uint8Array([1, 2, 3, 4]) });
 * bytes.length; // 4 + 8 + 4
 * ```
 *
 * @module
 */

import { writeFileAtomic } from "../lib/io/atomic.ts";
import { elementCount, IDX_TYPES, type IdxArray } from "./idx.ts";

/** The IDX bytes of `array`. Throws a RangeError if the dimensions do not fit the data. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { type, dims, data } = array;
  if (dims.length === 0 || dims.length > 255) {
    throw new RangeError(`IDX needs 1..255 dimensions, got ${dims.length}`);
  }
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new RangeError(`bad IDX dimension ${d}`);
  }
  const count = elementCount(dims);
  if (count !== data.length) {
    throw new RangeError(`dimensions ${dims.join("×")} hold ${count} elements, data has ${data.length}`);
  }
  const size = IDX_TYPES[type].bytes;
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + count * size);
  const view = new DataView(bytes.buffer);
  bytes[2] = IDX_TYPES[type].code;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const v = data[i];
    switch (type) {
      case "uint8":
        view.setUint8(at, v);
        break;
      case "int8":
        view.setInt8(at, v);
        break;
      case "int16":
        view.setInt16(at, v, false);
        break;
      case "int32":
        view.setInt32(at, v, false);
        break;
      case "float32":
        view.setFloat32(at, v, false);
        break;
      case "float64":
        view.setFloat64(at, v, false);
        break;
    }
  }
  return bytes;
}

/** Writes `array` to `path` as an IDX file, atomically. */
export function writeIdx(path: string, array: IdxArray): Promise<void> {
  return writeFileAtomic(path, encodeIdx(array));
}
