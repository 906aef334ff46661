/**
 * Every class of bad input, for every subcommand: unknown flags, malformed numbers, out-of-range
 * values, config files (invalid JSON with line:column, unknown keys with a suggestion, wrong
 * types), impossible code parameters, data files (missing, truncated, wrong magic, dimensions
 * against the size). Each must end with exit code 2 and exactly one line on stderr naming the
 * problem, no stack trace (unless --debug), and nothing written.
 */
import { join } from "node:path";
import { reportError } from "../cli/main.ts";
import { loadMnist } from "../datasets/mnist.ts";
import { encodeIdx } from "../datasets/idx-write.ts";
import { readIdx } from "../datasets/idx-read.ts";
import { readExperiment } from "../lib/train/experiment-config.ts";
import { readFaultPlan } from "../lib/faults/plan.ts";
import { assert } from "./assert.ts";
import { hasStackTrace, runCli } from "./cli_capture.ts";

/** A CLI case: argv (with `$DIR` standing for the fixture folder) and what the one line must say. */
interface CliCase {
  readonly name: string;
  readonly argv: readonly string[];
  readonly expect: RegExp;
}

/** A library case: a loader called directly, its error reported as the CLI would. */
interface LoaderCase {
  readonly name: string;
  readonly run: (dir: string) => Promise<unknown> | unknown;
  readonly expect: RegExp;
}

const TINY_TRAIN = [
  "train",
  "--strategy",
  "uncoded",
  "--workers",
  "1",
  "--dataset",
  "synthetic",
  "--layers",
  "784,8,10",
  "--train-samples",
  "64",
  "--test-samples",
  "32",
  "--progress",
  "none",
];
const CODENET = ["train", "--dataset", "synthetic", "--layers", "784,40,10", "--progress", "none"];

