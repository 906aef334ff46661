/**
 * `train --resume` in-process: a damaged checkpoint is skipped for the previous one (and the run
 * still ends as the uninterrupted one), no intact checkpoint or a finished run is refused, flags
 * that would change the run are refused; the checkpoint store keeps two checkpoints; a run that
 * would not fit in memory is refused with the estimate and the available memory.
 */
import { join } from "node:path";
import { UsageError } from "../lib/errors.ts";
import { decodeCheckpoint, encodeCheckpoint } from "../lib/train/checkpoint-file.ts";
import { CheckpointStore } from "../lib/train/checkpoint-store.ts";
import { checkMemory } from "../lib/train/memory-estimate.ts";
import { assert } from "./assert.ts";
import { configOf } from "./distributed_fixture.ts";
import { assertSameRun, cli } from "./resume_fixture.ts";

const RUN = [
  "train",
  "--strategy",
  "uncoded",
  "--workers",
  "1",
  "--dataset",
  "synthetic",
  "--layers",
  "784,16,10",
  "--train-samples",
  "200",
  "--test-samples",
  "100",
  "--batch",
  "8",
  "--lr",
  "0.1",
  "--epochs",
  "2",
  "--eval-every",
  "10",
  "--checkpoint-every",
  "7",
  "--seed",
  "9",
  "--progress",
  "none",
];

/** Flips one byte of a file in place. */
async function damage(path: string): Promise<void> {
  const bytes = await Deno.readFile(path);
  bytes[bytes.length - 3] ^= 0xff;
  await Deno.writeFile(path, bytes);
}

/** A finished run made resumable again: summary.json removed (as if killed just before it). */
async function finishedThenReopened(dir: string, argv: readonly string[] = RUN): Promise<void> {
  const r = await cli([...argv, "--out", dir]);
  assert.equal(r.code, 0, r.err.join("\n"));
  await Deno.remove(join(dir, "summary.json"));
}

/** CodeNet on 5 nodes with faults: 40 iterations, checkpoints every 5. */
const CODENET = [
  "train",
  "--strategy",
  "codenet",
  "--pr",
  "3",
  "--qr",
  "2",
  "--pc",
  "2",
  "--qc",
  "1",
  ...RUN.slice(5, RUN.indexOf("--checkpoint-every")),
  "--checkpoint-every",
  "5",
  "--fault-rate",
  "0.02",
  "--train-samples",
  "160",
  "--seed",
  "3",
  "--progress",
  "none",
];

