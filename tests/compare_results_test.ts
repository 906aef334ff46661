/**
 * compare's writers: compare.csv round-trips through csv-parse, compare.json holds the rows and
 * predictions, tolerance.csv is read with its theory columns, the README shows every table, and
 * the model's predictions sit beside the measurements.
 */

import { parse } from "csv-parse/sync";
import { join } from "node:path";
import { UsageError } from "../lib/errors.ts";
import {
  COMPARE_COLUMNS,
  compareCsvText,
  parseCompareCsv,
  writeCompareCsv,
  writeCompareJson,
} from "../lib/results/compare-csv.ts";
import { compareReadme, writeCompareReadme } from "../lib/results/compare-readme.ts";
import { measuredPoints, predictRuns } from "../lib/results/expected-time-data.ts";
import { parseToleranceCsv } from "../lib/results/tolerance-csv.ts";
import { expectedTime } from "../lib/train/checkpoint-model.ts";
import { assert, assertClose } from "./assert.ts";
import { compareRows, modelledRuns } from "./plot_fixtures.ts";

Deno.test("compare.csv: header, rows in full precision, empty cell for no modelled time; parses back", async () => {
  const rows = compareRows().map((r, i) => ({ ...r, wall_seconds: r.wall_seconds + i / 3 }));
  const text = compareCsvText(rows);
  const records = parse(text, { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(records[0]), [...COMPARE_COLUMNS]);
  assert.equal(records.length, rows.length);
  assert.equal(records[17].modelled_seconds, "");
  assert.deepEqual(parseCompareCsv(text, "compare.csv"), rows);

  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "compare.csv");
    await writeCompareCsv(path, rows);
    assert.deepEqual(parseCompareCsv(await Deno.readTextFile(path), path), rows);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => parseCompareCsv("label,round\nx,1\n", "f.csv"), /f\.csv: missing column\(s\) strategy/);
  const bad = text.replace(/\n(codenet,codenet,0,)0,/, "\n$1zero,");
  assert.throws(
    () => parseCompareCsv(bad, "f.csv"),
    /row 2, column iterations: expected a number, got "zero"/,
  );
});

Deno.test("tolerance.csv: outcome counts and theory columns; code or strategy column; strict columns", () => {
  const text = [
    "strategy,stage,model,t,trials,masked,corrected,detected,mislocated,silent,crash,hang,theory_probabilistic,theory_adversarial,ci_low",
    "grid,forward,additive,1,3000,0,3000,0,0,0,0,0,1,1,0.99",
    "replication-2,forward,additive,1,3000,0,0,3000,0,0,0,0,0,,0.99",
  ].join("\n");
  const rows = parseToleranceCsv(text, "tolerance.csv");
  assert.equal(rows[0].code, "grid");
  assert.equal(rows[0].counts.corrected, 3000);
  assert.deepEqual(rows[0].theory, { probabilistic: 1, adversarial: 1 });
  assert.deepEqual(rows[1].theory, { probabilistic: 0 });
  assert.throws(
    () => parseToleranceCsv(text.replace(",hang,", ",hung,"), "t.csv"),
    (e: Error) => e instanceof UsageError && /missing column\(s\) hang/.test(e.message),
  );
});

