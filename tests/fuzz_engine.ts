/**
 * The seeded fuzzer of the CLI and its loaders, shared by tests/fuzz_test.ts (a few hundred cases
 * in `deno task test`) and tests/fuzz.ts (`deno task fuzz`, ≥ 10,000 cases).
 *
 * Case families, all drawn from one seeded stream:
 * - `flags`: a valid argv of train, encode or attack, mutated (values replaced by malformed,
 *   negative, huge or empty ones, flags dropped, duplicated, misspelt, junk added), checked in
 *   check-only mode (the command validates everything and starts no work);
 * - `config`: a train config object, mutated as an object (unknown or misspelt keys, wrong types)
 *   and as text (bytes inserted, deleted, truncated), read with `train --config` (check-only);
 * - `fault-plan`: fault plans mutated likewise, read by `train --fault-plan` (check-only);
 * - `experiment`: the experiments/*.json files mutated, read by `readExperiment`;
 * - `idx`: random bytes and mutated valid IDX files, read by `readIdx` and `loadMnist`;
 * - `weights`: random bytes as `encode --weights` files (.f32, .f64, .json), check-only;
 * - `run`: small real runs of train (centralized), encode --out and attack --out with mutated
 *   flags, after which the results folder must hold no temporary or unparseable file.
 *
 * Outcomes: `ok` (exit 0 or accepted), `usage` (exit 2, one line, no stack trace), `diverged`
 * (train exit 1 with its one-line "training diverged" message: not bad input, a clear stop) and
 * the failures: `internal` (exit 1 otherwise, or a loader throwing something else than a
 * UsageError), `noisy` (exit 2 without exactly one clean line), `uncaught` (main threw) and
 * `partial` (a temporary or unparseable result file).
 *
 * @module
 */

import { parse as parseCsv } from "csv-parse/sync";
import { join } from "node:path";
import { reportError } from "../cli/main.ts";
import { readIdx } from "../datasets/idx-read.ts";
import { encodeIdx } from "../datasets/idx-write.ts";
import { loadMnist } from "../datasets/mnist.ts";
import { UsageError } from "../lib/errors.ts";
import { Rng } from "../lib/random/rng.ts";
import { readExperiment } from "../lib/train/experiment-config.ts";
import { hasStackTrace, runCli } from "./cli_capture.ts";

/** How a case ended. */
export type Outcome = "ok" | "usage" | "diverged" | "internal" | "noisy" | "uncaught" | "partial";
/** Outcomes that are failures of the toolkit. */
export const FAILURES: readonly Outcome[] = ["internal", "noisy", "uncaught", "partial"];

/** One case's record. */
export interface CaseRecord {
  readonly index: number;
  readonly family: string;
  readonly outcome: Outcome;
  /** What was run (argv or loader and file), for reproducing a failure. */
  readonly what: string;
  /** The message (first line) or the failure's details. */
  readonly detail: string;
  readonly ms: number;
}

/** Totals of a fuzz run. */
export interface FuzzReport {
  readonly cases: number;
  readonly byOutcome: Record<Outcome, number>;
  readonly byFamily: Record<string, Record<string, number>>;
  readonly failures: CaseRecord[];
  readonly slowest: CaseRecord;
}

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Every how many cases one is a real (small) run; default 25. */
  readonly runEvery?: number;
  /** Called after each case (progress). */
  readonly onCase?: (record: CaseRecord) => void;
}

const TRAIN_BASE = [
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
  "48",
  "--test-samples",
  "24",
  "--batch",
  "8",
  "--lr",
  "0.05",
  "--progress",
  "none",
];
const CODENET_BASE = ["train", "--dataset", "synthetic", "--layers", "784,40,10", "--progress", "none"];
const ENCODE_BASE = ["encode", "--rows", "40", "--cols", "30", "--samples", "40"];
const ATTACK_BASE = [
  "attack",
  "--rows",
  "40",
  "--cols",
  "30",
  "--trials",
  "3",
  "--errors",
  "0..1",
  "--progress",
  "none",
  "--json",
];

