/**
 * `faults.jsonl`: one JSON object per injected fault (iteration, node, layer, phase, site, and what
 * changed: entries, first index with its old and new value, largest change), and one per worker
 * death (`kind: "worker_death"`, node, phase, iteration), oldest first. The whole file is
 * rewritten atomically whenever it is saved, so it is never half-written.
 *
 * @module
 */

import type { LoggedFault } from "../faults/worker-death.ts";
import { writeFileAtomic } from "../io/atomic.ts";

/** The fault log of a run. */
export class FaultLog {
  readonly #events: LoggedFault[] = [];
  #saved = -1;

  constructor(readonly path: string) {}

  /** Faults recorded so far. */
  get count(): number {
    return this.#events.length;
  }

  /** Faults recorded so far, oldest first. */
  get events(): readonly LoggedFault[] {
    return this.#events;
  }

  /** Records faults (in the order the nodes reported them). */
  add(events: readonly LoggedFault[]): void {
    this.#events.push(...events);
  }

  /** Writes the file if anything changed since the last save (and always the first time). */
  async save(): Promise<void> {
    if (this.#saved === this.#events.length) return;
    await writeFileAtomic(this.path, this.#events.map((e) => JSON.stringify(e) + "\n").join(""));
    this.#saved = this.#events.length;
  }
}
