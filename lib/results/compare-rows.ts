/**
 * From a run's `metrics.csv` to its rows of `compare.csv`: one row per evaluation with the
 * round, useful iterations, cumulative wall and modelled time, test accuracy, faults injected
 * and roll-backs. The centralized reference has no modelled time (null) and no faults (0).
 *
 * @example
 * ```ts
 * import { compareRowsOfMetrics } from "./compare-rows.ts";
 * const text = Deno.readTextFileSync("results/demo-20250101T120000Z/codenet/metrics.csv");
 * compareRowsOfMetrics(text, { label: "codenet", strategy: "codenet", faultRate: 1e-3 }, "metrics.csv");
 * ```
 *
 * @module
 */

import { parse } from "csv-parse/sync";
import type { CompareRow } from "./compare-csv.ts";

/** What a run's compare rows carry besides its metrics. */
export interface RunIdentity {
  readonly label: string;
  readonly strategy: string;
  readonly faultRate: number;
}

/** The compare rows of one run; `name` labels errors (a malformed file is an Error: we wrote it). */
export function compareRowsOfMetrics(text: string, run: RunIdentity, name: string): CompareRow[] {
  const records: Record<string, string>[] = parse(text, { columns: true, skip_empty_lines: true });
  const num = (rec: Record<string, string>, column: string, i: number): number | null => {
    const cell = rec[column];
    if (cell === undefined || cell.trim() === "") return null;
    const v = Number(cell);
    if (Number.isNaN(v)) throw new Error(`${name}: row ${i + 2}, column ${column}: not a number: "${cell}"`);
    return v;
  };
  return records.map((rec, i) => {
    const need = (column: string): number => {
      const v = num(rec, column, i);
      if (v === null) throw new Error(`${name}: row ${i + 2}: column ${column} is missing`);
      return v;
    };
    return {
      label: run.label,
      strategy: run.strategy,
      round: num(rec, "round", i) ?? i,
      iterations: need("iteration"),
      wall_seconds: need("wall_seconds"),
      modelled_seconds: num(rec, "modelled_seconds", i),
      test_accuracy: need("test_accuracy"),
      faults: num(rec, "faults_injected", i) ?? 0,
      rollbacks: num(rec, "rollbacks", i) ?? 0,
      fault_rate: run.faultRate,
    };
  });
}
