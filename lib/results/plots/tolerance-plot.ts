/**
 * Tolerance curves of an attack campaign: the fraction of trials in each outcome class against
 * the number t of faulty symbols per stage, one line per class, one panel per code and stage
 * (columns) and fault model (rows), with the code's theory bounds as vertical rules (one dash
 * style per bound).
 *
 * @example
 * ```ts
 * import { parseToleranceCsv } from "../tolerance-csv.ts";
 * import { tolerancePlot } from "./tolerance-plot.ts";
 * const spec = tolerancePlot(parseToleranceCsv(text, "tolerance.csv"));
 * ```
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { OUTCOME_CLASSES, type ToleranceRow } from "../tolerance-csv.ts";
import { PLOT_CONFIG, VEGA_LITE_SCHEMA } from "./style.ts";

/** A fixed colour per outcome class, so that every tolerance plot reads the same way. */
export const OUTCOME_COLORS: Readonly<Record<(typeof OUTCOME_CLASSES)[number], string>> = {
  masked: "#9ecae1",
  corrected: "#2ca02c",
  detected: "#1f77b4",
  mislocated: "#ff7f0e",
  silent: "#d62728",
  crash: "#9467bd",
  hang: "#8c564b",
};

/**
 * The spec of the tolerance curves of `rows`. Classes that never occur are left out, except
 * `silent`, whose zero line is the point of the plot.
 */
export function tolerancePlot(rows: readonly ToleranceRow[], subtitle?: string): TopLevelSpec {
  const panel = (r: ToleranceRow) => `${r.code} · ${r.stage}`;
  const shown = OUTCOME_CLASSES.filter((c) => c === "silent" || rows.some((r) => r.counts[c] > 0));
  const outcomes = rows.flatMap((r) =>
    shown.map((c) => ({
      kind: "outcome",
      panel: panel(r),
      model: r.model,
      t: r.t,
      outcome: c,
      fraction: r.trials > 0 ? r.counts[c] / r.trials : 0,
      count: r.counts[c],
      trials: r.trials,
    }))
  );
  const bounds = new Map<string, { kind: string; panel: string; model: string; t: number; bound: string }>();
  for (const r of rows) {
    for (const [bound, t] of Object.entries(r.theory)) {
      const key = `${panel(r)}|${r.model}|${bound}`;
      bounds.set(key, { kind: "bound", panel: panel(r), model: r.model, t, bound: `${bound} bound` });
    }
  }
  const trials = [...new Set(rows.map((r) => r.trials))];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Outcome of each trial vs faulty symbols per stage",
      subtitle: subtitle ??
        `${
          trials.length === 1 ? `${trials[0]} trials per point` : "one point per campaign row"
        }; vertical rules: the largest t each theory bound covers`,
    },
    config: PLOT_CONFIG,
    data: { values: [...outcomes, ...bounds.values()] },
    facet: {
      column: { field: "panel", type: "nominal", title: "Code · stage" },
      row: { field: "model", type: "nominal", title: "Fault model" },
    },
    spec: {
      width: 220,
      height: 180,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'outcome'" }],
          mark: { type: "line", point: { filled: true, size: 30 }, strokeWidth: 2 },
          encoding: {
            x: {
              field: "t",
              type: "quantitative",
              title: "Faulty symbols per stage (t)",
              axis: { tickMinStep: 1, format: "d" },
            },
            y: {
              field: "fraction",
              type: "quantitative",
              title: "Fraction of trials (%)",
              axis: { format: ".0%" },
              scale: { domain: [0, 1] },
            },
            color: {
              field: "outcome",
              type: "nominal",
              title: "Outcome",
              scale: { domain: shown, range: shown.map((c) => OUTCOME_COLORS[c]) },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: "rule", color: "#444", strokeWidth: 1.5 },
          encoding: {
            x: { field: "t", type: "quantitative" },
            strokeDash: { field: "bound", type: "nominal", title: "Theory" },
          },
        },
      ],
    },
  };
}
