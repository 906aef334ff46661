/**
 * The plots of a compare directory, each as `<name>.vl.json` beside `<name>.svg`:
 *
 * - `accuracy-wall`: test accuracy vs wall time (when there are rows);
 * - `accuracy-modelled`: test accuracy vs modelled time (when some rows have modelled time);
 * - `tolerance`: tolerance curves of the attack campaigns (when given);
 * - `expected-time`: the checkpointing model's curves with the measured runs (when given).
 *
 * @example
 * ```ts
 * import { writeComparePlots } from "./compare-plots.ts";
 * const plots = await writeComparePlots("results/demo-20250101T120000Z", { rows });
 * // plots: [{ file: "accuracy-wall.svg", title: "Test accuracy vs wall time" }, …] for the README
 * ```
 *
 * @module
 */

import type { CompareRow } from "./compare-csv.ts";
import type { ReadmePlot } from "./compare-readme.ts";
import {
  measuredPoints,
  type ModelledRun,
  seriesOfRuns,
  theoryCurves,
  type TimeKind,
} from "./expected-time-data.ts";
import { accuracyPlot } from "./plots/accuracy-plot.ts";
import { expectedTimePlot } from "./plots/expected-time-plot.ts";
import { writePlot } from "./plots/render.ts";
import { tolerancePlot } from "./plots/tolerance-plot.ts";
import type { ToleranceRow } from "./tolerance-csv.ts";

/** What to plot. */
export interface ComparePlotsInput {
  readonly rows: readonly CompareRow[];
  readonly tolerance?: readonly ToleranceRow[];
  /** The runs as the model sees them, the fault rates of the curves, and the measured time used. */
  readonly model?: {
    readonly runs: readonly ModelledRun[];
    readonly rates: readonly number[];
    readonly time: TimeKind;
  };
}

/** Writes the plots that `input` has data for into `dir`; returns them for the README. */
export async function writeComparePlots(dir: string, input: ComparePlotsInput): Promise<ReadmePlot[]> {
  const plots: ReadmePlot[] = [];
  const add = async (name: string, title: string, spec: Parameters<typeof writePlot>[2]) => {
    await writePlot(dir, name, spec);
    plots.push({ file: `${name}.svg`, title });
  };
  if (input.rows.length > 0) {
    await add("accuracy-wall", "Test accuracy vs wall time", accuracyPlot(input.rows, "wall"));
    if (input.rows.some((r) => r.modelled_seconds !== null)) {
      await add("accuracy-modelled", "Test accuracy vs modelled time", accuracyPlot(input.rows, "modelled"));
    }
  }
  if (input.tolerance !== undefined && input.tolerance.length > 0) {
    await add("tolerance", "Tolerance curves", tolerancePlot(input.tolerance));
  }
  if (input.model !== undefined && input.model.runs.length > 0) {
    const series = new Map(input.model.runs.map((r) => [r.label, r.series]));
    const theory = theoryCurves(seriesOfRuns(input.model.runs), input.model.rates);
    const measured = measuredPoints(input.rows, input.model.time, (label) => series.get(label) ?? label);
    await add(
      "expected-time",
      "Expected time per useful iteration vs fault rate",
      expectedTimePlot(theory, measured),
    );
  }
  return plots;
}