/** Flags of each command with plausible values (to add or to replace with). */
const FLAG_VALUES: Record<string, Record<string, string[]>> = {
  train: {
    strategy: ["codenet", "replication", "uncoded", "codnet"],
    workers: ["1", "40", "0", "7"],
    code: ["grid", "polydot", "abft"],
    layers: ["784,8,10", "784,40,10", "784,4,4,10", "784,10", "10,10", "784,0,10", "784,1..3,10"],
    lr: ["0.05", "1e-3", "10", "1e6", "0", "-1"],
    batch: ["1", "8", "48", "49", "0"],
    epochs: ["1", "2", "0"],
    "eval-every": ["0", "3", "-1"],
    rounds: ["0", "2", "3"],
    "round-samples": ["8", "16", "100"],
    seed: ["0", "1", "7", "-3", "99999999999999999999"],
    dtype: ["float32", "float64", "float16"],
    init: ["he", "glorot", "xavier"],
    normalize: ["255", "128", "256"],
    pr: ["7", "5", "3", "100000"],
    qr: ["5", "2", "70"],
    pc: ["6", "4", "2"],
    qc: ["4", "1", "5"],
    m: ["2", "1", "3"],
    n: ["2", "1", "4"],
    p: ["12", "7", "5", "5000"],
    r: ["2", "3", "1", "4"],
    "grid-rows": ["5", "1", "100"],
    "grid-cols": ["8", "1", "100"],
    decoder: ["probabilistic", "adversarial"],
    transport: ["workers", "mpi", "tcp"],
    "fault-rate": ["0", "3e-4", "1", "1.5", "-0.1"],
    "fault-density": ["0.005", "1", "0", "2"],
    "fault-sites": ["stored", "all", "stored,product", "nowhere", ""],
    "checkpoint-every": ["1", "100", "0"],
    timeout: ["120", "0.5", "0", "-1"],
    "comm-latency": ["1e-5", "0", "-1"],
    "comm-bandwidth": ["1e9", "0"],
    "train-samples": ["48", "16", "1", "0", "2000000"],
    "test-samples": ["24", "1", "0", "2000000"],
    name: ["run", "my run", ".hidden", "a/b", ""],
    dataset: ["synthetic", "mnist", "cifar"],
  },
  encode: {
    code: ["grid", "polydot", "replication", "abft", "uncoded", "gird"],
    pr: ["7", "5", "3", "100000"],
    qr: ["5", "1", "2", "70"],
    pc: ["6", "2", "3"],
    qc: ["4", "1", "5"],
    generator: ["gaussian", "chebyshev", "cauchy", "x"],
    m: ["2", "1", "3"],
    n: ["2", "1", "5"],
    p: ["12", "7", "4", "9000"],
    r: ["2", "3", "1", "0"],
    checksums: ["1", "2", "3"],
    rows: ["40", "1", "7", "0", "100000"],
    cols: ["30", "1", "9", "-3"],
    dtype: ["float32", "float64", "int8"],
    seed: ["1", "0", "-1"],
    samples: ["40", "1", "0"],
    json: [],
  },
  attack: {
    code: ["grid", "polydot", "replication", "abft", "uncoded"],
    pr: ["7", "6", "3"],
    qr: ["5", "1", "8"],
    pc: ["6", "5"],
    qc: ["4", "3", "7"],
    r: ["2", "3"],
    rows: ["40", "12", "1", "0"],
    cols: ["30", "8", "2"],
    length: ["5", "1", "0"],
    stage: ["forward", "backward", "both", "sideways"],
    mode: ["probabilistic", "adversarial", "optimistic"],
    dtype: ["float32", "float64"],
    datasets: ["4", "1", "0", "1001"],
    "tolerance-scale": ["1", "10", "0"],
    model: ["additive", "bitflip", "nan", "inf", "zero", "in-span", "colluding", "crash", "mercurial", "x"],
    density: ["0.1", "1", "0", "2"],
    amplitude: ["5", "1e-9", "0", "-2"],
    bits: ["3", "0,1", "31", "63", "64", "1,1"],
    "bit-class": ["exponent", "mantissa", "sign", "any", "x"],
    flips: ["1", "2", "0", "40"],
    "scale-percent": ["10", "0", "-5"],
    probability: ["0.1", "1", "2"],
    inner: ["additive", "bitflip", "mercurial", "crash"],
    errors: ["0..1", "0", "2", "0..40", "3..1"],
    rate: ["0.1", "0,1", "2"],
    erasures: ["0", "1", "3", "-1"],
    schedule: ["transient", "permanent", "intermittent", "sometimes"],
    sequence: ["2", "1", "0"],
    activity: ["0.5", "0", "1.5"],
    trials: ["3", "1", "0"],
    "trial-budget": ["1", "0"],
    seed: ["1", "0", "7"],
  },
};

