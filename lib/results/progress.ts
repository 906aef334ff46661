/**
 * Progress of long work on stderr: on a terminal a single line redrawn in place (at most ten times
 * a second), otherwise plain lines at most every `plainSeconds`; evaluations and notes always get
 * a line of their own. `--progress auto|line|plain|none`.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * const p = new Progress("auto");
 * p.update({ done: 10, total: 100, label: "loss 0.31" });
 * p.done();
 * ```
 *
 * @module
 */

/** How to show progress. */
export type ProgressMode = "auto" | "line" | "plain" | "none";

/** A progress state to show. */
export interface ProgressState {
  /** Units done (iterations). */
  readonly done: number;
  /** Units in total. */
  readonly total: number;
  /** Extra text (current loss, accuracy, …). */
  readonly label?: string;
}

/** Where and how progress is written (for tests; defaults: stderr, the real clock). */
export interface ProgressOptions {
  /** Sink of the text (default: stderr). */
  readonly write?: (text: string) => void;
  /** Whether the sink is a terminal (default: stderr's). */
  readonly terminal?: boolean;
  /** Milliseconds clock (default: performance.now). */
  readonly now?: () => number;
  /** Seconds between plain lines (default 10). */
  readonly plainSeconds?: number;
}

const encoder = new TextEncoder();

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A progress reporter; see the module documentation. */
export class Progress {
  readonly mode: "line" | "plain" | "none";
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #plainMs: number;
  /** Time and units done at the first update (the rate is measured from there). */
  #origin: { time: number; done: number } | undefined;
  #last: number;
  #lineOpen = false;

  constructor(mode: ProgressMode, options: ProgressOptions = {}) {
    const terminal = options.terminal ?? Deno.stderr.isTerminal();
    this.mode = mode === "auto" ? (terminal ? "line" : "plain") : mode;
    this.#write = options.write ?? ((t) => Deno.stderr.writeSync(encoder.encode(t)));
    this.#now = options.now ?? (() => performance.now());
    this.#plainMs = 1000 * (options.plainSeconds ?? 10);
    // Plain lines start after the first interval; the redrawn line at once.
    this.#last = this.mode === "plain" ? this.#now() : -Infinity;
  }

  /** Shows `state` if enough time has passed since the last update (always when done = total). */
  update(state: ProgressState): void {
    if (this.mode === "none") return;
    const now = this.#now();
    this.#origin ??= { time: now, done: state.done };
    const final = state.done >= state.total;
    if (!final && now - this.#last < (this.mode === "line" ? 100 : this.#plainMs)) return;
    this.#last = now;
    const text = this.#format(state, now);
    if (this.mode === "line") {
      this.#write(`\r\x1b[K${text}`);
      this.#lineOpen = true;
    } else {
      this.#write(`${text}\n`);
    }
  }

  /** Prints `text` on a line of its own (an evaluation result, a note). */
  note(text: string): void {
    if (this.mode === "none") return;
    this.#write(`${this.#lineOpen ? "\r\x1b[K" : ""}${text}\n`);
    if (this.#lineOpen) this.#last = -Infinity;
    this.#lineOpen = false;
  }

  /** Ends the redrawn line, if any. */
  done(): void {
    if (this.#lineOpen) this.#write("\n");
    this.#lineOpen = false;
  }

  #format(state: ProgressState, now: number): string {
    const origin = this.#origin!;
    const elapsed = (now - origin.time) / 1000;
    const fraction = state.total > 0 ? state.done / state.total : 1;
    const rate = elapsed > 0 ? (state.done - origin.done) / elapsed : NaN;
    const eta = rate > 0 ? (state.total - state.done) / rate : NaN;
    const parts = [
      `${state.done}/${state.total} (${(100 * fraction).toFixed(0)}%)`,
      Number.isFinite(rate) ? `${rate.toFixed(1)} it/s` : "",
      state.done < state.total && Number.isFinite(eta) ? `eta ${formatDuration(eta)}` : "",
      state.label ?? "",
    ];
    return parts.filter((p) => p !== "").join("  ");
  }
}