const CLI_CASES: readonly CliCase[] = [
  // unknown flags and commands
  { name: "unknown command", argv: ["trian"], expect: /unknown command "trian" \(did you mean train\?\)/ },
  {
    name: "train: unknown flag",
    argv: ["train", "--lrr", "0.1"],
    expect: /unknown flag --lrr \(did you mean --lr\?\)/,
  },
  {
    name: "encode: unknown flag",
    argv: ["encode", "--cod", "grid"],
    expect: /unknown flag --cod \(did you mean --code\?\)/,
  },
  {
    name: "attack: unknown flag",
    argv: ["attack", "--trails", "10"],
    expect: /unknown flag --trails \(did you mean --trials\?\)/,
  },
  { name: "train: positional argument", argv: ["train", "fast"], expect: /unexpected argument "fast"/ },
  { name: "train: flag without value", argv: ["train", "--lr"], expect: /--lr needs a value/ },
  { name: "encode: switch with a value", argv: ["encode", "--json=yes"], expect: /--json is a switch/ },
  // malformed numbers
  { name: "train: --lr abc", argv: ["train", "--lr", "abc"], expect: /--lr: expected a number, got "abc"/ },
  { name: "train: --lr 1e", argv: ["train", "--lr", "1e"], expect: /--lr: expected a number/ },
  { name: "train: --batch 1.5", argv: ["train", "--batch", "1.5"], expect: /--batch: expected an integer/ },
  {
    name: "train: --layers 784,a,10",
    argv: ["train", "--layers", "784,a,10"],
    expect: /--layers: expected comma/,
  },
  { name: "train: --seed 0x10", argv: ["train", "--seed", "0x10"], expect: /--seed: expected an integer/ },
  { name: "encode: --rows 12x", argv: ["encode", "--rows", "12x"], expect: /--rows: expected an integer/ },
  {
    name: "attack: --rate 0.1,,0.2",
    argv: ["attack", "--rate", "0.1,,0.2"],
    expect: /--rate: expected comma/,
  },
  {
    name: "attack: --trials Infinity",
    argv: ["attack", "--trials", "Infinity"],
    expect: /--trials: expected/,
  },
  // out-of-range values
  {
    name: "train: negative fault rate",
    argv: ["train", "--fault-rate", "-0.1"],
    expect: /--fault-rate: -0.1 is out of range, it must be ≥ 0/,
  },
  {
    name: "train: fault rate > 1",
    argv: ["train", "--fault-rate", "1.5"],
    expect: /--fault-rate: 1.5 is out of range, it must be ≤ 1/,
  },
  { name: "train: lr = 0", argv: ["train", "--lr", "0"], expect: /--lr: 0 is out of range, it must be > 0/ },
  {
    name: "train: lr < 0",
    argv: ["train", "--lr", "-1"],
    expect: /--lr: -1 is out of range, it must be > 0/,
  },
  {
    name: "train: layer width 0",
    argv: ["train", "--layers", "784,0,10"],
    expect: /--layers: 0 is out of range, it must be ≥ 1/,
  },
  {
    name: "train: negative width",
    argv: ["train", "--layers", "784,-5,10"],
    expect: /--layers: -5 is out of range/,
  },
  { name: "train: batch 0", argv: ["train", "--batch", "0"], expect: /--batch: 0 is out of range/ },
  {
    name: "train: fault density 0",
    argv: ["train", "--fault-density", "0"],
    expect: /--fault-density: 0 is out of range/,
  },
  { name: "train: timeout < 0", argv: ["train", "--timeout", "-3"], expect: /--timeout: -3 is out of range/ },
  { name: "encode: rows 0", argv: ["encode", "--rows", "0"], expect: /--rows: 0 is out of range/ },
  {
    name: "attack: rate > 1",
    argv: ["attack", "--rate", "2"],
    expect: /--rate: 2 is out of range, it must be ≤ 1/,
  },
  {
    name: "attack: negative rate",
    argv: ["attack", "--rate", "-0.5"],
    expect: /--rate: -0.5 is out of range/,
  },
  { name: "attack: density 0", argv: ["attack", "--density", "0"], expect: /--density: 0 is out of range/ },
  {
    name: "attack: probability > 1",
    argv: ["attack", "--probability", "1.01"],
    expect: /--probability: 1.01 is out of range/,
  },
  {
    name: "train: first width ≠ 784",
    argv: [...CODENET, "--layers", "100,40,10"],
    expect: /the first width must be 784/,
  },
  {
    name: "train: more train samples than exist",
    argv: ["train", "--train-samples", "70000", "--strategy", "uncoded", "--workers", "1"],
    expect: /--train-samples 70000: mnist has 60000/,
  },
  {
    name: "train: batch larger than the data",
    argv: [...TINY_TRAIN, "--batch", "65"],
    expect: /--batch 65 is larger than the 64 samples/,
  },
  {
    name: "train: bad run name",
    argv: [...TINY_TRAIN, "--name", "my run/1"],
    expect: /--name "my run\/1": use letters/,
  },
  // config files
  {
    name: "train: config with invalid JSON",
    argv: ["train", "--config", "$DIR/bad.json"],
    expect: /bad\.json:3:12: invalid JSON \(ValueExpected\)/,
  },
  {
    name: "train: config with a trailing comma",
    argv: ["train", "--config", "$DIR/trailing.json"],
    expect: /trailing\.json:1:13: invalid JSON/,
  },
  {
    name: "train: config unknown key",
    argv: ["train", "--config", "$DIR/typo.json"],
    expect: /typo\.json: unknown key "fault-rat" \(did you mean "fault-rate"\?\)/,
  },
  {
    name: "train: config wrong type (string for number)",
    argv: ["train", "--config", "$DIR/type.json"],
    expect: /type\.json: key "lr": expected a number, got "fast"/,
  },
  {
    name: "train: config wrong type (boolean for int)",
    argv: ["train", "--config", "$DIR/type2.json"],
    expect: /type2\.json: key "batch": expected an integer, got true/,
  },
  {
    name: "train: config wrong type (list)",
    argv: ["train", "--config", "$DIR/type3.json"],
    expect: /type3\.json: key "layers": expected comma-separated integers/,
  },
  {
    name: "train: config out of range",
    argv: ["train", "--config", "$DIR/range.json"],
    expect: /range\.json: key "fault-rate": 2 is out of range/,
  },
  {
    name: "train: config top level not an object",
    argv: ["train", "--config", "$DIR/array.json"],
    expect: /array\.json: the top level must be a JSON object/,
  },
  {
    name: "train: config CLI-only key",
    argv: ["train", "--config", "$DIR/cli-only.json"],
    expect: /cli-only\.json: unknown key "progress"/,
  },
  {
    name: "train: config file missing",
    argv: ["train", "--config", "$DIR/none.json"],
    expect: /none\.json: file not found/,
  },
  {
    name: "train: config is a folder",
    argv: ["train", "--config", "$DIR"],
    expect: /is a directory, expected a JSON file/,
  },
  {
    name: "train: config not UTF-8",
    argv: ["train", "--config", "$DIR/binary.json"],
    expect: /binary\.json(: not a UTF-8 text file|:\d+:\d+: invalid JSON)/,
  },
  {
    name: "encode: config unknown key",
    argv: ["encode", "--config", "$DIR/typo.json"],
    expect: /unknown flag --config/,
  },
  {
    name: "train: fault plan invalid JSON",
    argv: [...CODENET, "--fault-plan", "$DIR/bad.json"],
    expect: /bad\.json:3:12: invalid JSON/,
  },
  {
    name: "train: fault plan unknown key",
    argv: [...CODENET, "--fault-plan", "$DIR/plan-key.json"],
    expect: /plan-key\.json: fault 0: unknown key "iteraton" \(did you mean "iteration"\?\)/,
  },
  {
    name: "train: fault plan wrong type",
    argv: [...CODENET, "--fault-plan", "$DIR/plan-type.json"],
    expect: /plan-type\.json: fault 0: "layer" must be an integer in 0 … 1, got "0"/,
  },
  {
    name: "train: fault plan node out of range",
    argv: [...CODENET, "--fault-plan", "$DIR/plan-node.json"],
    expect: /plan-node\.json: fault 0: "node" must be an integer in 0 … 37, got 38/,
  },
  {
    name: "train: fault plan missing",
    argv: [...CODENET, "--fault-plan", "$DIR/none.json"],
    expect: /none\.json: file not found/,
  },
  {
    name: "attack: replay file missing",
    argv: ["attack", "--replay", "$DIR/none.jsonl"],
    expect: /--replay .*none\.jsonl: no such file or folder/,
  },
  {
    name: "attack: replay file garbage",
    argv: ["attack", "--replay", "$DIR/garbage.jsonl"],
    expect: /garbage\.jsonl/,
  },
  // code parameters that cannot work
  { name: "encode: Q = P", argv: ["encode", "--pr", "5", "--qr", "5"], expect: /Pr = 5 must exceed qr = 5/ },
  { name: "encode: q > P", argv: ["encode", "--pc", "3", "--qc", "4"], expect: /Pc = 3 must exceed qc = 4/ },
  {
    name: "encode: PolyDot P too small",
    argv: ["encode", "--code", "polydot", "--p", "5"],
    expect: /needs P > 6 nodes/,
  },
  {
    name: "encode: replication with 1 copy",
    argv: ["encode", "--code", "replication", "--r", "1"],
    expect: /replication/,
  },
  {
    name: "encode: too many nodes",
    argv: ["encode", "--pr", "100000000"],
    expect: /need \d+ nodes; at most 4096/,
  },
  {
    name: "encode: threshold too large",
    argv: ["encode", "--pr", "1000", "--qr", "999"],
    expect: /qr = 999 message blocks per stage; at most 64/,
  },
  {
    name: "encode: abft checksums 3",
    argv: ["encode", "--code", "abft", "--checksums", "3"],
    expect: /--checksums: 3 is out of range/,
  },
  {
    name: "encode: layer smaller than the grid",
    argv: ["encode", "--rows", "3", "--cols", "3"],
    expect: /a 3×3 matrix cannot be cut into qr = 5 row blocks/,
  },
  {
    name: "attack: Q = P",
    argv: ["attack", "--pr", "5", "--qr", "5", "--trials", "1"],
    expect: /Pr = 5 must exceed qr = 5/,
  },
  {
    name: "attack: flag of another model",
    argv: ["attack", "--model", "additive", "--bits", "3"],
    expect: /--bits does not apply to --model additive/,
  },
  {
    name: "attack: bit out of the word",
    argv: ["attack", "--model", "bitflip", "--dtype", "float32", "--bits", "40"],
    expect: /bit 40 is outside 0\.\.31/,
  },
  { name: "train: Q ≥ P", argv: [...CODENET, "--pr", "4", "--qr", "5"], expect: /Pr = 4 must exceed qr = 5/ },
  {
    name: "train: PolyDot P too small",
    argv: [...CODENET, "--code", "polydot", "--p", "6"],
    expect: /needs P > 6 nodes/,
  },
  {
    name: "train: grid cannot hold the layer",
    argv: [...CODENET, "--layers", "784,3,10"],
    expect: /--layers 784,3,10: layer 1 \(784 → 3\): a 3×784 matrix cannot be cut into qr = 5 row blocks/,
  },
  {
    name: "train: flag of another strategy",
    argv: [...TINY_TRAIN, "--pr", "7"],
    expect: /--pr is a flag of --strategy codenet, not of --strategy uncoded/,
  },
  {
    name: "train: flag of another code",
    argv: [...CODENET, "--code", "polydot", "--pr", "7"],
    expect: /--pr is a flag of --code grid, not of --code polydot/,
  },
  {
    name: "train: replication r = 4",
    argv: [...CODENET, "--strategy", "replication", "--r", "4"],
    expect: /--r: 4 is out of range, it must be ≤ 3/,
  },
  {
    name: "train: uncoded workers ≠ grid",
    argv: [...CODENET, "--strategy", "uncoded", "--workers", "7"],
    expect: /--workers 7 does not match/,
  },
  {
    name: "train: too many uncoded nodes",
    argv: [...CODENET, "--strategy", "uncoded", "--grid-rows", "100", "--grid-cols", "100"],
    expect: /at most 4096/,
  },
  // data files
  {
    name: "encode: weights file missing",
    argv: ["encode", "--weights", "$DIR/none.f32", "--rows", "2", "--cols", "2", "--code", "replication"],
    expect: /--weights .*none\.f32: cannot read it/,
  },
  {
    name: "encode: weights truncated",
    argv: [
      "encode",
      "--weights",
      "$DIR/w.f32",
      "--rows",
      "4",
      "--cols",
      "4",
      "--code",
      "replication",
      "--qr",
      "1",
      "--qc",
      "1",
    ],
    expect: /w\.f32: 60 bytes, but --rows 4 × --cols 4 float32 needs 64/,
  },
  {
    name: "encode: weights wrong extension",
    argv: ["encode", "--weights", "$DIR/w.bin"],
    expect: /use a \.json, \.f32 or \.f64 file/,
  },
  {
    name: "encode: weights ragged JSON",
    argv: ["encode", "--weights", "$DIR/ragged.json"],
    expect: /equally long rows/,
  },
  {
    name: "encode: weights with NaN",
    argv: [
      "encode",
      "--weights",
      "$DIR/nan.f64",
      "--rows",
      "2",
      "--cols",
      "2",
      "--code",
      "replication",
      "--qr",
      "1",
      "--qc",
      "1",
    ],
    expect: /nan\.f64: entry \d+ is NaN/,
  },
];

