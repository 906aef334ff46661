import { parse } from "csv-parse/sync";
import { join } from "node:path";
import { UsageError } from "../lib/errors.ts";
import { configFileObject } from "../lib/results/config-json.ts";
import { codeVersion, collectEnvironment } from "../lib/results/environment.ts";
import { MetricsCsv } from "../lib/results/metrics-csv.ts";
import { formatDuration, Progress } from "../lib/results/progress.ts";
import { createRunDirectory, utcStamp } from "../lib/results/run-directory.ts";
import { trainSchema } from "../lib/train/config.ts";
import { assert } from "./assert.ts";

async function withTempDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run directory: results/<name>-<UTC time>, a suffix when taken, --out must not hold a run", async () => {
  await withTempDir(async (root) => {
    const time = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    assert.equal(utcStamp(time), "20250102T030405Z");
    const a = await createRunDirectory({ name: "uncoded", root, time });
    const b = await createRunDirectory({ name: "uncoded", root, time });
    assert.equal(a, join(root, "uncoded-20250102T030405Z"));
    assert.equal(b, join(root, "uncoded-20250102T030405Z-2"));
    const out = join(root, "mine", "deep");
    assert.equal(await createRunDirectory({ name: "x", out }), out);
    await Deno.writeTextFile(join(out, "summary.json"), "{}");
    await assert.rejects(
      () => createRunDirectory({ name: "x", out }),
      /already holds a run \(summary\.json\)/,
    );
    await assert.rejects(() => createRunDirectory({ name: "../up", root }), UsageError);
    await Deno.writeTextFile(join(root, "file"), "");
    await assert.rejects(
      () => createRunDirectory({ name: "x", out: join(root, "file") }),
      /cannot create results folder/,
    );
  });
});

Deno.test("metrics.csv: rewritten atomically at each row, parses back with csv-parse, extra columns appended", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "metrics.csv");
    const csv = new MetricsCsv(path);
    await csv.append({ iteration: 0, epoch: 0, test_loss: 2.302585092994046, test_accuracy: 0.1 });
    let rows = parse(await Deno.readTextFile(path), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].iteration, "0");
    assert.equal(rows[0].train_loss, "");
    assert.equal(Number(rows[0].test_loss), 2.302585092994046);
    await csv.append({ iteration: 50, epoch: 0.5, train_loss: 1.25, test_accuracy: 0.5, faults_injected: 3 });
    rows = parse(await Deno.readTextFile(path), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2);
    assert.equal(rows[1].faults_injected, "3");
    assert.equal(rows[0].faults_injected, "");
    assert.equal(Object.keys(rows[0])[0], "iteration");
    assert.equal(Object.keys(rows[0]).at(-1), "faults_injected");
    // No temporary file is left behind.
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["metrics.csv"]);
  });
});

Deno.test("config.json object: flag names, no command-line-only or unset keys, omissions honoured", () => {
  const values = {
    ...Object.fromEntries(Object.entries(trainSchema).map(([k, s]) => [k, s.default])),
    config: "x.json",
    trainSamples: 100,
  } as Parameters<typeof configFileObject<typeof trainSchema>>[1];
  const obj = configFileObject(trainSchema, values, ["faultRate"]);
  assert.equal(obj["train-samples"], 100);
  assert.ok(!("config" in obj) && !("progress" in obj) && !("out" in obj) && !("fault-rate" in obj));
  assert.deepEqual(obj.layers, [784, 256, 256, 10]);
});

Deno.test("env.json: versions, code version from git, CPU, memory, seed", async () => {
  const env = await collectEnvironment(7, "naive", new Date(0));
  assert.equal(env.seed, 7);
  assert.equal(env.time, "1970-01-01T00:00:00.000Z");
  assert.equal(env.deno, Deno.version.deno);
  assert.ok(env.cpu.cores !== null && env.cpu.cores >= 1);
  assert.ok(env.memory_bytes !== null && env.memory_bytes > 0);
  const code = await codeVersion();
  assert.deepEqual(env.code, code);
  const checkout = await Deno.lstat(new URL("../.git", import.meta.url)).then(() => true, () => false);
  if (checkout) {
    // From a git checkout, with --allow-run (deno task test grants it), the commit is known.
    assert.match(code.commit ?? "", /^[0-9a-f]{40}$/);
    assert.equal(typeof code.dirty, "boolean");
  } else {
    assert.equal(code.commit, null);
    assert.ok(code.note);
  }
});

Deno.test("progress: redrawn line on a terminal, throttled plain lines otherwise, nothing with none", () => {
  let clock = 0;
  const capture = (mode: "auto" | "line" | "plain" | "none", terminal: boolean) => {
    const out: string[] = [];
    const p = new Progress(mode, { write: (t) => out.push(t), terminal, now: () => clock, plainSeconds: 10 });
    return { p, out };
  };
  clock = 0;
  const line = capture("auto", true);
  assert.equal(line.p.mode, "line");
  line.p.update({ done: 1, total: 10 });
  clock = 50;
  line.p.update({ done: 2, total: 10 }); // throttled (< 100 ms)
  clock = 1000;
  line.p.update({ done: 5, total: 10, label: "loss 0.5" });
  line.p.note("evaluated");
  line.p.update({ done: 10, total: 10 });
  line.p.done();
  assert.equal(line.out.length, 5);
  assert.ok(line.out[0].startsWith("\r\x1b[K1/10 (10%)"));
  assert.ok(line.out[1].endsWith("5/10 (50%)  4.0 it/s  eta 1s  loss 0.5"), line.out[1]);
  assert.equal(line.out[2], "\r\x1b[Kevaluated\n");
  assert.equal(line.out[4], "\n");

  clock = 0;
  const plain = capture("auto", false);
  assert.equal(plain.p.mode, "plain");
  for (let t = 1; t <= 100; t++) {
    clock = 250 * t;
    plain.p.update({ done: t, total: 100 });
  }
  // One line per 10 s over 25 s, plus the final one; every line ends with a newline, no redraws.
  assert.equal(plain.out.length, 3);
  assert.ok(plain.out.every((l) => l.endsWith("\n") && !l.includes("\r")));

  const none = capture("none", true);
  none.p.update({ done: 10, total: 10 });
  none.p.note("x");
  none.p.done();
  assert.equal(none.out.length, 0);
  assert.deepEqual([5, 65, 3725].map(formatDuration), ["5s", "1m05s", "1h02m"]);
});