/** Values that no flag accepts, or only at the edge. */
const NASTY = [
  "",
  " ",
  "abc",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "-1e999",
  "0x10",
  "1_000",
  "1,,2",
  ",",
  "1..",
  "..",
  "-0",
  "+5",
  ".5",
  "5.",
  "1e-400",
  "9007199254740993",
  "-9007199254740993",
  "true",
  "null",
  "[1,2]",
  "{}",
  "--",
  "-",
  "ä",
  "\u0000",
  "💥",
  "0..100001",
  "1.5",
  "-2",
];

/** Draws an element (undefined from an empty list). */
function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[items.length === 0 ? 0 : rng.int(items.length)];
}

/** A random short string of printable and odd characters. */
function junk(rng: Rng): string {
  const alphabet = 'abcxyz019-_.,:{}[]"\\ é\u0000\n\t';
  let s = "";
  const n = rng.int(8);
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** A misspelling of `word` (one edit). */
function misspell(rng: Rng, word: string): string {
  const i = rng.int(word.length + 1);
  switch (rng.int(3)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + "x" + word.slice(i);
    default:
      return word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2);
  }
}

/** Indices of the `--flag` tokens of an argv (after the command name). */
function flagPositions(argv: string[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < argv.length; i++) if (argv[i].startsWith("--")) out.push(i);
  return out;
}

/** A value for `flag` of `command`: usually plausible, sometimes nasty. */
function valueFor(rng: Rng, command: string, flag: string): string {
  const plausible = FLAG_VALUES[command]?.[flag] ?? [];
  if (plausible.length > 0 && rng.next() < 0.7) return pick(rng, plausible);
  return rng.next() < 0.8 ? pick(rng, NASTY) : junk(rng);
}

/** Applies 1–4 random mutations to an argv. */
function mutateArgv(rng: Rng, base: readonly string[]): string[] {
  const argv = [...base];
  const command = argv[0];
  const flags = Object.keys(FLAG_VALUES[command] ?? {});
  const count = 1 + rng.int(4);
  for (let k = 0; k < count; k++) {
    const positions = flagPositions(argv);
    switch (rng.int(8)) {
      case 0: { // replace a value
        const at = pick(rng, positions);
        if (at !== undefined && at + 1 < argv.length && !argv[at + 1].startsWith("--")) {
          argv[at + 1] = valueFor(rng, command, argv[at].slice(2));
        }
        break;
      }
      case 1: // drop a flag and its value
      {
        const at = pick(rng, positions);
        if (at !== undefined) {
          const hasValue = at + 1 < argv.length && !argv[at + 1].startsWith("--");
          argv.splice(at, hasValue ? 2 : 1);
        }
        break;
      }
      case 2:
      case 3: { // add a known flag with a value
        if (flags.length === 0) break;
        const f = pick(rng, flags);
        const values = FLAG_VALUES[command][f];
        if (values.length === 0) argv.push(`--${f}`);
        else if (rng.next() < 0.15) argv.push(`--${f}=${valueFor(rng, command, f)}`);
        else argv.push(`--${f}`, valueFor(rng, command, f));
        break;
      }
      case 4: { // misspell a flag
        const at = pick(rng, positions);
        if (at !== undefined) argv[at] = `--${misspell(rng, argv[at].slice(2))}`;
        break;
      }
      case 5: // junk token
        argv.splice(1 + rng.int(argv.length), 0, rng.next() < 0.5 ? junk(rng) : `-${junk(rng)}`);
        break;
      case 6: { // a value-less flag at the end
        if (flags.length > 0) argv.push(`--${pick(rng, flags)}`);
        break;
      }
      default: { // the value of one flag given to another
        const at = pick(rng, positions);
        if (at !== undefined && flags.length > 0) argv[at] = `--${pick(rng, flags)}`;
      }
    }
  }
  return argv;
}

