/**
 * A rendered plot displays in a real browser: headless Chromium (Debian's `chromium`) screenshots
 * an HTML page embedding the SVG; the PNG must show the plot (enough non-background pixels, and
 * the three strategies' line colours). Skipped, with a message, only where Chromium is absent.
 */

import { accuracyPlot } from "../lib/results/plots/accuracy-plot.ts";
import { renderSvg } from "../lib/results/plots/render.ts";
import { assert } from "./assert.ts";
import { findChromium, inkPixels, screenshotSvg } from "./chromium.ts";
import { compareRows } from "./plot_fixtures.ts";

const chromium = await findChromium();
if (chromium === undefined) {
  console.warn(
    "plots_chromium_test: skipped, Chromium is not installed (apt-get install -y --no-install-recommends chromium)",
  );
}

/** Vega's default category colours of the first three series (tableau10). */
const SERIES_COLORS = [[0x4c, 0x78, 0xa8], [0xf5, 0x85, 0x18], [0xe4, 0x57, 0x56]];

Deno.test({
  name: "plot SVG renders in headless Chromium: the screenshot shows the plot",
  ignore: chromium === undefined,
  async fn() {
    const { svg } = await renderSvg(accuracyPlot(compareRows(), "wall"));
    const image = await screenshotSvg(chromium!, svg, 800, 500);
    assert.equal(image.width, 800);
    assert.equal(image.height, 500);
    const series = SERIES_COLORS.map(() => 0);
    for (let i = 0; i < image.data.length; i += image.channels) {
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      SERIES_COLORS.forEach(([cr, cg, cb], k) => {
        if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 40) series[k]++;
      });
    }
    const pixels = image.width * image.height;
    const ink = inkPixels(image);
    // Text, axes, grid, lines and points: a few percent of the page; a blank page has none.
    assert.ok(ink > 0.01 * pixels && ink < 0.5 * pixels, `ink on ${ink} of ${pixels} pixels`);
    // Each strategy's line and points are drawn in its colour.
    assert.ok(series.every((n) => n > 100), `pixels per series colour: ${series}`);
  },
});
