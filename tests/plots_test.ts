/**
 * Plot builders: valid Vega-Lite (JSON schema of the pinned vega-lite), compiled without a
 * warning, rendered headlessly to SVG with the expected marks, titles and legends; files written
 * in pairs; rendering needs no permission at all.
 */

import { Ajv } from "ajv";
import vegaLiteSchema from "vega-lite/vega-lite-schema.json" with { type: "json" };
import type { TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeComparePlots } from "../lib/results/compare-plots.ts";
import { logSpaced, measuredPoints, seriesOfRuns, theoryCurves } from "../lib/results/expected-time-data.ts";
import { accuracyPlot } from "../lib/results/plots/accuracy-plot.ts";
import { expectedTimePlot } from "../lib/results/plots/expected-time-plot.ts";
import { renderSvg, writePlot } from "../lib/results/plots/render.ts";
import { tolerancePlot } from "../lib/results/plots/tolerance-plot.ts";
import { assert } from "./assert.ts";
import { compareRows, markCount, modelledRuns, toleranceRows } from "./plot_fixtures.ts";

// Compiling the full schema with optimisation and format checks takes several seconds; without
// them it still checks every property, type and enum.
const ajv = new Ajv({
  strict: false,
  allowUnionTypes: true,
  validateFormats: false,
  code: { optimize: false },
});
const validateSpec = ajv.compile(vegaLiteSchema);

/** Asserts that `spec` is valid Vega-Lite, renders it and returns the SVG. */
async function checkedSvg(spec: TopLevelSpec): Promise<string> {
  assert.ok(validateSpec(spec), JSON.stringify(validateSpec.errors?.slice(0, 3)));
  const { svg, warnings } = await renderSvg(spec);
  assert.deepEqual(warnings, []);
  assert.match(svg, /^<svg [^>]*width="\d+" height="\d+"/);
  return svg;
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

Deno.test("schema check can fail: a misspelt mark is rejected", () => {
  assert.equal(validateSpec({ data: { values: [] }, mark: "lin" }), false);
});

Deno.test("accuracy plot: one line per strategy against wall or modelled time, axes with units", async () => {
  const rows = compareRows();
  const wall = await checkedSvg(accuracyPlot(rows, "wall"));
  assert.equal(markCount(wall, "line"), 3);
  assert.equal(markCount(wall, "symbol"), 18); // a point per row
  const t = texts(wall);
  for (const s of ["Test accuracy vs wall time", "Wall time (s)", "Test accuracy (%)", "Strategy"]) {
    assert.ok(t.includes(s), s);
  }
  for (const s of ["codenet", "replication", "uncoded"]) assert.ok(t.includes(s), s);
  assert.ok(t.includes("80%"));

  // Uncoded has no modelled time: two lines.
  const modelled = await checkedSvg(accuracyPlot(rows, "modelled"));
  assert.equal(markCount(modelled, "line"), 2);
  assert.ok(texts(modelled).includes("Modelled time (s)"));
});

Deno.test("tolerance plot: a line per outcome class, a panel per stage, theory rules", async () => {
  const svg = await checkedSvg(tolerancePlot(toleranceRows()));
  const t = texts(svg);
  for (const s of ["grid 7,5,6,4 · forward", "grid 7,5,6,4 · backward", "Faulty symbols per stage (t)"]) {
    assert.ok(t.includes(s), s);
  }
  // Classes that occur (masked, corrected, detected, mislocated) and silent; never crash or hang.
  for (const c of ["masked", "corrected", "detected", "mislocated", "silent"]) assert.ok(t.includes(c), c);
  assert.ok(!t.includes("crash") && !t.includes("hang"));
  assert.equal(markCount(svg, "line"), 2 * 5);
  assert.equal(markCount(svg, "rule"), 2 * 2); // two bounds in each of two panels
  assert.ok(t.includes("probabilistic bound"));
});

Deno.test("expected-time plot: theory curves per strategy, measured points on log axes", async () => {
  const runs = modelledRuns();
  const theory = theoryCurves(seriesOfRuns(runs), logSpaced(1e-5, 1e-2, 13));
  const measured = measuredPoints(compareRows(), "wall");
  const svg = await checkedSvg(expectedTimePlot(theory, [...measured, { ...measured[0], fault_rate: 0 }]));
  // codenet and replication: configured and optimal k; uncoded never rolls back: configured only.
  assert.equal(markCount(svg, "line"), 5);
  assert.equal(markCount(svg, "symbol"), 3);
  const t = texts(svg);
  for (const s of ["Per-node fault rate p (per layer and phase)", "Expected time per useful iteration (s)"]) {
    assert.ok(t.includes(s), s);
  }
  assert.ok(t.some((s) => s.includes("1 run at p = 0 not shown")));
  for (const s of ["configured k", "optimal k", "measured", "1e-3"]) assert.ok(t.includes(s), s);
  // Theory alone (before any run): no points and no empty legend.
  const alone = await checkedSvg(expectedTimePlot(theory, []));
  assert.equal(markCount(alone, "symbol"), 0);
  assert.ok(!texts(alone).includes("Runs"));
});

Deno.test("writePlot and writeComparePlots: each .vl.json beside its .svg", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = accuracyPlot(compareRows(), "wall");
    const files = await writePlot(dir, "accuracy", spec);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(files.spec)), JSON.parse(JSON.stringify(spec)));
    assert.match(await Deno.readTextFile(files.svg), /^<svg /);

    const plots = await writeComparePlots(dir, {
      rows: compareRows(),
      tolerance: toleranceRows(),
      model: { runs: modelledRuns(), rates: logSpaced(1e-5, 1e-2, 7), time: "wall" },
    });
    assert.deepEqual(plots.map((p) => p.file), [
      "accuracy-wall.svg",
      "accuracy-modelled.svg",
      "tolerance.svg",
      "expected-time.svg",
    ]);
    for (const p of plots) {
      await Deno.stat(join(dir, p.file));
      await Deno.stat(join(dir, p.file.replace(/\.svg$/, ".vl.json")));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rendering needs no permission: a subprocess without any --allow flag renders", async () => {
  const script = fileURLToPath(new URL("./fixtures/render_without_permissions.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-check", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, stderr);
  assert.match(new TextDecoder().decode(out.stdout), /^<svg /);
});
