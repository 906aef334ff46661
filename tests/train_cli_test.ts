import { parse } from "csv-parse/sync";
import { join } from "node:path";
import { METRICS_COLUMNS } from "../lib/results/metrics-csv.ts";
import { assert } from "./assert.ts";
import { runCli as cli } from "./cli_capture.ts";

const SMALL = [
  "train",
  "--strategy",
  "uncoded",
  "--workers",
  "1",
  "--dataset",
  "synthetic",
  "--layers",
  "784,24,10",
  "--train-samples",
  "600",
  "--test-samples",
  "300",
  "--batch",
  "8",
  "--lr",
  "0.1",
  "--progress",
  "none",
];

Deno.test("train CLI on synthetic data: exit 0, run files complete and consistent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "run");
    const r = await cli([...SMALL, "--epochs", "2", "--eval-every", "40", "--seed", "5", "--out", out]);
    assert.equal(r.code, 0, r.err.join("\n"));
    assert.equal(r.out[0], `results: ${out}`);
    const names = [];
    for await (const e of Deno.readDir(out)) names.push(e.name);
    assert.deepEqual(names.sort(), ["checkpoints", "config.json", "env.json", "metrics.csv", "summary.json"]);

    const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
    assert.equal(config["train-samples"], 600);
    assert.equal(config.workers, 1);
    assert.equal(config.seed, 5);
    assert.ok(!("fault-rate" in config) && !("rounds" in config) && !("progress" in config));

    const env = JSON.parse(await Deno.readTextFile(join(out, "env.json")));
    assert.equal(env.seed, 5);
    assert.equal(env.kernels, "wasm");

    const rows = parse(await Deno.readTextFile(join(out, "metrics.csv")), { columns: true }) as Record<
      string,
      string
    >[];
    // 600 / 8 = 75 iterations per epoch, 150 in all: rows at 0, 40, 80, 120 and 150.
    assert.deepEqual(rows.map((r) => Number(r.iteration)), [0, 40, 80, 120, 150]);
    assert.deepEqual(Object.keys(rows[0]), [...METRICS_COLUMNS]);
    assert.equal(Number(rows[4].epoch), 2);
    assert.equal(Number(rows[4].samples), 1200);
    const accuracy = rows.map((r) => Number(r.test_accuracy));
    assert.ok(accuracy[0] < 0.25 && accuracy[4] > 0.4, `accuracy ${accuracy}`);

    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.status, "completed");
    assert.equal(summary.strategy, "uncoded");
    assert.equal(summary.nodes, 1);
    assert.equal(summary.iterations, 150);
    assert.equal(summary.final_test_accuracy, accuracy[4]);
    assert.equal(summary.final_train_loss, Number(rows[4].train_loss));
    assert.ok(summary.wall_seconds > 0 && summary.wall_seconds >= summary.train_seconds);

    // The same config and seed give the same numbers; config.json repeats the run.
    const again = join(dir, "again");
    const r2 = await cli([
      "train",
      "--config",
      join(out, "config.json"),
      "--out",
      again,
      "--progress",
      "none",
    ]);
    assert.equal(r2.code, 0, r2.err.join("\n"));
    const strip = (text: string) =>
      text.split("\n").map((l) => l.split(",").filter((_, i) => i !== 4 && i !== 5));
    assert.deepEqual(
      strip(await Deno.readTextFile(join(again, "metrics.csv"))),
      strip(await Deno.readTextFile(join(out, "metrics.csv"))),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train CLI: the authors' rounds schedule evaluates before training and after each round", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "rounds");
    const r = await cli([...SMALL, "--batch", "1", "--rounds", "3", "--round-samples", "20", "--out", out]);
    assert.equal(r.code, 0, r.err.join("\n"));
    const rows = parse(await Deno.readTextFile(join(out, "metrics.csv")), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(rows.map((row) => [Number(row.iteration), Number(row.round)]), [
      [0, 0],
      [20, 1],
      [40, 2],
      [
        60,
        3,
      ],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train CLI: --kernels ts and naive train the network the wasm kernels train", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const accuracy: number[] = [];
    for (const kernels of ["wasm", "ts", "naive"]) {
      const out = join(dir, kernels);
      const r = await cli([...SMALL, "--train-samples", "200", "--kernels", kernels, "--out", out]);
      assert.equal(r.code, 0, r.err.join("\n"));
      assert.equal(JSON.parse(await Deno.readTextFile(join(out, "env.json"))).kernels, kernels);
      assert.equal(JSON.parse(await Deno.readTextFile(join(out, "config.json"))).kernels, kernels);
      accuracy.push(JSON.parse(await Deno.readTextFile(join(out, "summary.json"))).final_test_accuracy);
    }
    assert.ok(Math.max(...accuracy) - Math.min(...accuracy) <= 0.01, `accuracies ${accuracy}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train CLI: a diverging run stops with exit 1 and status diverged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "nan");
    const r = await cli([...SMALL, "--lr", "1e30", "--out", out]);
    assert.equal(r.code, 1);
    assert.match(r.err.at(-1) ?? "", /diverged.*smaller --lr/);
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.status, "diverged");
    assert.ok(summary.iterations < 75);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train CLI: bad input exits 2 with one line and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const occupied = join(dir, "occupied");
    await Deno.mkdir(occupied);
    await Deno.writeTextFile(join(occupied, "config.json"), "{}");
    const out = join(dir, "never");
    const cases: [string[], RegExp][] = [
      [["--layers", "100,10"], /first width must be 784/],
      [["--layers", "784,32,7"], /last width must be 10/],
      [["--layers", "784"], /at least an input and an output width/],
      [["--rounds", "2", "--epochs", "3"], /--epochs conflicts with --rounds/],
      [["--rounds", "2", "--eval-every", "3"], /--eval-every conflicts with --rounds/],
      [["--round-samples", "30"], /--round-samples needs --rounds/],
      [["--strategy", "codenet"], /--workers is a flag of --strategy uncoded, not of --strategy codenet/],
      [["--pr", "9"], /--pr is a flag of --strategy codenet, not of --strategy uncoded/],
      [["--fault-rate", "0.01"], /does not apply to the centralized reference/],
      [["--workers", "4"], /--workers 4 does not match --grid-rows 5 × --grid-cols 8 = 40 nodes/],
      [
        ["--train-samples", "100", "--rounds", "2", "--round-samples", "60"],
        /less than --rounds × --round-samples/,
      ],
      [["--batch", "700"], /--batch 700 is larger than the 600 samples/],
      [["--dataset", "mnist", "--train-samples", "70000"], /mnist has 60000 training samples/],
      [["--lr=-1"], /--lr: -1 is out of range/],
      [["--lr", "0"], /--lr: 0 is out of range, it must be > 0/],
      [["--epochs", "two"], /--epochs: expected an integer/],
      [
        ["--resume", dir],
        /--resume continues .* with its own config.json; drop --out, .*--lr, --strategy, --workers/,
      ],
      [["--name", "a/b"], /--name "a\/b"/],
      [["--out", occupied], /already holds a run/],
      [["--bogus"], /unknown flag --bogus/],
      [["--kernels", "gpu"], /--kernels/],
      [["--workers", "40", "--kernels", "ts"], /--kernels applies to the centralized reference only/],
    ];
    for (const [extra, pattern] of cases) {
      const argv = [...SMALL, ...extra];
      if (!extra.includes("--out")) argv.push("--out", out);
      const r = await cli(argv);
      assert.equal(r.code, 2, `${extra.join(" ")}: exit ${r.code} ${r.err.join("|")}`);
      assert.equal(r.err.length, 1, `one line for ${extra.join(" ")}: ${r.err.join("|")}`);
      assert.match(r.err[0], pattern);
      assert.match(r.err[0], /^codenet train: error: /);
    }
    const codenet = await cli([
      "train",
      "--strategy",
      "codenet",
      "--qr",
      "7",
      "--progress",
      "none",
      "--out",
      out,
    ]);
    assert.equal(codenet.code, 2);
    assert.match(codenet.err[0], /Pr = 7 must exceed qr = 7/);
    const polydot = await cli([
      "train",
      "--strategy",
      "codenet",
      "--code",
      "polydot",
      "--m",
      "3",
      "--n",
      "3",
      "--p",
      "10",
      "--progress",
      "none",
      "--out",
      out,
    ]);
    assert.equal(polydot.code, 2);
    assert.match(polydot.err[0], /needs P > 15 nodes/);
    assert.ok(!(await exists(out)), "no results folder for refused runs");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
