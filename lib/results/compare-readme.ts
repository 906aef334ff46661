/**
 * `README.md` of a compare directory: the experiment's purpose and command, a summary table (one
 * line per run: its last compare.csv row and its best accuracy), the checkpointing model's
 * prediction beside each measurement, the tolerance table of attack campaigns, and the plots.
 *
 * @example
 * ```ts
 * import { compareReadme } from "./compare-readme.ts";
 * const text = compareReadme({ name: "demo", purpose: "…", command: "deno task cli compare --config experiments/demo.json",
 *   runs, rows, predictions, plots: [{ file: "accuracy-wall.svg", title: "Test accuracy vs wall time" }] });
 * ```
 *
 * @module
 */

import { writeFileAtomic } from "../io/atomic.ts";
import type { CompareRow, CompareRun } from "./compare-csv.ts";
import type { RunPrediction } from "./expected-time-data.ts";
import { OUTCOME_CLASSES, type ToleranceRow } from "./tolerance-csv.ts";

/** A plot to show: its SVG file (relative to the directory) and a title. */
export interface ReadmePlot {
  readonly file: string;
  readonly title: string;
}

/** What the README shows. */
export interface ReadmeInput {
  readonly name: string;
  readonly purpose: string;
  /** The command that produced the directory. */
  readonly command: string;
  readonly runs: readonly CompareRun[];
  readonly rows: readonly CompareRow[];
  readonly predictions?: readonly RunPrediction[];
  /** How the model's costs were set for the predictions (one paragraph, shown above their table). */
  readonly modelNote?: string;
  readonly tolerance?: readonly ToleranceRow[];
  readonly plots?: readonly ReadmePlot[];
}

/** A Markdown table. */
function table(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [row(header), row(header.map(() => "---")), ...lines.map(row)].join("\n");
}

/** A number with `digits` significant digits, or "–". */
function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return v === Infinity ? "∞" : "–";
  if (v === 0) return "0";
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3
    ? v.toExponential(digits - 1)
    : String(Number(v.toPrecision(digits)));
}

function percent(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "–" : `${(100 * v).toFixed(1)} %`;
}

function summaryTable(input: ReadmeInput): string {
  const lines = input.runs.map((run) => {
    const rows = input.rows.filter((r) => r.label === run.label);
    const last = rows.reduce<CompareRow | undefined>(
      (a, r) => (a === undefined || r.iterations >= a.iterations ? r : a),
      undefined,
    );
    const best = rows.length > 0 ? Math.max(...rows.map((r) => r.test_accuracy)) : undefined;
    const nodes = typeof run.summary.nodes === "number" ? String(run.summary.nodes) : "–";
    return [
      `[${run.label}](${run.directory})`,
      last?.strategy ?? String(run.summary.strategy ?? "–"),
      nodes,
      num(last?.fault_rate),
      percent(last?.test_accuracy),
      percent(best),
      last === undefined ? "–" : String(last.iterations),
      num(last?.wall_seconds),
      num(last?.modelled_seconds),
      last === undefined ? "–" : String(last.faults),
      last === undefined ? "–" : String(last.rollbacks),
    ];
  });
  return table(
    [
      "run",
      "strategy",
      "nodes",
      "fault rate",
      "final test accuracy",
      "best",
      "iterations",
      "wall s",
      "modelled s",
      "faults",
      "roll-backs",
    ],
    lines,
  );
}

/**
 * The model-versus-measurement table (Markdown, readable in a terminal too): one line per run with
 * q, predicted and measured time and roll-backs per useful iteration, Young/Daly's and the
 * optimal interval, and the silent faults per iteration.
 */
export function predictionTable(predictions: readonly RunPrediction[]): string {
  return table(
    [
      "run",
      "fault rate",
      "k",
      "q per iteration",
      "predicted s / iteration",
      "simulated (program) s / iteration",
      "measured s / iteration",
      "predicted roll-backs / iteration",
      "simulated (program) roll-backs / iteration",
      "measured roll-backs / iteration",
      "Young/Daly k",
      "optimal k",
      "silent faults / iteration",
    ],
    predictions.map((p) => [
      p.label,
      num(p.fault_rate),
      String(p.interval),
      num(p.failure_probability),
      num(p.predicted_seconds_per_iteration),
      num(p.simulated_seconds_per_iteration),
      num(p.measured_seconds_per_iteration),
      num(p.predicted_rollbacks_per_iteration),
      num(p.simulated_rollbacks_per_iteration),
      num(p.measured_rollbacks_per_iteration),
      num(p.young_daly_interval),
      p.optimal_interval === null ? "–" : String(p.optimal_interval),
      num(p.silent_faults_per_iteration),
    ]),
  );
}

function toleranceTable(rows: readonly ToleranceRow[]): string {
  const theories = [...new Set(rows.flatMap((r) => Object.keys(r.theory)))];
  return table(
    ["code", "stage", "model", "t", "trials", ...OUTCOME_CLASSES, ...theories.map((t) => `theory: ${t}`)],
    rows.map((r) => [
      r.code,
      r.stage,
      r.model,
      String(r.t),
      String(r.trials),
      ...OUTCOME_CLASSES.map((c) => String(r.counts[c])),
      ...theories.map((t) => (t in r.theory ? String(r.theory[t]) : "–")),
    ]),
  );
}

/** The README text. */
export function compareReadme(input: ReadmeInput): string {
  const parts = [`# ${input.name}`, input.purpose, `Produced by:\n\n\`\`\`sh\n${input.command}\n\`\`\``];
  if (input.runs.length > 0) {
    parts.push(
      "## Runs",
      "Last evaluation of each run (times, faults and roll-backs are totals; accuracy on the test samples).",
      summaryTable(input),
    );
  }
  if (input.predictions !== undefined && input.predictions.length > 0) {
    parts.push(
      "## Checkpointing model vs measurement",
      "q: probability of an uncorrectable event per iteration; times per useful iteration " +
        "(re-runs after roll-backs included); k: checkpoint interval (iterations); silent faults: " +
        "faults no stage checks (uncoded), which never roll back." +
        (input.modelNote === undefined ? "" : ` ${input.modelNote}`),
      predictionTable(input.predictions),
    );
  }
  if (input.tolerance !== undefined && input.tolerance.length > 0) {
    parts.push(
      "## Tolerance",
      "Trials per outcome class, t faulty symbols per stage.",
      toleranceTable(input.tolerance),
    );
  }
  if (input.plots !== undefined && input.plots.length > 0) {
    parts.push(
      "## Plots",
      ...input.plots.map((p) => `### ${p.title}\n\n![${p.title}](${p.file})`),
      "Each plot's Vega-Lite spec (data inline) is beside it as `<name>.vl.json`, to restyle.",
    );
  }
  return parts.join("\n\n") + "\n";
}

/** Writes `README.md` text to `path` atomically. */
export function writeCompareReadme(path: string, input: ReadmeInput): Promise<void> {
  return writeFileAtomic(path, compareReadme(input));
}
