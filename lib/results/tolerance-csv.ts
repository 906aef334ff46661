/**
 * Reading `tolerance.csv`, the table an `attack` campaign writes: one row per (code or strategy,
 * stage, fault model, t faulty symbols per stage) with the trial count, the count of each
 * outcome class and the theory bounds of that code. Columns:
 *
 * - `code` (or `strategy`), `stage`, `model`, `t`, `trials`;
 * - one count column per outcome class: {@link OUTCOME_CLASSES};
 * - any number of `theory_<bound>` columns (e.g. `theory_probabilistic` = P − Q − 1,
 *   `theory_adversarial` = ⌊(P − Q)/2⌋), each the largest t the bound covers; other columns
 *   (intervals, false alarms, …) are ignored.
 *
 * @example
 * ```ts
 * import { parseToleranceCsv } from "./tolerance-csv.ts";
 * const rows = parseToleranceCsv(Deno.readTextFileSync("results/tolerance/tolerance.csv"), "tolerance.csv");
 * rows[0].counts.corrected / rows[0].trials;
 * ```
 *
 * @module
 */

import { parse } from "csv-parse/sync";
import { UsageError } from "../errors.ts";

/** Outcome classes of a trial, in the order plots and tables list them. */
export const OUTCOME_CLASSES = [
  "masked",
  "corrected",
  "detected",
  "mislocated",
  "silent",
  "crash",
  "hang",
] as const;
/** An outcome class. */
export type OutcomeClass = typeof OUTCOME_CLASSES[number];

/** One row of tolerance.csv. */
export interface ToleranceRow {
  /** Code or strategy (the `code` or `strategy` column). */
  readonly code: string;
  /** Stage (forward, backward, or a training site). */
  readonly stage: string;
  /** Fault model (additive, bitflip, …). */
  readonly model: string;
  /** Faulty symbols per stage. */
  readonly t: number;
  readonly trials: number;
  readonly counts: Readonly<Record<OutcomeClass, number>>;
  /** Theory bounds by name (`probabilistic`, `adversarial`, …: the `theory_` columns). */
  readonly theory: Readonly<Record<string, number>>;
}

/** Parses tolerance.csv text; `name` labels errors. */
export function parseToleranceCsv(text: string, name: string): ToleranceRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new UsageError(`${name}: not a valid CSV file (${(e as Error).message.split("\n")[0]})`);
  }
  if (records.length === 0) return [];
  const columns = Object.keys(records[0]);
  const codeColumn = columns.includes("code")
    ? "code"
    : columns.includes("strategy")
    ? "strategy"
    : undefined;
  const required = ["stage", "model", "t", "trials", ...OUTCOME_CLASSES];
  const missing = [
    ...(codeColumn ? [] : ["code (or strategy)"]),
    ...required.filter((c) => !columns.includes(c)),
  ];
  if (missing.length > 0) throw new UsageError(`${name}: missing column(s) ${missing.join(", ")}`);
  const theoryColumns = columns.filter((c) => c.startsWith("theory_"));
  return records.map((rec, i) => {
    const number = (c: string): number => {
      const v = rec[c].trim() === "" ? NaN : Number(rec[c]);
      if (!Number.isFinite(v)) {
        throw new UsageError(`${name}: row ${i + 2}, column ${c}: expected a number, got "${rec[c]}"`);
      }
      return v;
    };
    const counts = Object.fromEntries(OUTCOME_CLASSES.map((c) => [c, number(c)])) as Record<
      OutcomeClass,
      number
    >;
    const theory: Record<string, number> = {};
    for (const c of theoryColumns) if (rec[c].trim() !== "") theory[c.slice("theory_".length)] = number(c);
    return {
      code: rec[codeColumn!],
      stage: rec.stage,
      model: rec.model,
      t: number("t"),
      trials: number("trials"),
      counts,
      theory,
    };
  });
}
