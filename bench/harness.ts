/**
 * The benchmark harness: sections, best-of-N timing and the result table.
 *
 * A section is an object with a name and a `run(report)` that times things and reports rows;
 * bench/main.ts lists the sections. Timings here are noisy (a shared 2-core machine), so every
 * figure is the best of several rounds after a warm-up, and a round repeats the call until it
 * has run long enough to be timed reliably.
 *
 * @module
 */

import process from "node:process";

/** One measured figure. */
export interface BenchRow {
  /** What was measured, e.g. "gemm f32 1024³ wasm". */
  readonly name: string;
  /** The figure. */
  readonly value: number;
  /** Its unit, e.g. "GFLOP/s", "GB/s", "ms". */
  readonly unit: string;
  /** The target for this figure, if there is one (same unit). */
  readonly goal?: number;
  /** True when smaller is better (times); the ratio is then goal / value. */
  readonly lowerIsBetter?: boolean;
}

/** A group of benchmarks; add one to the list in bench/main.ts. */
export interface BenchSection {
  /** Short name, also the command-line filter (`deno task bench tensor`). */
  readonly name: string;
  /** Runs the benchmarks, calling `report` for each figure as soon as it is measured. */
  run(report: (row: BenchRow) => void): Promise<void>;
}

/** How {@link bestSeconds} times a call. */
export interface TimingOptions {
  /** Timed rounds; the best one counts (default 7). */
  rounds?: number;
  /** Minimum duration of a round in milliseconds (default 40). */
  minRoundMs?: number;
  /**
   * Time by this process's CPU time (user + system) instead of the wall clock: on a loaded
   * machine this leaves out the time the thread waited for a core (not the cache misses other
   * processes cause). Only for single-threaded calls.
   */
  cpu?: boolean;
}

/** CPU time (user + system) this process has used, in milliseconds. */
export function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Best time per call of `fn`, in seconds: one warm-up round, then `rounds` rounds, each repeating
 * `fn` until `minRoundMs` have passed (on the wall clock, or in CPU time with `cpu`).
 */
export function bestSeconds(
  fn: () => void,
  { rounds = 7, minRoundMs = 40, cpu = false }: TimingOptions = {},
): number {
  const clock = cpu ? cpuMilliseconds : () => performance.now();
  let best = Infinity;
  for (let round = -1; round < rounds; round++) {
    const start = clock();
    let calls = 0;
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = clock() - start;
    } while (elapsed < minRoundMs);
    if (round >= 0) best = Math.min(best, elapsed / calls / 1000);
  }
  return best;
}

/** The figure as a fraction of its goal (≥ 1 means the goal is met), or undefined without a goal. */
export function goalRatio(row: BenchRow): number | undefined {
  if (row.goal === undefined) return undefined;
  return row.lowerIsBetter ? row.goal / row.value : row.value / row.goal;
}

const WIDTHS = [50, 10, 9, 10, 7];

/** The table header line. */
export function tableHeader(): string {
  return [
    pad("benchmark", WIDTHS[0]),
    lpad("value", WIDTHS[1]),
    pad(" unit", WIDTHS[2]),
    lpad("goal", WIDTHS[3]),
    lpad("ratio", WIDTHS[4]),
  ]
    .join(" ");
}

/** One table line for a row. */
export function tableLine(row: BenchRow): string {
  const ratio = goalRatio(row);
  const goal = row.goal === undefined ? "" : `${row.lowerIsBetter ? "≤" : "≥"}${format(row.goal)}`;
  return [
    pad(row.name, WIDTHS[0]),
    lpad(format(row.value), WIDTHS[1]),
    pad(` ${row.unit}`, WIDTHS[2]),
    lpad(goal, WIDTHS[3]),
    lpad(ratio === undefined ? "" : `${ratio.toFixed(2)}×`, WIDTHS[4]),
  ].join(" ");
}

function format(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + " ".repeat(width - s.length);
}

function lpad(s: string, width: number): string {
  return s.length >= width ? s : " ".repeat(width - s.length) + s;
}
