/**
 * `compare` end to end on a small synthetic experiment (784-32-16-10, three strategies with few
 * nodes, 30 iterations at a fault rate that makes every counter move, one attack campaign): every
 * listed file is written, compare.csv parses back, the runs start from the same initialisation,
 * the SVG plots are documents that headless Chromium draws; bad experiments exit 2 with one line.
 */

import { parse } from "csv-parse/sync";
import { join } from "node:path";
import { experimentArgs } from "../cli/experiment.ts";
import { UsageError } from "../lib/errors.ts";
import { COMPARE_COLUMNS, parseCompareCsv } from "../lib/results/compare-csv.ts";
import { assert } from "./assert.ts";
import { runCli as cli } from "./cli_capture.ts";
import { findChromium, inkPixels, screenshotSvg } from "./chromium.ts";

const GRID = { pr: 4, qr: 2, pc: 4, qc: 2 };

/** A small synthetic experiment: 3 rounds of 10 iterations, p = 0.01, k = 5. */
function smallExperiment(): Record<string, unknown> {
  return {
    purpose: "small synthetic compare (test)",
    name: "small",
    base: {
      dataset: "synthetic",
      layers: [784, 32, 16, 10],
      "train-samples": 60,
      "test-samples": 60,
      batch: 1,
      lr: 0.05,
      rounds: 3,
      "round-samples": 10,
      "fault-rate": 0.01,
      "fault-density": 0.005,
      "fault-sites": "stored",
      "checkpoint-every": 5,
      seed: 3,
    },
    runs: [
      { label: "codenet", strategy: "codenet", ...GRID },
      { label: "replication", strategy: "replication", r: 2, qr: 2, qc: 2 },
      { label: "uncoded", strategy: "uncoded", "grid-rows": 2, "grid-cols": 3 },
    ],
    attack: {
      model: "additive",
      errors: "0..2",
      trials: 40,
      seed: 1,
      campaigns: [{ label: "grid", code: "grid", ...GRID, rows: 32, cols: 16 }],
    },
    model: { "iteration-seconds": 1, "checkpoint-seconds": 2, "rollback-seconds": 1, time: "wall" },
  };
}

const PLOTS = ["accuracy-wall", "accuracy-modelled", "tolerance", "expected-time"];
const RUN_FILES = ["config.json", "env.json", "metrics.csv", "summary.json", "faults.jsonl"];
const chromium = await findChromium();