/** An IDX image file of `count` 28×28 images. */
function mnistImages(count: number): Uint8Array {
  return encodeIdx({ type: "uint8", dims: [count, 28, 28], data: new Uint8Array(count * 784) });
}

const LOADER_CASES: readonly LoaderCase[] = [
  {
    name: "IDX: missing file",
    run: (d) => readIdx(join(d, "none-idx3-ubyte")),
    expect: /none-idx3-ubyte: file not found/,
  },
  {
    name: "IDX: truncated header",
    run: (d) => readIdx(join(d, "short.idx")),
    expect: /short\.idx: truncated IDX/,
  },
  {
    name: "IDX: wrong magic number",
    run: (d) => readIdx(join(d, "magic.idx")),
    expect: /magic\.idx: wrong magic number 0x504b0304/,
  },
  {
    name: "IDX: gzip-compressed",
    run: (d) => readIdx(join(d, "gz.idx")),
    expect: /gz\.idx: gzip-compressed; decompress it/,
  },
  {
    name: "IDX: unknown type code",
    run: (d) => readIdx(join(d, "type.idx")),
    expect: /type\.idx: unknown IDX data type code 0x07/,
  },
  {
    name: "IDX: dimensions larger than the file",
    run: (d) => readIdx(join(d, "trunc.idx")),
    expect: /trunc\.idx: truncated: dimensions 3×28×28 of uint8 need 2368 bytes, the file has 2000/,
  },
  {
    name: "IDX: trailing bytes",
    run: (d) => readIdx(join(d, "trail.idx")),
    expect: /trail\.idx: has trailing bytes/,
  },
  {
    name: "MNIST: missing folder",
    run: (d) => loadMnist("test", join(d, "nowhere")),
    expect: /t10k-images-idx3-ubyte: file not found/,
  },
  {
    name: "MNIST: wrong image count",
    run: (d) => loadMnist("test", join(d, "mnist")),
    expect: /expected 10000 images, found 3/,
  },
  {
    name: "experiment: invalid JSON",
    run: (d) => readExperiment(join(d, "bad.json")),
    expect: /bad\.json:3:12: invalid JSON/,
  },
  {
    name: "experiment: unknown top key",
    run: (d) => readExperiment(join(d, "exp-key.json")),
    expect: /exp-key\.json: unknown key "rnus" \(did you mean "runs"\?\)/,
  },
  {
    name: "experiment: unknown run key",
    run: (d) => readExperiment(join(d, "exp-run-key.json")),
    expect: /runs\[0\] \("a"\): unknown key "fault-rat" \(did you mean "fault-rate"\?\)/,
  },
  {
    name: "experiment: wrong type",
    run: (d) => readExperiment(join(d, "exp-type.json")),
    expect: /base: key "lr": expected a number, got "x"/,
  },
  {
    name: "experiment: impossible code",
    run: (d) => readExperiment(join(d, "exp-code.json")),
    expect: /Pr = 4 must exceed qr = 5/,
  },
  {
    name: "fault plan: not an array",
    run: (d) => readFaultPlan(join(d, "typo.json"), 38, 2),
    expect: /a fault plan is a JSON array/,
  },
];

