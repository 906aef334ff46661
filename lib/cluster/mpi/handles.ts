/**
 * Maps the binding's typed arrays and reduction names to Open MPI's predefined handles (the
 * addresses of `ompi_mpi_float`, `ompi_mpi_op_sum`, … read from the opened library).
 *
 * @module
 */

import { MPI_IN_PLACE_ADDRESS } from "./constants.ts";
import type { MpiSymbols } from "./symbols.ts";

/** The typed arrays the binding exchanges (element type ↔ MPI datatype). */
export type MpiArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Reductions: `sum`, `max`, `min` on any element type; `lor`, `bor` (logical / bitwise or) on integers. */
export type ReduceOp = "sum" | "max" | "min" | "lor" | "bor";

/** The MPI datatype handle of an array's element type (`MPI_FLOAT`, `MPI_DOUBLE`, `MPI_INT`, `MPI_UINT8_T`). */
export function datatypeOf(symbols: MpiSymbols, data: MpiArray): Deno.PointerValue {
  if (data instanceof Float32Array) return symbols.ompi_mpi_float;
  if (data instanceof Float64Array) return symbols.ompi_mpi_double;
  if (data instanceof Int32Array) return symbols.ompi_mpi_int;
  if (data instanceof Uint8Array) return symbols.ompi_mpi_uint8_t;
  throw new TypeError("MPI buffers must be Float32Array, Float64Array, Int32Array or Uint8Array");
}

/** The MPI operation handle of a reduction; or-reductions are rejected on floating-point data. */
export function opOf(symbols: MpiSymbols, op: ReduceOp, data: MpiArray): Deno.PointerValue {
  const integer = data instanceof Int32Array || data instanceof Uint8Array;
  switch (op) {
    case "sum":
      return symbols.ompi_mpi_op_sum;
    case "max":
      return symbols.ompi_mpi_op_max;
    case "min":
      return symbols.ompi_mpi_op_min;
    case "lor":
    case "bor":
      if (!integer) throw new TypeError(`reduction "${op}" needs an Int32Array or Uint8Array`);
      return op === "lor" ? symbols.ompi_mpi_op_lor : symbols.ompi_mpi_op_bor;
    default:
      throw new TypeError(`unknown reduction "${op}" (sum, max, min, lor, bor)`);
  }
}

let inPlacePointer: Deno.PointerValue | undefined;

/**
 * `MPI_IN_PLACE` as a pointer (made on first use: pointers need `--allow-ffi`, and importing the
 * binding must not).
 */
export function inPlace(): Deno.PointerValue {
  inPlacePointer ??= Deno.UnsafePointer.create(MPI_IN_PLACE_ADDRESS);
  return inPlacePointer;
}
