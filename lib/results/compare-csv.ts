/**
 * `compare.csv` and `compare.json`: what `compare` writes about its runs. One row per run and
 * evaluation (round): the run's label from the experiment config, its strategy, and the
 * cumulative time, faults and roll-backs at that point. The CSV parses back with csv-parse
 * ({@link parseCompareCsv}); `compare.json` holds the same rows with the config, the runs and the
 * checkpointing model's predictions.
 *
 * @example
 * ```ts
 * import { compareCsvText, parseCompareCsv } from "./compare-csv.ts";
 * const rows = [{ label: "codenet", strategy: "codenet", round: 1, iterations: 200, wall_seconds: 12.5,
 *   modelled_seconds: 3.1, test_accuracy: 0.81, faults: 17, rollbacks: 0, fault_rate: 3e-4 }];
 * parseCompareCsv(compareCsvText(rows), "compare.csv"); // the same rows
 * ```
 *
 * @module
 */

import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { UsageError } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic.ts";
import type { RunPrediction } from "./expected-time-data.ts";

/** One evaluation of one run. Times, faults and roll-backs are cumulative since the run started. */
export interface CompareRow {
  /** The run's label in the experiment config (unique within a compare). */
  readonly label: string;
  /** Its strategy (`codenet`, `replication`, `uncoded`). */
  readonly strategy: string;
  /** Evaluation number (round of the authors' schedule; 0 = before training). */
  readonly round: number;
  /** Useful SGD iterations completed (re-runs after roll-backs not counted). */
  readonly iterations: number;
  /** Wall time of the training loop so far, seconds. */
  readonly wall_seconds: number;
  /** Modelled time so far (computation and communication model), seconds; null when not modelled. */
  readonly modelled_seconds: number | null;
  /** Test accuracy, a fraction in [0, 1]. */
  readonly test_accuracy: number;
  /** Faults injected so far. */
  readonly faults: number;
  /** Roll-backs so far. */
  readonly rollbacks: number;
  /** The run's per-node fault rate p. */
  readonly fault_rate: number;
}

/** Columns of compare.csv, in file order. */
export const COMPARE_COLUMNS = [
  "label",
  "strategy",
  "round",
  "iterations",
  "wall_seconds",
  "modelled_seconds",
  "test_accuracy",
  "faults",
  "rollbacks",
  "fault_rate",
] as const satisfies readonly (keyof CompareRow)[];

const TEXT_COLUMNS = new Set<string>(["label", "strategy"]);

/** The CSV text of `rows`: a header line, then one line per row (null as an empty cell). */
export function compareCsvText(rows: readonly CompareRow[]): string {
  const cells = rows.map((r) => COMPARE_COLUMNS.map((c) => (r[c] === null ? "" : String(r[c]))));
  return stringify([[...COMPARE_COLUMNS], ...cells]);
}

/** Writes compare.csv atomically. */
export function writeCompareCsv(path: string, rows: readonly CompareRow[]): Promise<void> {
  return writeFileAtomic(path, compareCsvText(rows));
}

/**
 * Reads compare.csv text back into rows; `name` labels errors. Extra columns are ignored, a
 * missing column or a malformed number is a UsageError.
 */
export function parseCompareCsv(text: string, name: string): CompareRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new UsageError(`${name}: not a valid CSV file (${(e as Error).message.split("\n")[0]})`);
  }
  if (records.length === 0) return [];
  const missing = COMPARE_COLUMNS.filter((c) => !(c in records[0]));
  if (missing.length > 0) throw new UsageError(`${name}: missing column(s) ${missing.join(", ")}`);
  return records.map((rec, i) => {
    const row: Record<string, string | number | null> = {};
    for (const c of COMPARE_COLUMNS) {
      const cell = rec[c];
      if (TEXT_COLUMNS.has(c)) row[c] = cell;
      else if (c === "modelled_seconds" && cell === "") row[c] = null;
      else {
        const v = cell.trim() === "" ? NaN : Number(cell);
        if (!Number.isFinite(v)) {
          throw new UsageError(`${name}: row ${i + 2}, column ${c}: expected a number, got "${cell}"`);
        }
        row[c] = v;
      }
    }
    return row as unknown as CompareRow;
  });
}

/** One strategy run of a compare. */
export interface CompareRun {
  /** Its label in the experiment config. */
  readonly label: string;
  /** Its run directory, relative to the compare directory. */
  readonly directory: string;
  /** Its summary.json (standard fields and the strategy's). */
  readonly summary: Readonly<Record<string, unknown>>;
}

/** Contents of compare.json. */
export interface CompareDocument {
  /** Experiment name and one-line purpose (from the config). */
  readonly name: string;
  readonly purpose: string;
  /** The experiment config as run. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly runs: readonly CompareRun[];
  readonly rows: readonly CompareRow[];
  /** The checkpointing model's prediction beside each run's measurement (see expected-time-data.ts). */
  readonly predictions?: readonly RunPrediction[];
}

/** Writes compare.json atomically. */
export function writeCompareJson(path: string, document: CompareDocument): Promise<void> {
  return writeJsonAtomic(path, document);
}