for (const [label, argv] of [["centralized", RUN], ["codenet, 5 nodes, faults", CODENET]] as const) {
  Deno.test(`resume (${label}): a damaged last checkpoint is skipped for the previous one; the run ends the same`, async () => {
    const root = await Deno.makeTempDir();
    try {
      const reference = join(root, "reference");
      assert.equal((await cli([...argv, "--out", reference])).code, 0);
      const dir = join(root, "damaged");
      await finishedThenReopened(dir, argv);
      const store = new CheckpointStore(dir);
      await store.load();
      const [previous, last] = store.entries;
      await damage(join(dir, "checkpoints", last.file));
      const loaded = await new CheckpointStore(dir).load();
      assert.equal(loaded?.entry.iteration, previous.iteration);
      assert.deepEqual(loaded?.skipped, [`${last.file}: checksum mismatch`]);
      // metrics.csv holds the last row, later than that checkpoint: the resume drops it.
      const r = await cli(["train", "--resume", dir, "--progress", "none"]);
      assert.equal(r.code, 0, r.err.join("\n"));
      await assertSameRun(reference, dir);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}

Deno.test("resume: no intact checkpoint, a finished run, a folder without a run → exit 2, one line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "run");
    await finishedThenReopened(dir);
    const store = new CheckpointStore(dir);
    await store.load();
    for (const e of store.entries) await damage(join(dir, "checkpoints", e.file));
    const cases: [string, RegExp][] = [
      [dir, /cannot resume: no intact checkpoint in .*checksum mismatch.*; start a new run/],
      [join(root, "nothing"), /--resume .*nothing: no config.json there/],
    ];
    const finished = join(root, "finished");
    assert.equal((await cli([...RUN, "--out", finished])).code, 0);
    cases.push([finished, /the run already finished/]);
    for (const [folder, pattern] of cases) {
      const r = await cli(["train", "--resume", folder, "--progress", "none"]);
      assert.equal(r.code, 2, r.err.join("\n"));
      assert.equal(r.err.length, 1, r.err.join("\n"));
      assert.match(r.err[0], pattern);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("resume: flags that would change the run are refused (exit 2, naming them)", async () => {
  for (const extra of [["--lr", "0.5"], ["--seed", "2", "--epochs", "3"], ["--out", "elsewhere"]]) {
    const r = await cli(["train", "--resume", "somewhere", ...extra]);
    assert.equal(r.code, 2);
    assert.equal(r.err.length, 1);
    assert.match(r.err[0], /--resume continues somewhere with its own config.json; drop --/);
    assert.ok(r.err[0].includes(extra[0]), r.err[0]);
  }
  // --progress and --debug change nothing computed: accepted (the folder is then looked at).
  const r = await cli(["train", "--resume", "somewhere", "--progress", "plain", "--debug"]);
  assert.equal(r.code, 2);
  assert.match(r.err[0], /--resume somewhere: no config.json there/);
});

Deno.test("checkpoint store: keeps the last two, names them in the manifest; NaN survives the header", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new CheckpointStore(dir);
    for (const it of [5, 10, 15]) {
      await store.save(it, {
        header: { it, loss: NaN, inf: -Infinity },
        sections: [new Uint8Array([it, 1, 2])],
      });
    }
    const files = [];
    for await (const e of Deno.readDir(join(dir, "checkpoints"))) files.push(e.name);
    assert.deepEqual(files.sort(), ["checkpoint-00000010.bin", "checkpoint-00000015.bin", "manifest.json"]);
    const loaded = await new CheckpointStore(dir).load();
    assert.equal(loaded?.entry.iteration, 15);
    assert.deepEqual(loaded?.content.header, { it: 15, loss: NaN, inf: -Infinity });
    assert.deepEqual([...loaded!.content.sections[0]], [15, 1, 2]);
    assert.equal(await new CheckpointStore(join(dir, "none")).load(), undefined);
    const bytes = encodeCheckpoint({ header: {}, sections: [new Uint8Array(9)] });
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8)), /not a codenet checkpoint/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("memory estimate: an absurd layer width is refused with the estimate and the available memory", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const strategy of [["--strategy", "uncoded", "--workers", "1"], ["--strategy", "replication"]]) {
      const out = join(root, strategy[1]);
      const r = await cli([
        "train",
        ...strategy,
        "--dataset",
        "synthetic",
        "--layers",
        "784,300000000,10",
        "--train-samples",
        "200",
        "--test-samples",
        "100",
        "--progress",
        "none",
        "--out",
        out,
      ]);
      assert.equal(r.code, 2, r.err.join("\n"));
      assert.equal(r.err.length, 1);
      assert.match(
        r.err[0],
        /this run needs about [\d.]+ [TP]B of memory \(.*\) but only [\d.]+ [kMGT]?B is available/,
      );
      await assert.rejects(() => Deno.stat(join(out, "config.json")), Deno.errors.NotFound);
    }
    // A small run fits; a node beyond 4 GiB is refused even with memory to spare.
    checkMemory(configOf(["--layers", "784,32,10"]), 2 ** 40);
    assert.throws(
      () => checkMemory(configOf(["--strategy", "replication", "--layers", "784,20000000,10"]), 2 ** 50),
      (e: unknown) =>
        e instanceof UsageError && /each node needs about [\d.]+ GB .*\(4 GiB\)/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
