/**
 * The outputs of a campaign: `tolerance.csv` (one row per (code, stage, model, t or rate): trials,
 * each outcome's count and Clopper–Pearson 95 % interval, the theory's bounds and expectation),
 * the `attack.json` object (also what `--json` prints), and the readable table for stdout.
 * Outcome names become snake_case keys (`false-alarm` → `false_alarm`).
 *
 * @module
 */

import { stringify } from "csv-stringify/sync";
import type { CampaignResult, RowResult } from "./campaign.ts";
import { clopperPearson, type Interval } from "./interval.ts";
import { type Outcome, OUTCOMES } from "./outcome.ts";
import type { Theory } from "./theory.ts";

/** `false-alarm` → `false_alarm`. */
export function outcomeKey(o: Outcome): string {
  return o.replace("-", "_");
}

/** A code's label for result files, e.g. "grid Pr=7 qr=5 Pc=6 qc=4". */
export interface CodeLabel {
  readonly code: string;
  readonly parameters: string;
}

/** The columns of `tolerance.csv`, in order. */
export const TOLERANCE_COLUMNS: readonly string[] = [
  "code",
  "parameters",
  "stage",
  "P",
  "Q",
  "mode",
  "dtype",
  "model",
  "model_label",
  "schedule",
  "t",
  "rate",
  "erasures",
  "trials",
  ...OUTCOMES.map(outcomeKey),
  "correctable_probabilistic",
  "correctable_adversarial",
  "detectable",
  "expected",
  ...OUTCOMES.flatMap((o) => [`${outcomeKey(o)}_low`, `${outcomeKey(o)}_high`]),
  "trials_per_second",
  "skipped",
];

/** What a `tolerance.csv` record reads from a row (stage campaign rows and training rows). */
export interface ToleranceRow {
  /** The stage, or the fault site of a training row. */
  readonly stage: string;
  readonly P: number;
  readonly Q: number;
  readonly model: string;
  readonly label: string;
  readonly t?: number;
  readonly rate?: number;
  readonly erasures: number;
  readonly trials: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly intervals: Readonly<Record<Outcome, Interval>>;
  readonly theory: Theory;
  readonly seconds: number;
  readonly skipped?: string;
}

/** The campaign-wide columns of a record. */
export interface ToleranceSettings {
  readonly mode: string;
  readonly dtype: string;
  readonly schedule: string;
}

/** One `tolerance.csv` record (keys = {@link TOLERANCE_COLUMNS}). */
export function toleranceRecord(
  row: ToleranceRow,
  settings: ToleranceSettings,
  label: CodeLabel,
): Record<string, string | number> {
  const rec: Record<string, string | number> = {
    code: label.code,
    parameters: label.parameters,
    stage: row.stage,
    P: row.P,
    Q: row.Q,
    mode: settings.mode,
    dtype: settings.dtype,
    model: row.model,
    model_label: row.label,
    schedule: settings.schedule,
    t: row.t ?? "",
    rate: row.rate ?? "",
    erasures: row.erasures,
    trials: row.trials,
  };
  for (const o of OUTCOMES) rec[outcomeKey(o)] = row.counts[o];
  rec.correctable_probabilistic = row.theory.correctable_probabilistic;
  rec.correctable_adversarial = row.theory.correctable_adversarial;
  rec.detectable = row.theory.detectable;
  rec.expected = row.theory.expected;
  for (const o of OUTCOMES) {
    rec[`${outcomeKey(o)}_low`] = row.intervals[o].low;
    rec[`${outcomeKey(o)}_high`] = row.intervals[o].high;
  }
  rec.trials_per_second = row.seconds > 0 ? Math.round(row.trials / row.seconds) : "";
  rec.skipped = row.skipped ?? "";
  return rec;
}

/** One `tolerance.csv` record per row (keys = {@link TOLERANCE_COLUMNS}). */
export function toleranceRecords(
  result: CampaignResult,
  label: CodeLabel,
): Record<string, string | number>[] {
  return result.rows.map((row) => toleranceRecord(row, result.config, label));
}

/** The text of `tolerance.csv` from records. */
export function toleranceCsvOf(records: readonly Record<string, string | number>[]): string {
  return stringify([...records], { header: true, columns: [...TOLERANCE_COLUMNS] });
}

/** The text of `tolerance.csv`. */
export function toleranceCsv(result: CampaignResult, label: CodeLabel): string {
  return toleranceCsvOf(toleranceRecords(result, label));
}

/** One row of the JSON output. */
function rowJson(row: RowResult) {
  return {
    row: row.index,
    stage: row.stage,
    P: row.P,
    Q: row.Q,
    model: row.model,
    label: row.label,
    ...(row.t !== undefined ? { t: row.t } : { rate: row.rate }),
    erasures: row.erasures,
    trials: row.trials,
    counts: Object.fromEntries(OUTCOMES.map((o) => [outcomeKey(o), row.counts[o]])),
    rates: Object.fromEntries(
      OUTCOMES.map((o) => [
        outcomeKey(o),
        {
          value: row.trials > 0 ? row.counts[o] / row.trials : null,
          ci95: [row.intervals[o].low, row.intervals[o].high],
        },
      ]),
    ),
    theory: row.theory,
    ...(row.skipped !== undefined ? { skipped: row.skipped } : {}),
    ...(row.faultyHistogram !== undefined ? { faulty_histogram: row.faultyHistogram } : {}),
    seconds: row.seconds,
    decode_seconds: row.decodeSeconds,
    trials_per_second: row.seconds > 0 ? row.trials / row.seconds : null,
  };
}

/** The false alarms of the campaign's clean trials (rows with t = 0 and no erasures), pooled. */
export function falseAlarms(
  result: CampaignResult,
): { trials: number; alarms: number; ci95: [number, number] } {
  let trials = 0;
  let alarms = 0;
  for (const row of result.rows) {
    if (row.t !== 0 || row.erasures !== 0) continue;
    trials += row.trials;
    alarms += row.counts["false-alarm"];
  }
  const { low, high } = clopperPearson(alarms, trials);
  return { trials, alarms, ci95: [low, high] };
}

/** The `attack.json` object (and `--json` output) of a result. */
export function attackJson(result: CampaignResult, label: CodeLabel, extra: Record<string, unknown> = {}) {
  return {
    command: "attack",
    target: "stage",
    code: label.code,
    parameters: label.parameters,
    config: result.config,
    stages: result.stages,
    rows: result.rows.map(rowJson),
    false_alarms: falseAlarms(result),
    ...extra,
  };
}
