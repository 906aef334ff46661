/**
 * The IDX file format (the format of the MNIST files): a 4-byte magic number (two zero bytes, a
 * data-type code, the number of dimensions), one big-endian uint32 per dimension, then the
 * elements in row-major order, big-endian.
 *
 * This module holds the format's shared vocabulary; `idx-read.ts` parses and validates files,
 * `idx-write.ts` produces them (for tests and synthetic data).
 *
 * @module
 */

/** Element types of IDX files, by their names in this toolkit. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** Typed array holding the elements of an IDX file. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: element type, dimensions (outermost first) and elements. */
export interface IdxArray {
  /** Element type. */
  readonly type: IdxType;
  /** Dimensions, outermost first (MNIST images: [count, 28, 28]). */
  readonly dims: readonly number[];
  /** The elements, row-major; length is the product of `dims`. */
  readonly data: IdxData;
}

/** Per element type: the IDX type code and the element size in bytes. */
export const IDX_TYPES: Readonly<Record<IdxType, { code: number; bytes: number }>> = {
  uint8: { code: 0x08, bytes: 1 },
  int8: { code: 0x09, bytes: 1 },
  int16: { code: 0x0b, bytes: 2 },
  int32: { code: 0x0c, bytes: 4 },
  float32: { code: 0x0d, bytes: 4 },
  float64: { code: 0x0e, bytes: 8 },
};

/** The element type of an IDX type code, or undefined for an unknown code. */
export function idxTypeOfCode(code: number): IdxType | undefined {
  return (Object.keys(IDX_TYPES) as IdxType[]).find((t) => IDX_TYPES[t].code === code);
}

/** Product of the dimensions (the element count). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