/** Mutates a text by a few byte-level edits (insert, delete, swap, truncate). */
function mutateText(rng: Rng, text: string): string {
  let t = text;
  const count = 1 + rng.int(3);
  for (let k = 0; k < count; k++) {
    const i = rng.int(t.length + 1);
    switch (rng.int(4)) {
      case 0:
        t = t.slice(0, i) + pick(rng, ["{", "}", "[", "]", ",", ":", '"', "-", "1", "e", " ", "\n", "//"]) +
          t.slice(i);
        break;
      case 1:
        t = t.slice(0, i) + t.slice(i + 1 + rng.int(3));
        break;
      case 2:
        t = t.slice(0, i);
        break;
      default: {
        const j = rng.int(t.length + 1);
        t = t.slice(0, Math.min(i, j)) + t.slice(Math.max(i, j)) + t.slice(Math.min(i, j), Math.max(i, j));
      }
    }
  }
  return t;
}

/** A random JSON value (shallow). */
function randomJson(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 1 ? 5 : 7)) {
    case 0:
      return rng.next() < 0.5 ? rng.int(100) : rng.uniform(-1e3, 1e3);
    case 1:
      return pick(rng, [0, -1, 1e308, -0, 0.5, 2 ** 53 + 2]);
    case 2:
      return junk(rng);
    case 3:
      return rng.next() < 0.5;
    case 4:
      return null;
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(3) }, () => [junk(rng), randomJson(rng, depth + 1)]),
      );
  }
}

/** Mutates a JSON object as an object: keys renamed, values replaced by other types, keys added. */
function mutateObject(
  rng: Rng,
  obj: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  const count = 1 + rng.int(3);
  for (let k = 0; k < count; k++) {
    const existing = Object.keys(out);
    switch (rng.int(4)) {
      case 0: {
        const key = pick(rng, existing);
        if (key !== undefined) {
          out[misspell(rng, key)] = out[key];
          delete out[key];
        }
        break;
      }
      case 1: {
        const key = pick(rng, existing);
        if (key !== undefined) out[key] = randomJson(rng);
        break;
      }
      case 2:
        if (keys.length > 0) out[pick(rng, keys)] = randomJson(rng);
        break;
      default: {
        const key = pick(rng, existing);
        if (key !== undefined) delete out[key];
      }
    }
  }
  return out;
}

/** Object form of an argv (`--lr 0.1` → `{"lr": 0.1}`), numbers as numbers, lists as arrays. */
function argvToConfig(argv: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 1; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const key = argv[i].slice(2);
    const raw = argv[i + 1];
    if (key === "progress") {
      i++;
      continue;
    }
    if (raw === undefined || raw.startsWith("--")) out[key] = true;
    else {
      out[key] = /^-?[\d.e+-]+$/.test(raw) && Number.isFinite(Number(raw))
        ? Number(raw)
        : raw.includes(",")
        ? raw.split(",").map(Number)
        : raw;
      i++;
    }
  }
  return out;
}

const PLAN_ENTRY = { iteration: 1, layer: 0, phase: "forward", node: 3, site: "stored" };
const PLAN_KEYS = [...Object.keys(PLAN_ENTRY), "model", "density"];

/** A valid IDX file (small), for mutation. */
function validIdx(rng: Rng): Uint8Array {
  const dims = Array.from({ length: 1 + rng.int(3) }, () => 1 + rng.int(5));
  const count = dims.reduce((a, b) => a * b, 1);
  return encodeIdx({ type: "uint8", dims, data: new Uint8Array(count).map(() => rng.int(256)) });
}

/** Random bytes, or a valid IDX file with a few bytes changed, cut or added. */
function idxBytes(rng: Rng): Uint8Array {
  if (rng.next() < 0.15) return validIdx(rng);
  if (rng.next() < 0.3) return new Uint8Array(rng.int(64)).map(() => rng.int(256));
  const bytes = [...validIdx(rng)];
  const edits = 1 + rng.int(3);
  for (let k = 0; k < edits; k++) {
    const i = rng.int(Math.max(1, Math.min(bytes.length, 16)));
    switch (rng.int(4)) {
      case 0:
        bytes[i] = rng.int(256);
        break;
      case 1:
        bytes.length = rng.int(bytes.length + 1);
        break;
      case 2:
        bytes.push(...Array.from({ length: 1 + rng.int(4) }, () => rng.int(256)));
        break;
      default:
        bytes[3] = rng.int(256);
    }
  }
  return new Uint8Array(bytes);
}

