/**
 * A worker death as faults.jsonl records it, beside the injected faults: the node whose Worker was
 * terminated, the phase it died in when known, and the iteration the surviving nodes had reached
 * when it was respawned.
 *
 * @module
 */

import type { FaultEvent } from "./injector.ts";

/** One worker death (a line of faults.jsonl). */
export interface WorkerDeathEvent {
  readonly kind: "worker_death";
  readonly node: number;
  /** The phase it died in (e.g. "iteration 7, forward stage of layer 1"), or "" when unknown. */
  readonly phase: string;
  /** The iteration the surviving nodes stopped at (the step boundary after the death). */
  readonly iteration: number;
}

/** A line of faults.jsonl: an injected fault or a worker death. */
export type LoggedFault = FaultEvent | WorkerDeathEvent;

/** True for an injected fault (not a worker death). */
export function isInjectedFault(e: LoggedFault): e is FaultEvent {
  return !("kind" in e);
}
