/**
 * The look shared by every plot: schema, size, fonts, title placement, and the fixed colours of
 * the outcome classes, so that specs stay short and plots look alike. Users restyle a plot by
 * editing its `.vl.json` (the `config` block holds all of this).
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";

/** The Vega-Lite JSON schema the specs declare (a name only: nothing is fetched). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Width and height of one plot (or one facet cell), pixels. */
export const PLOT_SIZE = { width: 480, height: 300 } as const;

/** Fonts, title and axis styling of every plot. */
export const PLOT_CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  padding: 8,
  title: { anchor: "start", fontSize: 15, subtitleFontSize: 11, subtitleColor: "#555" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: "#bbb" },
} as const;

/** The common top of a spec: schema, title (and subtitle), config. */
export function specFrame(
  title: string,
  subtitle?: string,
): Pick<TopLevelSpec, "$schema" | "title" | "config"> {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle === undefined ? { text: title } : { text: title, subtitle },
    config: PLOT_CONFIG,
  };
}
