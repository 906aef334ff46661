/**
 * The outputs of a training campaign, in the stage campaign's formats:
 *
 * - `tolerance.csv`: the same columns ({@link TOLERANCE_COLUMNS}); `stage` holds the fault site,
 *   `code`/`parameters` the strategy's layer code, `mode` the decoder, `schedule` "transient" (or
 *   "rate"), P and Q the stage whose bounds the theory columns use;
 * - `attack.json` (and `--json`): `target: "train"`, the campaign, the train flags, the
 *   fault-free reference runs and per row the outcome counts and 95 % intervals;
 * - `injections.jsonl`: a header `{"type": "campaign", "version", "target": "train", "config",
 *   "rows"}`, then per trial its faults as the run's faults.jsonl holds them (one
 *   `{"type": "injection", "row", "site", "model", "trial", "iteration", "node", "layer", "phase",
 *   "forced", "entries", "index", "old", "new", "max_abs_delta", "attempt", "changes", "outcome"}` each:
 *   `entries`, `index`, `old`, `new` summarise the fault as faults.jsonl does, `changes` lists every
 *   changed entry `{"index", "old", "new", "bits"?}`, what `--replay` writes back, and `attempt`
 *   which visit of the place it struck on: 0, or 1 after a roll-back re-ran the iteration, …) and a
 *   `{"type": "trial", …}` line with the plan, the seeds, the strategy's counters, the weight
 *   difference and the outcome;
 * - the readable table.
 *
 * @module
 */

import type { EntryChange } from "../faults/model.ts";
import { cells, pct, SHORT } from "./format.ts";
import { encodeNumber, INJECTION_LOG_VERSION } from "./injection-log.ts";
import { clopperPearson } from "./interval.ts";
import { OUTCOMES } from "./outcome.ts";
import {
  type CodeLabel,
  outcomeKey,
  TOLERANCE_COLUMNS,
  toleranceCsvOf,
  toleranceRecord,
  type ToleranceRow,
} from "./tolerance-table.ts";
import type { TrainCampaignResult, TrainRowResult, TrainTrialResult } from "./train-campaign.ts";
import type { TrainCampaignConfig, TrainRowPlan, TrainTarget } from "./train-config.ts";

/** The code label of a training target, e.g. `{ code: "grid", parameters: "Pr=7 qr=5 Pc=6 qc=4" }`. */
export function trainCodeLabel(target: TrainTarget): CodeLabel {
  return { code: target.code.kind, parameters: target.code.label };
}

function toleranceRow(row: TrainRowResult): ToleranceRow {
  return { ...row, stage: row.site, erasures: 0 };
}

/** The text of `tolerance.csv` (columns {@link TOLERANCE_COLUMNS}). */
export function trainToleranceCsv(result: TrainCampaignResult): string {
  const settings = {
    mode: result.target.config.decoder,
    dtype: result.target.config.dtype,
    schedule: result.config.rates !== undefined ? "rate" : "transient",
  };
  const label = trainCodeLabel(result.target);
  return toleranceCsvOf(result.rows.map((row) => toleranceRecord(toleranceRow(row), settings, label)));
}

/** The false alarms of the clean rows (t = 0): trials where something was detected without a fault. */
export function trainFalseAlarms(result: TrainCampaignResult) {
  let trials = 0;
  let alarms = 0;
  for (const row of result.rows) {
    if (row.t !== 0) continue;
    trials += row.trials;
    alarms += row.counts["false-alarm"];
  }
  const { low, high } = clopperPearson(alarms, trials);
  return { trials, alarms, ci95: [low, high] };
}

function rowJson(row: TrainRowResult) {
  return {
    row: row.index,
    stage: row.site,
    site: row.site,
    P: row.P,
    Q: row.Q,
    model: row.model,
    label: row.label,
    ...(row.t !== undefined ? { t: row.t } : { rate: row.rate }),
    erasures: 0,
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
    faults_injected: row.injected,
    max_weight_difference: row.maxDifference,
    seconds: row.seconds,
    trials_per_second: row.seconds > 0 ? row.trials / row.seconds : null,
  };
}

/** The `attack.json` object (and `--json` output) of a training campaign. */
export function trainAttackJson(result: TrainCampaignResult, extra: Record<string, unknown> = {}) {
  const label = trainCodeLabel(result.target);
  return {
    command: "attack",
    target: "train",
    strategy: result.target.config.strategy,
    code: label.code,
    parameters: label.parameters,
    nodes: result.target.code.nodes,
    config: result.config,
    references: result.references,
    trial_budget_seconds: result.budgetSeconds,
    rows: result.rows.map(rowJson),
    false_alarms: trainFalseAlarms(result),
    columns: TOLERANCE_COLUMNS,
    ...extra,
  };
}

