/**
 * Test accuracy against time, one line per run of a compare (points at each evaluation), against
 * wall time or against modelled time.
 *
 * @example
 * ```ts
 * import { accuracyPlot } from "./accuracy-plot.ts";
 * import { writePlot } from "./render.ts";
 * await writePlot("results/demo", "accuracy-wall", accuracyPlot(rows, "wall"));
 * ```
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { CompareRow } from "../compare-csv.ts";
import type { TimeKind } from "../expected-time-data.ts";
import { PLOT_SIZE, specFrame } from "./style.ts";

const AXIS_TITLE: Record<TimeKind, string> = {
  wall: "Wall time (s)",
  modelled: "Modelled time (s)",
};

/**
 * The spec of test accuracy against `time` for compare rows (rows without that time are left
 * out). `subtitle` defaults to a line naming the measurement.
 */
export function accuracyPlot(rows: readonly CompareRow[], time: TimeKind, subtitle?: string): TopLevelSpec {
  const values = rows
    .filter((r) => (time === "wall" ? true : r.modelled_seconds !== null))
    .map((r) => ({
      label: r.label,
      round: r.round,
      seconds: time === "wall" ? r.wall_seconds : r.modelled_seconds,
      test_accuracy: r.test_accuracy,
    }));
  return {
    ...specFrame(
      `Test accuracy vs ${time} time`,
      subtitle ??
        `one line per strategy; a point after each round (${time} time since the start of training)`,
    ),
    ...PLOT_SIZE,
    data: { values },
    mark: { type: "line", point: { filled: true, size: 40 }, strokeWidth: 2 },
    encoding: {
      x: { field: "seconds", type: "quantitative", title: AXIS_TITLE[time], scale: { zero: true } },
      y: {
        field: "test_accuracy",
        type: "quantitative",
        title: "Test accuracy (%)",
        axis: { format: ".0%" },
        scale: { domain: [0, 1] },
      },
      color: { field: "label", type: "nominal", title: "Strategy" },
      order: { field: "round", type: "quantitative" },
    },
  };
}
