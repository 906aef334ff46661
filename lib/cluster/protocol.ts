/**
 * The small control messages between the main thread and the node Workers (bulk data never goes
 * through postMessage: it lives in shared memory).
 *
 * @module
 */

/** Main → node: run `command` with `payload`; `id` matches the reply. */
export interface Request {
  readonly id: number;
  readonly command: string;
  readonly payload: unknown;
}

/** What a node reports when it fails. */
export interface NodeFailure {
  /** Node id. */
  readonly node: number;
  /** Phase the node was in (e.g. "forward/product layer 2"). */
  readonly phase: string;
  /** The original error message. */
  readonly message: string;
  /** The original stack, shown with --debug. */
  readonly stack?: string;
  /** Error class name (BarrierTimeout, BarrierAborted, RangeError, …). */
  readonly kind: string;
}

/** Node → main: the answer to request `id`, or a failure. */
export type Reply =
  | { readonly id: number; readonly node: number; readonly ok: unknown }
  | { readonly id: number; readonly node: number; readonly failure: NodeFailure };

/** Node → main, unrequested: progress or metric updates. */
export interface Notice {
  readonly notice: string;
  readonly node: number;
  readonly data: unknown;
}

/** An error raised on the main thread for a node's failure; carries the node, phase and message. */
export class NodeError extends Error {
  constructor(readonly failure: NodeFailure) {
    super(`node ${failure.node} failed in ${failure.phase}: ${failure.message}`);
    this.name = "NodeError";
  }
}

/** Raised when nodes did not answer a request in time. */
export class NodeTimeout extends Error {
  constructor(readonly command: string, readonly missing: number[], readonly seconds: number) {
    super(
      `"${command}" got no answer within ${seconds} s from node${missing.length === 1 ? "" : "s"} ${
        missing.join(", ")
      }`,
    );
    this.name = "NodeTimeout";
  }
}