Deno.test("compare: a small experiment writes every file; compare.csv parses back; plots render", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = join(dir, "small.json");
    await Deno.writeTextFile(config, JSON.stringify(smallExperiment()));
    const out = join(dir, "out");
    const r = await cli(["compare", "--config", config, "--out", out, "--progress", "none"]);
    assert.equal(r.code, 0, r.err.join("\n"));

    const files = [
      "compare.csv",
      "compare.json",
      "README.md",
      ...PLOTS.flatMap((p) => [`${p}.svg`, `${p}.vl.json`]),
      ...["codenet", "replication", "uncoded"].flatMap((l) => RUN_FILES.map((f) => join(l, f))),
      ...["tolerance.csv", "injections.jsonl", "attack.json"].map((f) => join("attack", "grid", f)),
    ];
    for (const f of files) {
      const info = await Deno.stat(join(out, f)).catch(() => undefined);
      assert.ok(info?.isFile && info.size > 0, `${f} is missing or empty`);
    }
    const leftovers = [...Deno.readDirSync(out)].filter((e) => e.name.includes(".tmp"));
    assert.deepEqual(leftovers, [], "temporary files left behind");

    // compare.csv: the columns, parsed back with csv-parse, one row per run and evaluation.
    const text = await Deno.readTextFile(join(out, "compare.csv"));
    const records: Record<string, string>[] = parse(text, { columns: true });
    assert.deepEqual(Object.keys(records[0]), [...COMPARE_COLUMNS]);
    const rows = parseCompareCsv(text, "compare.csv");
    assert.equal(rows.length, 3 * 4);
    for (const label of ["codenet", "replication", "uncoded"]) {
      const own = rows.filter((x) => x.label === label);
      assert.deepEqual(own.map((x) => x.round), [0, 1, 2, 3], label);
      assert.deepEqual(own.map((x) => x.iterations), [0, 10, 20, 30], label);
      assert.ok(own.every((x, i) => i === 0 || x.wall_seconds >= own[i - 1].wall_seconds), `${label}: time`);
      assert.ok(own.every((x) => x.modelled_seconds !== null && x.fault_rate === 0.01), label);
    }
    // Same data, initialisation and seed: every run scores the same before training.
    const before = rows.filter((x) => x.round === 0).map((x) => x.test_accuracy);
    assert.ok(before.every((a) => a === before[0]), `accuracy before training differs: ${before}`);
    const last = (label: string) => rows.filter((x) => x.label === label).at(-1)!;
    assert.ok(last("codenet").faults > 0 && last("replication").faults > 0 && last("uncoded").faults > 0);
    assert.ok(last("replication").rollbacks > 0, "replication r = 2 never rolled back at p = 0.01");
    assert.equal(last("uncoded").rollbacks, 0);

    // compare.json: the same rows, each run's summary, and the model's prediction per run.
    const doc = JSON.parse(await Deno.readTextFile(join(out, "compare.json")));
    assert.deepEqual(doc.rows, rows);
    assert.deepEqual(doc.runs.map((x: { directory: string }) => x.directory), [
      "codenet",
      "replication",
      "uncoded",
    ]);
    const summary = JSON.parse(await Deno.readTextFile(join(out, "codenet", "summary.json")));
    assert.equal(doc.runs[0].summary.faults.injected, summary.faults.injected);
    assert.equal(summary.faults.injected, last("codenet").faults);
    assert.equal(doc.predictions.length, 3);
    for (const p of doc.predictions) {
      assert.ok(p.predicted_seconds_per_iteration > 0 && p.measured_seconds_per_iteration > 0, p.label);
    }
    assert.equal(doc.predictions[2].failure_probability, 0, "uncoded checks nothing: q = 0");

    // README: the summary table links each run and embeds every plot; the terminal shows the table.
    const readme = await Deno.readTextFile(join(out, "README.md"));
    for (const l of ["codenet", "replication", "uncoded"]) {
      assert.match(readme, new RegExp(`\\[${l}\\]\\(${l}\\)`));
    }
    for (const p of PLOTS) assert.ok(readme.includes(`(${p}.svg)`), `README lacks ${p}.svg`);
    assert.match(readme, /## Tolerance/);
    const printed = r.out.join("\n");
    assert.match(printed, /run\s+strategy\s+nodes\s+test accuracy\s+wall s\s+modelled s/);
    assert.match(printed, /predicted s \/ iteration/);
    assert.ok(printed.includes(`results: ${out}`));

    // The plots: SVG documents with marks, each beside its Vega-Lite spec; Chromium draws one.
    for (const p of PLOTS) {
      const svg = await Deno.readTextFile(join(out, `${p}.svg`));
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, p);
      assert.ok(svg.trimEnd().endsWith("</svg>") && svg.includes("<path"), `${p}: not a complete SVG`);
      const spec = JSON.parse(await Deno.readTextFile(join(out, `${p}.vl.json`)));
      assert.match(String(spec.$schema), /vega-lite/);
    }
    if (chromium === undefined) {
      console.warn("compare_cli_test: Chromium check skipped, Chromium is not installed");
    } else {
      const image = await screenshotSvg(chromium, await Deno.readTextFile(join(out, "accuracy-wall.svg")));
      const ink = inkPixels(image);
      assert.ok(ink > 0.01 * image.width * image.height, `blank screenshot (${ink} ink pixels)`);
    }

    // The same --out again is refused.
    const again = await cli(["compare", "--config", config, "--out", out, "--progress", "none"]);
    assert.equal(again.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare: bad experiments exit 2 with one line saying what is wrong", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, value: unknown) => {
      const path = join(dir, name);
      await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value));
      return path;
    };
    const good = smallExperiment();
    const base = good.base as Record<string, unknown>;
    const runs = good.runs as Record<string, unknown>[];
    const cases: [string, string[], RegExp][] = [
      ["no --config", [], /--config is required/],
      ["missing file", ["--config", join(dir, "nope.json")], /nope\.json/],
      ["not JSON", ["--config", await write("broken.json", "{ purpose: ")], /broken\.json/],
      ["unknown key", ["--config", await write("typo.json", { ...good, rnus: [] })], /unknown key "rnus"/],
      [
        "unknown train flag",
        ["--config", await write("flag.json", { ...good, runs: [{ ...runs[0], "fault-rat": 0.1 }] })],
        /fault-rat.*did you mean/,
      ],
      [
        "different seeds",
        ["--config", await write("seed.json", { ...good, runs: [runs[0], { ...runs[1], seed: 4 }] })],
        /same data, initialisation and seed/,
      ],
      [
        "impossible code",
        ["--config", await write("code.json", { ...good, runs: [{ ...runs[0], qr: 5 }] })],
        /runs\[0\]/,
      ],
      [
        "bad base value",
        ["--config", await write("lr.json", { ...good, base: { ...base, lr: -1 } })],
        /lr/,
      ],
    ];
    for (const [what, argv, message] of cases) {
      const out = join(dir, `out-${what.replace(/\W/g, "")}`);
      const r = await cli(["compare", ...argv, "--out", out, "--progress", "none"]);
      assert.equal(r.code, 2, `${what}: exit code ${r.code} (${r.err.join(" / ")})`);
      assert.equal(r.err.length, 1, `${what}: expected one line, got ${r.err.join(" / ")}`);
      assert.match(r.err[0], /^codenet compare: error: /, what);
      assert.match(r.err[0], message, what);
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, `${what}: ${out} was created`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task experiment: a name runs its file; an unknown name is a usage error listing the names", () => {
  const args = experimentArgs("demo", ["--progress", "plain"]);
  assert.equal(args[0], "compare");
  assert.equal(args[1], "--config");
  assert.ok(args[2].endsWith(join("experiments", "demo.json")), args[2]);
  assert.deepEqual(args.slice(3), ["--progress", "plain"]);
  assert.equal(experimentArgs("reference-synthetic", [])[0], "train", "a train --config file runs train");
  for (const name of ["demo.json", "dmeo", undefined]) {
    assert.throws(() => experimentArgs(name, []), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /available: .*demo, .*paper-small/);
      return true;
    });
  }
});
