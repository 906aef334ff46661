/**
 * Vega-Lite specs to SVG without a browser: `vega-lite` compiles the spec to Vega, a Vega `View`
 * with the headless renderer ("none": no canvas, no DOM) builds the scene and `toSVG()` serialises
 * it. Text widths are estimated (no canvas to measure fonts), which is fine for labels.
 *
 * Permissions: rendering a spec whose data is inline (`data.values`, as every builder here
 * produces) needs none; {@link writePlot} needs write access to the output folder. A spec that
 * loads data from a `url` would need read (file) or net access.
 *
 * @example
 * ```ts
 * import { renderSvg, writePlot } from "./render.ts";
 * const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: "point" as const,
 *   encoding: { x: { field: "x", type: "quantitative" as const }, y: { field: "y", type: "quantitative" as const } } };
 * const { svg } = await renderSvg(spec);
 * await writePlot("results/demo", "points", spec); // points.vl.json and points.svg
 * ```
 *
 * @module
 */

import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.ts";

/** A rendered plot and what the compilers had to say about the spec. */
export interface RenderedPlot {
  /** The SVG document. */
  readonly svg: string;
  /** Warnings of the Vega-Lite compiler and the Vega runtime (none for a clean spec). */
  readonly warnings: readonly string[];
}

/** A vega-util logger that keeps warnings and errors instead of printing them. */
interface CollectingLogger {
  level(level?: number): number | CollectingLogger;
  error(...args: unknown[]): CollectingLogger;
  warn(...args: unknown[]): CollectingLogger;
  info(...args: unknown[]): CollectingLogger;
  debug(...args: unknown[]): CollectingLogger;
}

/** A logger whose methods work detached (Vega calls them without `this`), collecting into `messages`. */
function collectingLogger(messages: string[]): CollectingLogger {
  let current = 2; // vega-util's Warn
  const logger: CollectingLogger = {
    level: (level?: number) => {
      if (level === undefined) return current;
      current = level;
      return logger;
    },
    error: (...args) => (messages.push(`error: ${args.map(String).join(" ")}`), logger),
    warn: (...args) => (messages.push(args.map(String).join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** Compiles a Vega-Lite spec and renders it to SVG headlessly. */
export async function renderSvg(spec: TopLevelSpec): Promise<RenderedPlot> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = compile(spec, { logger }).spec;
  const view = new View(parse(compiled), { renderer: "none", logger, logLevel: 2 });
  try {
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** Paths written by {@link writePlot}. */
export interface PlotFiles {
  /** The Vega-Lite spec, data inline, for restyling. */
  readonly spec: string;
  /** The rendered SVG. */
  readonly svg: string;
  /** Compiler warnings (none for a clean spec). */
  readonly warnings: readonly string[];
}

/** Writes `<dir>/<name>.vl.json` (the spec) and `<dir>/<name>.svg` (its rendering), atomically. */
export async function writePlot(dir: string, name: string, spec: TopLevelSpec): Promise<PlotFiles> {
  const { svg, warnings } = await renderSvg(spec);
  const files = { spec: join(dir, `${name}.vl.json`), svg: join(dir, `${name}.svg`) };
  await writeFileAtomic(files.spec, JSON.stringify(spec, null, 2) + "\n");
  await writeFileAtomic(files.svg, svg);
  return { ...files, warnings };
}