/** The first line of `injections.jsonl`. */
export function trainHeaderLine(config: TrainCampaignConfig, rows: readonly TrainRowPlan[]): string {
  return JSON.stringify({
    type: "campaign",
    version: INJECTION_LOG_VERSION,
    target: "train",
    config,
    rows: rows.map(({ index, site, model, t, rate }) => ({ index, site, model, t, rate })),
  });
}

/** One changed entry of a fault, for JSON. */
function changeJson(e: EntryChange) {
  return {
    index: e.index,
    old: encodeNumber(e.old),
    new: encodeNumber(e.new),
    ...(e.bits !== undefined ? { bits: e.bits } : {}),
  };
}

/** The lines of one trial: its faults, then the trial. */
export function trainTrialLines(row: TrainRowPlan, r: TrainTrialResult): string[] {
  const lines = r.faults.map((f) =>
    JSON.stringify({
      type: "injection",
      row: row.index,
      site: f.site,
      model: row.model,
      trial: r.trial,
      iteration: f.iteration,
      node: f.node,
      layer: f.layer,
      phase: f.phase,
      forced: f.forced,
      entries: f.entries,
      index: f.index,
      old: encodeNumber(f.old),
      new: encodeNumber(f.new),
      max_abs_delta: encodeNumber(f.maxAbsDelta),
      ...(f.attempt !== undefined ? { attempt: f.attempt } : {}),
      ...(f.changes !== undefined ? { changes: f.changes.map(changeJson) } : {}),
      outcome: r.outcome,
    })
  );
  lines.push(JSON.stringify({
    type: "trial",
    row: row.index,
    site: row.site,
    model: row.model,
    ...(row.t !== undefined ? { t: row.t } : { rate: row.rate }),
    trial: r.trial,
    train_seed: r.trainSeed,
    fault_seed: r.faultSeed,
    plan: r.plan,
    faults: r.faults.length,
    metrics: r.metrics,
    weight_difference: encodeNumber(r.difference),
    seconds: Math.round(r.seconds * 1000) / 1000,
    outcome: r.outcome,
    ...(r.reason !== "" ? { reason: r.reason } : {}),
  }));
  return lines;
}

/** The readable table of a training campaign. */
export function formatTrainTable(result: TrainCampaignResult): string {
  const { config, target } = result;
  const c = target.config;
  const label = trainCodeLabel(target);
  const replicated = target.code.kind === "replication";
  const names = replicated ? ["r−2", "⌊(r−1)/2⌋", "r−1"] : ["P−Q−1", "⌊(P−Q)/2⌋", "P−Q"];
  const th = result.rows[0]?.theory;
  const iterations = result.references[0]?.iterations ?? 0;
  const codeName = label.parameters.startsWith(label.code)
    ? label.parameters
    : `${label.code} ${label.parameters}`;
  const lines: string[] = [];
  lines.push(
    `codenet attack · training target · ${c.strategy} (${codeName}, ${target.code.nodes} nodes) · ` +
      `${
        c.layers.join("-")
      } ${c.dtype} · ${iterations} iterations, batch ${c.batch}, checkpoint every ${c.checkpointEvery} · ` +
      `${config.trials} trials per row · seed ${config.seed}`,
  );
  if (th !== undefined) {
    lines.push(
      `theory (${result.rows[0].P},${result.rows[0].Q}) stage, ${c.decoder} decoder: corrects ` +
        `${th.correctable_probabilistic} (${names[0]}) / ${th.correctable_adversarial} (${names[1]}), ` +
        `detects ${th.detectable} (${names[2]}); t = nodes struck in one stage of one iteration`,
    );
  }
  const refs = result.references.map((r) => `seed ${r.seed} ${r.seconds.toFixed(1)} s`).join(", ");
  lines.push(
    `fault-free references: ${refs}; trial budget ${result.budgetSeconds.toPrecision(3)} s; ` +
      `same result = relative weight difference ≤ ${config.weightTolerance}`,
  );
  const header = [
    "site",
    "t",
    "trials",
    ...OUTCOMES.map((o) => SHORT[o] ?? o),
    "silent≤95%",
    "max diff",
    "expected",
  ];
  const widths = header.map((h, i) => Math.max(h.length, i === 0 ? 9 : 6));
  for (const model of config.models) {
    const rows = result.rows.filter((r) => r.model === model);
    lines.push("", `model ${rows[0]?.label ?? model}`, cells(header, widths));
    for (const row of rows) {
      lines.push(cells([
        row.site,
        row.t !== undefined ? String(row.t) : `ρ=${row.rate}`,
        String(row.trials),
        ...OUTCOMES.map((o) => String(row.counts[o])),
        pct(row.intervals.silent.high),
        row.maxDifference.toExponential(1),
        row.theory.expected,
      ], widths));
    }
  }
  return lines.join("\n");
}
