/**
 * `metrics.csv`: one row per evaluation. The file is rewritten whole and atomically after every
 * evaluation, so it is complete at any moment a run is killed. Columns are the standard ones
 * ({@link METRICS_COLUMNS}) followed by any extra columns a strategy reports (fault counters,
 * modelled time, …), in order of first appearance; a missing value is an empty cell.
 *
 * @module
 */

import { stringify } from "csv-stringify/sync";
import { writeFileAtomic } from "../io/atomic.ts";

/** A metrics row: column name → number (or empty). */
export type MetricsRow = Readonly<Record<string, number | undefined>>;

/** The standard columns, in file order. */
export const METRICS_COLUMNS = [
  "iteration",
  "epoch",
  "round",
  "samples",
  "wall_seconds",
  "train_seconds",
  "train_loss",
  "train_accuracy",
  "test_loss",
  "test_accuracy",
] as const;

/** The rows of a run and the CSV file they are kept in. */
export class MetricsCsv {
  readonly #rows: MetricsRow[] = [];
  readonly #columns: string[] = [...METRICS_COLUMNS];

  /** Metrics kept in the CSV file at `path`. */
  constructor(readonly path: string) {}

  /** Rows so far. */
  get rows(): readonly MetricsRow[] {
    return this.#rows;
  }

  /** Adds a row and rewrites the file atomically. */
  async append(row: MetricsRow): Promise<void> {
    for (const key of Object.keys(row)) if (!this.#columns.includes(key)) this.#columns.push(key);
    this.#rows.push(row);
    await writeFileAtomic(this.path, this.text());
  }

  /** Replaces the rows with `rows` (a resumed run's rows so far) and rewrites the file atomically. */
  async restore(rows: readonly MetricsRow[]): Promise<void> {
    this.#rows.length = 0;
    this.#columns.splice(METRICS_COLUMNS.length);
    for (const row of rows) {
      for (const key of Object.keys(row)) if (!this.#columns.includes(key)) this.#columns.push(key);
      this.#rows.push(row);
    }
    await writeFileAtomic(this.path, this.text());
  }

  /** The CSV text: a header line, then one line per row. */
  text(): string {
    const cells = this.#rows.map((r) => this.#columns.map((c) => formatCell(r[c])));
    return stringify([this.#columns, ...cells]);
  }
}

/** Numbers in full precision (shortest round-trip form); undefined and non-finite values as text. */
function formatCell(v: number | undefined): string {
  if (v === undefined) return "";
  return String(v);
}