/** Classifies a CLI result. */
function classifyCli(code: number, out: string[], err: string[]): { outcome: Outcome; detail: string } {
  const text = err.join("\n");
  if (code === 0) return { outcome: "ok", detail: out[0] ?? "" };
  if (code === 2) {
    const clean = err.length === 1 && !text.includes("\n") && !hasStackTrace(text) &&
      /^codenet( \w+)?: error: \S/.test(text);
    return { outcome: clean ? "usage" : "noisy", detail: text.slice(0, 300) };
  }
  if (code === 1 && /training diverged/.test(text) && !hasStackTrace(text)) {
    return { outcome: "diverged", detail: text.split("\n").find((l) => /diverged/.test(l)) ?? text };
  }
  return { outcome: "internal", detail: `exit ${code}: ${text.slice(0, 400)}` };
}

/** Classifies what a loader did (returned, or threw `error`). */
function classifyLoader(error: unknown): { outcome: Outcome; detail: string } {
  if (error === undefined) return { outcome: "ok", detail: "" };
  if (error instanceof UsageError) {
    const err: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => err.push(a.join(" "));
    try {
      reportError(error, "train", false);
    } finally {
      console.error = original;
    }
    return err.length === 1 && !err[0].includes("\n")
      ? { outcome: "usage", detail: err[0] }
      : { outcome: "noisy", detail: err.join("\n") };
  }
  const e = error as Error;
  return { outcome: "internal", detail: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}`.slice(0, 600) };
}

/** Checks a results folder: no temporary files, every JSON/JSONL/CSV file parses. */
async function checkResults(dir: string): Promise<string | undefined> {
  let entries: Deno.DirEntry[];
  try {
    entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (/\.tmp|~$|\.partial/.test(e.name)) return `temporary file left: ${e.name}`;
    if (!e.isFile) continue;
    const text = await Deno.readTextFile(path).catch(() => "");
    try {
      if (e.name.endsWith(".json")) JSON.parse(text);
      else if (e.name.endsWith(".jsonl")) {
        for (const l of text.split("\n")) {
          if (l !== "") JSON.parse(l);
          else if (e.name.endsWith(".csv")) parseCsv(text, { columns: true });
        }
      }
    } catch (err) {
      return `${e.name} does not parse: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** Folder of files the cases write into. */
interface Scratch {
  readonly dir: string;
  readonly experiments: { name: string; text: string }[];
}

async function runCase(rng: Rng, index: number, family: string, scratch: Scratch) {
  const file = (name: string) => join(scratch.dir, `${index}-${name}`);
  switch (family) {
    case "flags": {
      const base = pick(rng, [TRAIN_BASE, CODENET_BASE, ENCODE_BASE, ATTACK_BASE]);
      const argv = mutateArgv(rng, base);
      const r = await runCli(argv, { checkOnly: true });
      return { what: JSON.stringify(argv), ...classifyCli(r.code, r.out, r.err) };
    }
    case "config": {
      const base = rng.next() < 0.5 ? TRAIN_BASE : CODENET_BASE;
      let obj = argvToConfig(mutateArgv(rng, base));
      if (rng.next() < 0.6) obj = mutateObject(rng, obj, Object.keys(FLAG_VALUES.train));
      let text = JSON.stringify(obj, null, rng.next() < 0.5 ? 2 : undefined);
      if (rng.next() < 0.4) text = mutateText(rng, text);
      const path = file("config.json");
      await Deno.writeTextFile(path, text);
      const argv = ["train", "--config", path, "--progress", "none"];
      const r = await runCli(argv, { checkOnly: true });
      return {
        what: `${JSON.stringify(argv)} with ${JSON.stringify(text).slice(0, 300)}`,
        ...classifyCli(r.code, r.out, r.err),
      };
    }
    case "fault-plan": {
      let entries: unknown[] = Array.from(
        { length: 1 + rng.int(3) },
        () =>
          rng.next() < 0.7
            ? mutateObject(rng, rng.next() < 0.5 ? PLAN_ENTRY : { ...PLAN_ENTRY, model: "nan" }, PLAN_KEYS)
            : randomJson(rng),
      );
      if (rng.next() < 0.1) entries = [{ ...PLAN_ENTRY }];
      let text = JSON.stringify(rng.next() < 0.1 ? randomJson(rng) : entries);
      if (rng.next() < 0.3) text = mutateText(rng, text);
      const path = file("plan.json");
      await Deno.writeTextFile(path, text);
      const argv = [...CODENET_BASE, "--fault-plan", path];
      const r = await runCli(argv, { checkOnly: true });
      return {
        what: `fault plan ${JSON.stringify(text).slice(0, 300)}`,
        ...classifyCli(r.code, r.out, r.err),
      };
    }
    case "experiment": {
      const source = pick(rng, scratch.experiments);
      let text = source.text;
      if (rng.next() < 0.1) {
        // unchanged: the loader must accept it
      } else if (rng.next() < 0.5) {
        const obj = JSON.parse(text) as Record<string, unknown>;
        const mutated = mutateObject(rng, obj, ["purpose", "name", "base", "runs", "attack", "model"]);
        if (Array.isArray(mutated.runs) && mutated.runs.length > 0 && rng.next() < 0.6) {
          const i = rng.int(mutated.runs.length);
          const runs = [...mutated.runs];
          runs[i] = typeof runs[i] === "object" && runs[i] !== null
            ? mutateObject(rng, runs[i] as Record<string, unknown>, Object.keys(FLAG_VALUES.train))
            : randomJson(rng);
          mutated.runs = runs;
        }
        text = JSON.stringify(mutated);
      } else text = mutateText(rng, text);
      const path = file("experiment.json");
      await Deno.writeTextFile(path, text);
      const error = await Promise.resolve().then(() => readExperiment(path)).then(() => undefined, (e) => e);
      return { what: `readExperiment(mutated ${source.name})`, ...classifyLoader(error) };
    }
    case "idx": {
      const bytes = idxBytes(rng);
      if (rng.next() < 0.3) {
        const dir = file("mnist");
        await Deno.mkdir(dir);
        await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte"), bytes);
        await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), idxBytes(rng));
        const error = await loadMnist("test", dir).then(() => undefined, (e) => e);
        return { what: `loadMnist with ${bytes.length} image bytes`, ...classifyLoader(error) };
      }
      const path = file("data.idx");
      await Deno.writeFile(path, bytes);
      const error = await readIdx(path).then(() => undefined, (e) => e);
      return {
        what: `readIdx of [${[...bytes.subarray(0, 24)].join(",")}…] (${bytes.length} bytes)`,
        ...classifyLoader(error),
      };
    }
    case "weights": {
      const ext = pick(rng, [".f32", ".f64", ".json"]);
      const rows = 1 + rng.int(4);
      const cols = 1 + rng.int(4);
      const path = file(`w${ext}`);
      if (ext === ".json") {
        const good = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
        const text = rng.next() < 0.5
          ? mutateText(rng, JSON.stringify(good))
          : JSON.stringify(randomJson(rng));
        await Deno.writeTextFile(path, text);
      } else {
        const size = ext === ".f32" ? 4 : 8;
        const n = rng.next() < 0.5 ? rows * cols * size : rng.int(80);
        await Deno.writeFile(path, new Uint8Array(n).map(() => rng.int(256)));
      }
      const argv = [
        "encode",
        "--code",
        "replication",
        "--qr",
        "1",
        "--qc",
        "1",
        "--rows",
        String(rows),
        "--cols",
        String(cols),
        "--weights",
        path,
      ];
      const r = await runCli(argv, { checkOnly: true });
      return { what: JSON.stringify(argv), ...classifyCli(r.code, r.out, r.err) };
    }
    default: { // "run": a real, small run, then its results folder is checked
      const out = file("out");
      const kind = rng.int(3);
      const base = kind === 0 ? TRAIN_BASE : kind === 1 ? [...ENCODE_BASE, "--json"] : ATTACK_BASE;
      const argv = realRunMutation(rng, base);
      argv.push("--out", out);
      const r = await runCli(argv);
      const result = classifyCli(r.code, r.out, r.err);
      const bad = await checkResults(out);
      if (bad !== undefined) {
        return { what: JSON.stringify(argv), outcome: "partial" as Outcome, detail: bad };
      }
      return { what: JSON.stringify(argv), ...result };
    }
  }
}

