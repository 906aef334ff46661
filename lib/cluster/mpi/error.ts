/**
 * MPI return codes as exceptions. The binding sets `MPI_ERRORS_RETURN` on `MPI_COMM_WORLD` right
 * after initialization (communicators split from it inherit it), so a failing call returns its code
 * instead of aborting the job, and {@link checkMpi} turns the code into an {@link MpiError} carrying
 * Open MPI's own message (`MPI_Error_string`).
 *
 * @module
 */

import { MPI_MAX_ERROR_STRING, MPI_SUCCESS } from "./constants.ts";
import type { MpiSymbols } from "./symbols.ts";

/** A call into MPI returned an error code. */
export class MpiError extends Error {
  /** An error of `call`, with Open MPI's code, class and text (see {@link checkMpi}). */
  constructor(
    /** The MPI function that failed, e.g. "MPI_Bcast". */
    readonly call: string,
    /** The error code it returned. */
    readonly code: number,
    /** The error class of `code` (`MPI_Error_class`), e.g. 8 for MPI_ERR_ROOT in Open MPI. */
    readonly errorClass: number,
    /** Open MPI's text for `code`, e.g. "MPI_ERR_ROOT: invalid root". */
    readonly mpiMessage: string,
  ) {
    super(`${call} failed: ${mpiMessage} (error code ${code})`);
    this.name = "MpiError";
  }
}

/** Open MPI's message and error class for an error code. */
export function describeMpiError(symbols: MpiSymbols, code: number): { message: string; errorClass: number } {
  const text = new Uint8Array(MPI_MAX_ERROR_STRING);
  const out = new Int32Array(1);
  const message = symbols.MPI_Error_string(code, text, out) === MPI_SUCCESS
    ? new TextDecoder().decode(text.subarray(0, out[0]))
    : `unknown MPI error ${code}`;
  const errorClass = symbols.MPI_Error_class(code, out) === MPI_SUCCESS ? out[0] : code;
  return { message, errorClass };
}

/** Throws an {@link MpiError} for `call` unless `code` is `MPI_SUCCESS`. */
export function checkMpi(symbols: MpiSymbols, call: string, code: number): void {
  if (code === MPI_SUCCESS) return;
  const { message, errorClass } = describeMpiError(symbols, code);
  throw new MpiError(call, code, errorClass, message);
}