Deno.test("predictions: the model beside each run's measurement", () => {
  const rows = compareRows();
  const runs = modelledRuns();
  const predictions = predictRuns(runs, rows, "wall");
  const [codenet, replication, uncoded] = predictions;
  // Measured: the last row, 1000 iterations.
  assertClose(codenet.measured_seconds_per_iteration!, 1.1, 1e-12);
  assertClose(replication.measured_rollbacks_per_iteration!, 15 / 1000, 1e-12);
  // Predicted: the closed form at each run's own rate, interval and costs.
  for (const [i, run] of runs.entries()) {
    const model = expectedTime(run.exposure, run.rate, run.interval, run.costs);
    assert.equal(predictions[i].predicted_seconds_per_iteration, model.secondsPerUsefulIteration);
  }
  assert.ok(codenet.predicted_seconds_per_iteration > 1 && codenet.predicted_seconds_per_iteration < 1.06);
  assert.ok(replication.predicted_rollbacks_per_iteration > 0.05);
  assert.ok(replication.optimal_interval! <= 8 && codenet.optimal_interval! > 50);
  assert.equal(uncoded.optimal_interval, null);
  assert.equal(uncoded.failure_probability, 0);
  assertClose(uncoded.predicted_seconds_per_iteration, 0.7 + 2 / 100, 1e-12);
  // Simulated with the program's semantics: CodeNet rolls back more than the closed form says;
  // uncoded never does (nothing is checked).
  assert.ok(codenet.simulated_rollbacks_per_iteration > codenet.predicted_rollbacks_per_iteration);
  assert.equal(uncoded.simulated_rollbacks_per_iteration, 0);
  assertClose(uncoded.simulated_seconds_per_iteration, uncoded.predicted_seconds_per_iteration, 1e-12);
  // Runs without modelled time have no modelled measurement.
  assert.equal(predictRuns(runs, rows, "modelled")[2].measured_seconds_per_iteration, null);
  assert.deepEqual(measuredPoints(rows, "modelled").map((m) => m.run), ["codenet", "replication"]);
});

Deno.test("compare.json and README.md: config, runs, rows, predictions, tolerance and plots", async () => {
  const rows = compareRows();
  const runs = ["codenet", "replication", "uncoded"].map((label, i) => ({
    label,
    directory: label,
    summary: { strategy: label, nodes: [38, 40, 40][i] },
  }));
  const predictions = predictRuns(modelledRuns(), rows, "wall");
  const tolerance = parseToleranceCsv(
    "code,stage,model,t,trials,masked,corrected,detected,mislocated,silent,crash,hang,theory_probabilistic\n" +
      "grid,forward,additive,2,3000,0,0,2990,10,0,0,0,1\n",
    "tolerance.csv",
  );
  const input = {
    name: "demo",
    purpose: "CodeNet vs replication vs uncoded",
    command: "deno task cli compare --config experiments/demo.json",
    runs,
    rows,
    predictions,
    tolerance,
    plots: [{ file: "accuracy-wall.svg", title: "Test accuracy vs wall time" }],
  };
  const text = compareReadme(input);
  assert.match(text, /^# demo\n\nCodeNet vs replication vs uncoded\n/);
  assert.match(text, /deno task cli compare --config experiments\/demo\.json/);
  // One summary line per run, with its last row: accuracy as a percentage, 1000 iterations.
  const codenetLine = text.split("\n").find((l) => l.startsWith("| [codenet](codenet) |"))!;
  assert.ok(codenetLine.includes("| 38 |") && codenetLine.includes("| 1000 |"), codenetLine);
  assert.ok(codenetLine.includes(`${(100 * rows[5].test_accuracy).toFixed(1)} %`), codenetLine);
  assert.match(text, /\| uncoded \| 3\.00e-4 \| 100 \| 0 \|.*\| 0\.108 \|$/m);
  assert.match(
    text,
    /\| grid \| forward \| additive \| 2 \| 3000 \| 0 \| 0 \| 2990 \| 10 \| 0 \| 0 \| 0 \| 1 \|/,
  );
  assert.match(text, /!\[Test accuracy vs wall time\]\(accuracy-wall\.svg\)/);

  const dir = await Deno.makeTempDir();
  try {
    await writeCompareReadme(join(dir, "README.md"), input);
    assert.equal(await Deno.readTextFile(join(dir, "README.md")), text);
    const document = {
      name: "demo",
      purpose: input.purpose,
      config: { name: "demo" },
      runs,
      rows,
      predictions,
    };
    await writeCompareJson(join(dir, "compare.json"), document);
    const back = JSON.parse(await Deno.readTextFile(join(dir, "compare.json")));
    assert.deepEqual(back.rows, rows);
    assert.equal(back.predictions.length, 3);
    assert.equal(back.runs[1].summary.nodes, 40);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
