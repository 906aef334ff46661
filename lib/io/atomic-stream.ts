/**
 * A file written line by line yet atomically: the text goes to a temporary file beside the target
 * (buffered, about 1 MB per write), and only {@link AtomicLineWriter.close} flushes it to disk
 * (fsync) and renames it over the target. For logs too large to hold in memory (an attack
 * campaign's injections.jsonl); a reader, or a run killed at any moment, sees the old file or the
 * complete new one. Synchronous, for loops that cannot await.
 *
 * @example
 * ```ts
 * import { AtomicLineWriter } from "./atomic-stream.ts";
 * const w = AtomicLineWriter.open("results/run/injections.jsonl");
 * w.line('{"type":"campaign"}');
 * w.close();
 * ```
 *
 * @module
 */

import { dirname } from "node:path";

const FLUSH_BYTES = 1 << 20;
let sequence = 0;

/** A line-by-line atomic file writer; see the module documentation. */
export class AtomicLineWriter {
  readonly #encoder = new TextEncoder();
  #pending: string[] = [];
  #pendingBytes = 0;
  #file: Deno.FsFile | null;

  private constructor(readonly path: string, readonly temporary: string, file: Deno.FsFile) {
    this.#file = file;
  }

  /** Starts writing `path` (creating missing parent folders). */
  static open(path: string): AtomicLineWriter {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${Deno.pid}.${sequence++}.tmp`;
    return new AtomicLineWriter(path, tmp, Deno.openSync(tmp, { write: true, create: true, truncate: true }));
  }

  /** Appends `text` and a newline. */
  line(text: string): void {
    if (this.#file === null) throw new Error(`${this.path}: write after close`);
    this.#pending.push(text, "\n");
    this.#pendingBytes += text.length + 1;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
  }

  #flush(): void {
    const bytes = this.#encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingBytes = 0;
    let written = 0;
    while (written < bytes.length) written += this.#file!.writeSync(bytes.subarray(written));
  }

  /** Writes what is pending, syncs and renames the file into place. */
  close(): void {
    if (this.#file === null) return;
    this.#flush();
    this.#file.syncSync();
    this.#file.close();
    this.#file = null;
    Deno.renameSync(this.temporary, this.path);
  }

  /** Drops the temporary file; the target is left as it was. */
  abort(): void {
    if (this.#file === null) return;
    this.#file.close();
    this.#file = null;
    try {
      Deno.removeSync(this.temporary);
    } catch {
      // Already gone: nothing to clean up.
    }
  }
}