async function writeFixtures(dir: string): Promise<void> {
  const text: Record<string, string> = {
    "bad.json": '{\n  "lr": 0.1,\n  "batch": }\n',
    "trailing.json": '{"lr": 0.1, }',
    "typo.json": '{"fault-rat": 0.001}',
    "type.json": '{"lr": "fast"}',
    "type2.json": '{"batch": true}',
    "type3.json": '{"layers": {"a": 1}}',
    "range.json": '{"fault-rate": 2}',
    "array.json": "[1, 2]",
    "cli-only.json": '{"progress": "none"}',
    "plan-key.json": '[{"iteraton": 1, "layer": 0, "phase": "forward", "node": 0, "site": "stored"}]',
    "plan-type.json": '[{"iteration": 1, "layer": "0", "phase": "forward", "node": 0, "site": "stored"}]',
    "plan-node.json": '[{"iteration": 1, "layer": 0, "phase": "forward", "node": 38, "site": "stored"}]',
    "garbage.jsonl": "this is not json\n",
    "ragged.json": "[[1, 2], [3]]",
    "w.bin": "x",
    "exp-key.json": '{"purpose": "p", "name": "n", "rnus": []}',
    "exp-run-key.json":
      '{"purpose": "p", "name": "n", "runs": [{"label": "a", "strategy": "uncoded", "fault-rat": 0.1}]}',
    "exp-type.json": '{"purpose": "p", "name": "n", "base": {"lr": "x"}, "runs": [{"label": "a"}]}',
    "exp-code.json":
      '{"purpose": "p", "name": "n", "base": {"layers": [784, 40, 10]}, "runs": [{"label": "a", "pr": 4}]}',
  };
  for (const [name, t] of Object.entries(text)) await Deno.writeTextFile(join(dir, name), t);
  await Deno.writeFile(join(dir, "binary.json"), new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0xc3]));
  await Deno.writeFile(join(dir, "w.f32"), new Uint8Array(60));
  await Deno.writeFile(join(dir, "nan.f64"), new Uint8Array(new Float64Array([1, NaN, 2, 3]).buffer));
  await Deno.writeFile(join(dir, "short.idx"), new Uint8Array([0, 0]));
  await Deno.writeFile(join(dir, "magic.idx"), new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  await Deno.writeFile(join(dir, "gz.idx"), new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
  await Deno.writeFile(join(dir, "type.idx"), new Uint8Array([0, 0, 7, 1, 0, 0, 0, 1, 5]));
  await Deno.writeFile(join(dir, "trunc.idx"), mnistImages(3).subarray(0, 2000));
  await Deno.writeFile(join(dir, "trail.idx"), new Uint8Array([...mnistImages(1), 1, 2]));
  await Deno.mkdir(join(dir, "mnist"));
  await Deno.writeFile(join(dir, "mnist", "t10k-images-idx3-ubyte"), mnistImages(3));
  await Deno.writeFile(
    join(dir, "mnist", "t10k-labels-idx1-ubyte"),
    encodeIdx({ type: "uint8", dims: [3], data: new Uint8Array(3) }),
  );
}

/** Every entry of `dir` (recursively), for "nothing written" checks. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    out.push(e.name);
    if (e.isDirectory) out.push(...(await listing(join(dir, e.name))).map((n) => `${e.name}/${n}`));
  }
  return out.sort();
}

function checkOneLine(err: string[], expect: RegExp, label: string): void {
  const text = err.join("\n");
  assert.equal(text.split("\n").length, 1, `${label}: expected one line on stderr, got:\n${text}`);
  assert.ok(!hasStackTrace(text), `${label}: stack trace without --debug:\n${text}`);
  assert.match(text, /^codenet( \w+)?: error: /, label);
  assert.match(text, expect, label);
}

Deno.test("bad input on the command line: exit 2, one line naming the problem, nothing written", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-bad-input-" });
  const cwd = Deno.cwd();
  try {
    await writeFixtures(dir);
    const before = await listing(dir);
    // Runs that would start write under results/ of the working folder: make that the temp folder.
    Deno.chdir(dir);
    for (const c of CLI_CASES) {
      await t.step(c.name, async () => {
        const argv = c.argv.map((a) => a.replaceAll("$DIR", dir));
        const r = await runCli(argv);
        assert.equal(r.code, 2, `${c.name}: exit ${r.code}\n${r.err.join("\n")}`);
        assert.deepEqual(r.out, [], `${c.name}: printed on stdout`);
        checkOneLine(r.err, c.expect, c.name);
      });
    }
    assert.deepEqual(await listing(dir), before, "a refused command wrote something");
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad data and config files seen by the loaders: one-line errors with exit code 2", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-bad-files-" });
  try {
    await writeFixtures(dir);
    for (const c of LOADER_CASES) {
      await t.step(c.name, async () => {
        const error = await Promise.resolve().then(() => c.run(dir)).then(() => undefined, (e) => e);
        assert.ok(error !== undefined, `${c.name}: accepted`);
        const err: string[] = [];
        const original = console.error;
        console.error = (...a: unknown[]) => err.push(a.join(" "));
        let code: number;
        try {
          code = reportError(error, "train", false);
        } finally {
          console.error = original;
        }
        assert.equal(code, 2, `${c.name}: ${error}`);
        checkOneLine(err, c.expect, c.name);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--debug, anywhere on the line, adds the stack trace", async () => {
  for (const argv of [["train", "--lr", "0", "--debug"], ["--debug", "train", "--lr", "0"]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2);
    assert.match(r.err[0], /--lr: 0 is out of range/);
    assert.ok(hasStackTrace(r.err.join("\n")), r.err.join("\n"));
  }
});

Deno.test("check-only mode validates without running: exit 0 for good input, 2 for bad", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-check-only-" });
  try {
    const out = join(dir, "run");
    const good = await runCli([...TINY_TRAIN, "--out", out], { checkOnly: true });
    assert.equal(good.code, 0, good.err.join("\n"));
    assert.deepEqual([...good.out, ...good.err], []);
    assert.deepEqual(await listing(dir), [], "check-only created files");
    assert.equal((await runCli(["encode", "--code", "polydot"], { checkOnly: true })).code, 0);
    assert.equal((await runCli(["attack", "--trials", "5"], { checkOnly: true })).code, 0);
    const bad = await runCli([...CODENET, "--pr", "3", "--qr", "5"], { checkOnly: true });
    assert.equal(bad.code, 2);
    assert.match(bad.err[0], /Pr = 3 must exceed qr = 5/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