/** Safe mutations for real runs: only flags whose values keep the run small. */
function realRunMutation(rng: Rng, base: readonly string[]): string[] {
  const argv = [...base];
  const command = argv[0];
  const safe: Record<string, string[]> = command === "train"
    ? {
      lr: ["0.05", "0.5", "1e4", "0", "abc"],
      seed: ["0", "3", "11"],
      dtype: ["float32", "float64"],
      init: ["he", "glorot"],
      normalize: ["255", "128"],
      batch: ["1", "8", "48", "49"],
      epochs: ["1", "2"],
      "eval-every": ["0", "2"],
      layers: ["784,8,10", "784,6,5,10", "784,10", "784,8,9"],
      name: ["x", "bad name"],
    }
    : command === "encode"
    ? {
      code: ["grid", "polydot", "replication", "abft", "uncoded"],
      generator: ["gaussian", "chebyshev", "cauchy"],
      dtype: ["float32", "float64"],
      seed: ["1", "2"],
      rows: ["40", "3", "12"],
      cols: ["30", "5"],
    }
    : {
      model: ["additive", "bitflip", "nan", "inf", "zero", "in-span", "colluding", "crash", "scale"],
      stage: ["forward", "backward", "both"],
      mode: ["probabilistic", "adversarial"],
      dtype: ["float32", "float64"],
      schedule: ["transient", "permanent", "intermittent"],
      sequence: ["2", "1"],
      erasures: ["0", "1"],
      errors: ["0..1", "2", "0..3"],
      seed: ["1", "5"],
      code: ["grid", "replication", "abft"],
    };
  const keys = Object.keys(safe);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const f = pick(rng, keys);
    const at = argv.indexOf(`--${f}`);
    const v = pick(rng, safe[f]);
    if (at >= 0) argv[at + 1] = v;
    else argv.push(`--${f}`, v);
  }
  return argv;
}

