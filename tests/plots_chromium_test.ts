/**
 * A rendered plot displays in a real browser: headless Chromium (Debian's `chromium`) screenshots
 * an HTML page embedding the SVG; the PNG must show the plot (enough non-background pixels, and
 * the three strategies' line colours). Skipped, with a message, only where Chromium is absent.
 */

import { decode } from "fast-png";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { accuracyPlot } from "../lib/results/plots/accuracy-plot.ts";
import { renderSvg } from "../lib/results/plots/render.ts";
import { assert } from "./assert.ts";
import { compareRows } from "./plot_fixtures.ts";

/** The first Chromium on PATH, or undefined. */
async function findChromium(): Promise<string | undefined> {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const out = await new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
      if (out.success) return name;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return undefined;
}

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
    const dir = await Deno.makeTempDir();
    try {
      const { svg } = await renderSvg(accuracyPlot(compareRows(), "wall"));
      const page = join(dir, "plot.html");
      await Deno.writeTextFile(
        page,
        `<!DOCTYPE html><html><body style="margin:0;background:#fff">${svg}</body></html>`,
      );
      const png = join(dir, "plot.png");
      const out = await new Deno.Command(chromium!, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${join(dir, "profile")}`,
          "--hide-scrollbars",
          "--window-size=800,500",
          `--screenshot=${png}`,
          pathToFileURL(page).href,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      assert.ok(out.success, `chromium failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);

      const image = decode(await Deno.readFile(png));
      assert.equal(image.width, 800);
      assert.equal(image.height, 500);
      const channels = image.channels;
      let ink = 0;
      const series = SERIES_COLORS.map(() => 0);
      for (let i = 0; i < image.data.length; i += channels) {
        const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
        if (r < 235 || g < 235 || b < 235) ink++;
        SERIES_COLORS.forEach(([cr, cg, cb], k) => {
          if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 40) series[k]++;
        });
      }
      const pixels = image.width * image.height;
      // Text, axes, grid, lines and points: a few percent of the page; a blank page has none.
      assert.ok(ink > 0.01 * pixels && ink < 0.5 * pixels, `ink on ${ink} of ${pixels} pixels`);
      // Each strategy's line and points are drawn in its colour.
      assert.ok(series.every((n) => n > 100), `pixels per series colour: ${series}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
