/**
 * The readable stdout table of a campaign: a header per stage (bounds, tolerance), then per model
 * one line per t (or rate) with every outcome's count, the 95 % upper bound of the silent rate and
 * the theory's expectation.
 *
 * @module
 */

import type { CampaignResult, RowResult } from "./campaign.ts";
import { OUTCOMES } from "./outcome.ts";
import type { CodeLabel } from "./tolerance-table.ts";

/** Short column names of the longer outcomes. */
export const SHORT: Record<string, string> = {
  "false-alarm": "f-alarm",
  undetectable: "undetect",
  mislocated: "misloc",
};

/** A rate as a percentage with two significant digits below 10 %. */
export function pct(x: number): string {
  const v = 100 * x;
  return v === 0 ? "0 %" : v >= 10 ? `${v.toFixed(1)} %` : `${v.toPrecision(2)} %`;
}

/** A table line: the first two cells left-aligned, the others right-aligned. */
export function cells(values: readonly string[], widths: readonly number[]): string {
  return values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(" ");
}

function rowName(row: RowResult): string {
  return row.t !== undefined ? String(row.t) : `ρ=${row.rate}`;
}

/** The table; `replicated` selects the replication bound names (r − 2, ⌊(r − 1)/2⌋). */
export function formatAttackTable(result: CampaignResult, label: CodeLabel, replicated: boolean): string {
  const { config } = result;
  const lines: string[] = [];
  lines.push(
    `codenet attack · ${label.code} ${label.parameters} · ${config.mode} decoder · ${config.dtype} symbols · ` +
      `${config.schedule} faults · ${config.trials} trials per row · seed ${config.seed}`,
  );
  for (const s of result.stages) {
    const row = result.rows.find((r) => r.stage === s.name);
    const th = row?.theory;
    const names = replicated ? ["r−2", "⌊(r−1)/2⌋", "r−1"] : ["P−Q−1", "⌊(P−Q)/2⌋", "P−Q"];
    const detect = s.tolerance.detect.filter((v) => Number.isFinite(v));
    lines.push(
      `${s.name.padEnd(8)} (${s.P},${s.Q}) stage, ${s.length} entries per symbol: corrects ` +
        `${th?.correctable_probabilistic} (${names[0]}, probabilistic) / ${th?.correctable_adversarial} ` +
        `(${names[1]}, adversarial), detects ${th?.detectable} (${names[2]})` +
        (config.erasures > 0 ? ` with ${config.erasures} erasures` : ""),
    );
    lines.push(
      `${"".padEnd(8)} tolerance ε = ${s.tolerance.epsilon.toExponential(2)}, scale ${
        s.tolerance.scale[0].toPrecision(3)
      }–${s.tolerance.scale[1].toPrecision(3)}: one-entry errors above ${
        Math.min(...detect).toExponential(1)
      }–${Math.max(...detect).toExponential(1)} always seen; stated accuracy ${
        s.tolerance.output.toExponential(1)
      }`,
    );
  }
  const header = ["stage", "t", "trials", ...OUTCOMES.map((o) => SHORT[o] ?? o), "silent≤95%", "expected"];
  const widths = header.map((h, i) => Math.max(h.length, i === 0 ? 8 : i === 1 ? 6 : 6));
  for (const model of config.models) {
    const rows = result.rows.filter((r) => r.model === model);
    lines.push("", `model ${rows[0]?.label ?? model}`, cells(header, widths));
    for (const row of rows) {
      if (row.skipped !== undefined) {
        lines.push(`${cells([row.stage, rowName(row)], widths)}  skipped: ${row.skipped}`);
        continue;
      }
      lines.push(cells([
        row.stage,
        rowName(row),
        String(row.trials),
        ...OUTCOMES.map((o) => String(row.counts[o])),
        pct(row.intervals.silent.high),
        row.theory.expected,
      ], widths));
    }
  }
  return lines.join("\n");
}