const FAMILIES = [
  "flags",
  "flags",
  "flags",
  "config",
  "config",
  "fault-plan",
  "experiment",
  "idx",
  "idx",
  "weights",
];

/** Runs the fuzzer; see the module documentation. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { seed, cases, runEvery = 25 } = options;
  const dir = await Deno.makeTempDir({ prefix: "codenet-fuzz-" });
  const cwd = Deno.cwd();
  const experiments: { name: string; text: string }[] = [];
  for await (const e of Deno.readDir(new URL("../experiments/", import.meta.url))) {
    if (e.name.endsWith(".json")) {
      experiments.push({
        name: e.name,
        text: await Deno.readTextFile(new URL(`../experiments/${e.name}`, import.meta.url)),
      });
    }
  }
  experiments.sort((a, b) => a.name.localeCompare(b.name));
  const byOutcome = Object.fromEntries(
    ["ok", "usage", "diverged", "internal", "noisy", "uncaught", "partial"].map((o) => [o, 0]),
  ) as Record<Outcome, number>;
  const byFamily: Record<string, Record<string, number>> = {};
  const failures: CaseRecord[] = [];
  let slowest: CaseRecord | undefined;
  try {
    // Runs without --out would write under results/ of the working folder: keep them in the temp folder.
    Deno.chdir(dir);
    for (let i = 0; i < cases; i++) {
      const rng = Rng.named(seed, `fuzz/${i}`);
      const family = runEvery > 0 && i % runEvery === runEvery - 1 ? "run" : pick(rng, FAMILIES);
      const t0 = performance.now();
      let r: { what: string; outcome: Outcome; detail: string };
      try {
        r = await runCase(rng, i, family, { dir, experiments });
      } catch (e) {
        r = { what: family, outcome: "uncaught", detail: `${(e as Error)?.stack ?? e}`.slice(0, 600) };
      }
      const record: CaseRecord = { index: i, family, ...r, ms: performance.now() - t0 };
      byOutcome[record.outcome]++;
      byFamily[family] ??= {};
      byFamily[family][record.outcome] = (byFamily[family][record.outcome] ?? 0) + 1;
      if (FAILURES.includes(record.outcome)) failures.push(record);
      if (slowest === undefined || record.ms > slowest.ms) slowest = record;
      options.onCase?.(record);
    }
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
  return { cases, byOutcome, byFamily, failures, slowest: slowest! };
}
