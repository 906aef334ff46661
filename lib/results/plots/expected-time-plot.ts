/**
 * Expected time per useful iteration against the per-node fault rate: the checkpointing model's
 * curves per strategy (solid: its configured interval; dashed: the optimal interval) with the
 * measured compare runs as points on them. Both axes are logarithmic.
 *
 * @example
 * ```ts
 * import { logSpaced, measuredPoints, theoryCurves } from "../expected-time-data.ts";
 * import { expectedTimePlot } from "./expected-time-plot.ts";
 * const spec = expectedTimePlot(theoryCurves(strategies, logSpaced(1e-5, 1e-2, 31)), measuredPoints(rows, "wall"));
 * ```
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { MeasuredPoint, TheoryPoint } from "../expected-time-data.ts";
import { PLOT_SIZE, specFrame } from "./style.ts";

/**
 * The spec of theory curves with measured points. Points at fault rate 0 cannot sit on the log
 * axis and are left out (the subtitle says how many).
 */
export function expectedTimePlot(
  theory: readonly TheoryPoint[],
  measured: readonly MeasuredPoint[],
  subtitle?: string,
): TopLevelSpec {
  const shownMeasured = measured.filter((m) => m.fault_rate > 0);
  const hidden = measured.length - shownMeasured.length;
  const text = subtitle ??
    "model: solid at the configured checkpoint interval, dashed at the optimal one; points: measured runs" +
      (hidden > 0 ? ` (${hidden} run${hidden === 1 ? "" : "s"} at p = 0 not shown)` : "");
  const values = [
    ...theory.map((t) => ({
      kind: "theory",
      label: t.label,
      fault_rate: t.fault_rate,
      seconds: t.seconds_per_iteration,
      interval: t.choice === "optimal" ? "optimal k" : "configured k",
      k: t.interval,
    })),
    ...shownMeasured.map((m) => ({
      kind: "measured",
      label: m.label,
      fault_rate: m.fault_rate,
      seconds: m.seconds_per_iteration,
      source: "measured",
    })),
  ];
  const x = {
    field: "fault_rate",
    type: "quantitative",
    title: "Per-node fault rate p (per layer and phase)",
    scale: { type: "log" },
    axis: { format: ".0e" },
  } as const;
  const y = {
    field: "seconds",
    type: "quantitative",
    title: "Expected time per useful iteration (s)",
    scale: { type: "log" },
  } as const;
  const color = { field: "label", type: "nominal", title: "Strategy" } as const;
  // Without measured points the layer would still draw an empty "Runs" legend.
  const measuredLayer = shownMeasured.length === 0 ? [] : [
    {
      transform: [{ filter: "datum.kind === 'measured'" }],
      mark: { type: "point" as const, filled: true, size: 80, stroke: "black", strokeWidth: 1 },
      encoding: {
        x,
        y,
        color,
        shape: { field: "source", type: "nominal" as const, title: "Runs" },
      },
    },
  ];
  return {
    ...specFrame("Expected time per useful iteration vs fault rate", text),
    ...PLOT_SIZE,
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'theory'" }],
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y,
          color,
          strokeDash: {
            field: "interval",
            type: "nominal",
            title: "Model",
            scale: { domain: ["configured k", "optimal k"], range: [[1, 0], [6, 4]] },
          },
          order: { field: "fault_rate", type: "quantitative" },
        },
      },
      ...measuredLayer,
    ],
  };
}
