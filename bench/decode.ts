/**
 * The decode section of the benchmark: what decoding costs next to the coded products, how many
 * standalone decode trials a campaign can run, the conditioning of the paper's generators, and the
 * classes of float32 bit flips.
 *
 * Goal (issue 3): decoding one stage of the authors' configuration (N = 10,000, P = 38 grid, so a
 * (7, 5) forward stage with symbols of 2,000 entries) costs ≤ 5 % of that stage's coded products,
 * the 38 block GEMVs of 2000 × 2500.
 *
 * Run alone: `deno run --allow-read --allow-env bench/decode.ts`; the bench runner calls
 * {@link benchDecode} (optionally with its fastest kernels).
 *
 * @module
 */

import type { BenchRow as HarnessRow, BenchSection } from "./harness.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { Rng } from "../lib/random/rng.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { abftCode } from "../lib/codes/abft.ts";
import { buildCleanSet, syndromeThresholds } from "../lib/codes/clean-set.ts";
import { MdsDecoder, systematicRows } from "../lib/codes/decoder.ts";
import { jsQuickMargin } from "../lib/tensor/naive-quick-margin.ts";
import type { WasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { gridCode } from "../lib/codes/grid.ts";
import { polyDotCode } from "../lib/codes/polydot.ts";
import type { StageCode } from "../lib/codes/stage.ts";
import { type DecodeTolerance, roundoffEpsilon } from "../lib/codes/tolerance.ts";

/** One printed result. */
export interface BenchRow {
  readonly section: "decode";
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

/** Options of {@link benchDecode}. */
export interface DecodeBenchOptions {
  /** Kernels for the product side (default: the naive reference). */
  readonly kernels?: Kernels;
  /** Fewer repetitions (for a smoke run). */
  readonly quick?: boolean;
}

/** Best (smallest) time in ms per call of `fn` over `runs` runs of `calls` calls. */
function bestTime(fn: () => void, calls: number, runs: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return best;
}

/** A stage's P float32 symbols for Gaussian messages, the message scale, and the message rows. */
function stageData(stage: StageCode, length: number, rng: Rng) {
  const messages = Array.from({ length: stage.Q }, () => Float64Array.from({ length }, () => rng.normal()));
  const exact = Array.from({ length: stage.P }, () => new Float64Array(length));
  stage.encode(messages, exact, length);
  let scale = 0;
  for (const m of messages) for (const v of m) scale = Math.max(scale, Math.abs(v));
  const tol = {
    scale,
    epsilon: roundoffEpsilon("float32", stage.Q, { accumulation: "float64", bound: "worst-case" }),
  };
  return { symbols: exact.map((y) => Float32Array.from(y)), tol, messages };
}

/** Flips `trials` random entries at each bit 31..0; the classes per bit, and the share of bits 20–31 corrected. */
function bitFlipClasses(
  stage: StageCode,
  symbols: Float32Array[],
  tol: DecodeTolerance,
  rng: Rng,
  trials: number,
) {
  const length = symbols[0].length;
  const dec = stage.decoder({ length });
  const out = Array.from({ length: stage.Q }, () => new Float64Array(length));
  const table: string[] = [];
  let high = 0;
  for (let bit = 31; bit >= 0; bit--) {
    const counts = { corrected: 0, mislocated: 0, masked: 0 };
    for (let k = 0; k < trials; k++) {
      const flipped = symbols.map((s) => s.slice());
      const p = rng.int(stage.P);
      new Uint32Array(flipped[p].buffer)[rng.int(length)] ^= 1 << bit;
      const r = dec.decode(flipped, null, tol, out);
      if (r.verdict === "corrected") counts[r.located[0] === p ? "corrected" : "mislocated"]++;
      else counts.masked++;
    }
    if (bit >= 20) high += counts.corrected / (12 * trials);
    table.push(`${bit}:${counts.corrected}/${counts.mislocated}/${counts.masked}`);
  }
  return { high, table: table.join(" ") };
}

/**
 * The decoder's quick clean test of one (7,5) float32 stage (all 7 symbols, two parity rows),
 * the JS reference against the wasm kernel, symbols in the kernels' memory as in the node program:
 * ms per call of each, and of a whole clean decode with either.
 */
function quickMarginTimes(
  stage: StageCode,
  length: number,
  wasm: WasmKernels,
  rng: Rng,
  calls: number,
  reps: number,
) {
  const { symbols, tol } = stageData(stage, length, rng);
  const placed = symbols.map((s) => {
    const v = wasm.vector(length, "float32");
    v.set(s);
    return v;
  });
  const members = Array.from({ length: stage.P }, (_, p) => p);
  const set = buildCleanSet(stage.generator, members, stage.wanted, systematicRows(stage.generator));
  const thr = new Float64Array(set.redundancy);
  syndromeThresholds(set, tol, thr);
  const n = stage.P;
  const r = set.redundancy;
  const [inv0, inv1] = [1 / thr[0], r === 2 ? 1 / thr[1] : 0];
  const js = jsQuickMargin();
  const want = js(placed, n, set.parity, inv0, inv1, r, length);
  const got = wasm.syndromeMargin(placed, n, set.parity, inv0, inv1, r, length);
  if (!Object.is(want, got)) throw new Error(`quick margin: wasm ${got} ≠ JS ${want}`);
  const jsTime = bestTime(() => js(placed, n, set.parity, inv0, inv1, r, length), calls, reps);
  const wasmTime = bestTime(
    () => wasm.syndromeMargin(placed, n, set.parity, inv0, inv1, r, length),
    calls,
    reps,
  );
  // The whole clean decode (quick test, then the systematic rows copied) with either.
  const out = Array.from({ length: stage.Q }, () => new Float32Array(length));
  const decoders = [undefined, wasm.syndromeMargin].map((quickMargin) =>
    new MdsDecoder(stage.generator, { length, quickMargin })
  );
  const [jsDecode, wasmDecode] = decoders.map((dec) => {
    const verdict = dec.decode(placed, null, tol, out).verdict;
    if (verdict !== "clean") throw new Error(`quick margin bench: a ${verdict} stage`);
    return bestTime(() => dec.decode(placed, null, tol, out), calls, reps);
  });
  return { jsTime, wasmTime, margin: want, jsDecode, wasmDecode };
}

/** The decode benchmark; prints its rows and returns them. */
export async function benchDecode(options: DecodeBenchOptions = {}): Promise<BenchRow[]> {
  const kernels = options.kernels ?? naiveKernels;
  const reps = options.quick ? 1 : 5;
  const rows: BenchRow[] = [];
  const add = (name: string, value: number, unit: string, note = "") => {
    rows.push({ section: "decode", name, value, unit, note });
    const shown = Math.abs(value) >= 100 || value === 0 ? value.toFixed(0) : value.toPrecision(3);
    console.log(`decode  ${name.padEnd(52)} ${shown.padStart(10)} ${unit.padEnd(8)} ${note}`);
  };
  const rng = Rng.named(1, "bench-decode");
  const grid = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });

  // Decoding the authors' stages: float32 symbols, clean (every step) and with one wrong symbol.
  const stageTimes: Record<string, number> = {};
  for (const [stage, length] of [[grid.forward, 2000], [grid.backward, 2500]] as const) {
    const { symbols, tol } = stageData(stage, length, rng);
    const dec = stage.decoder({ length });
    const out = Array.from({ length: stage.Q }, () => new Float32Array(length));
    const clean = bestTime(() => dec.decode(symbols, null, tol, out), options.quick ? 200 : 2000, reps);
    const bad = symbols.map((s) => s.slice());
    bad[2][length >> 1] += 1;
    const oneError = bestTime(() => dec.decode(bad, null, tol, out), options.quick ? 50 : 500, reps);
    const label = `(${stage.P},${stage.Q}) ${stage.name}, ${length} float32 entries`;
    add(`decode ${label}, clean`, clean * 1000, "µs");
    add(`decode ${label}, 1 error`, oneError * 1000, "µs", "located, decoded from the others");
    stageTimes[stage.name] = clean;
  }

  // The quick clean test alone (every node, every stage): JS reference vs the wasm kernel.
  {
    const wasm = await createWasmKernels();
    const length = 400;
    const own = Rng.named(1, "bench-quick-margin");
    const q = quickMarginTimes(grid.forward, length, wasm, own, options.quick ? 500 : 5000, reps);
    const label = `quick clean test (7,5) ${length} float32`;
    add(`${label}, JS`, q.jsTime * 1000, "µs", `margin ${q.margin.toPrecision(3)}`);
    add(`${label}, wasm`, q.wasmTime * 1000, "µs", "syndromeMargin, bit for bit the JS");
    add(`${label}, JS ÷ wasm`, q.jsTime / q.wasmTime, "×");
    const decodeLabel = `clean decode (7,5) ${length} float32`;
    add(`${decodeLabel}, JS quick test`, q.jsDecode * 1000, "µs", "symbols in the kernels' memory");
    add(`${decodeLabel}, wasm quick test`, q.wasmDecode * 1000, "µs", "as the node program decodes");
  }

  // The product side: one 2000 × 2500 float32 block GEMV, × 38 nodes.
  const a = kernels.matrix(2000, 2500, "float32");
  for (let i = 0; i < a.rows; i++) a.row(i).set(Float32Array.from({ length: 2500 }, () => rng.normal()));
  const x = kernels.vector(2500, "float32");
  x.set(Float32Array.from({ length: 2500 }, () => rng.normal()));
  const y = kernels.vector(2000, "float32");
  const gemv = bestTime(() => kernels.gemv(false, 1, a, x, 0, y), 1, options.quick ? 2 : 5);
  add(`block GEMV 2000×2500 float32 (${kernels.name} kernels)`, gemv, "ms");
  add(
    "forward decode ÷ the stage's 38 block GEMVs",
    (100 * stageTimes.forward) / (38 * gemv),
    "%",
    "goal ≤ 5 %",
  );
  add(
    "backward decode ÷ the stage's 38 block GEMVs",
    (100 * stageTimes.backward) / (38 * gemv),
    "%",
    "goal ≤ 5 %",
  );
  add(
    "forward decode ÷ one node's block GEMV",
    (100 * stageTimes.forward) / gemv,
    "%",
    "every node decodes once per stage",
  );

  // Standalone trials (what an attack campaign runs): encode, inject one error, decode.
  for (const length of [2000, 256]) {
    const stage = grid.forward;
    const data = stageData(stage, length, rng);
    const dec = stage.decoder({ length });
    const out = Array.from({ length: stage.Q }, () => new Float64Array(length));
    const symbols = Array.from({ length: stage.P }, () => new Float32Array(length));
    const exact = Array.from({ length: stage.P }, () => new Float64Array(length));
    let corrected = 0;
    let total = 0;
    const trials = options.quick ? 100 : 1000;
    const perTrial = bestTime(
      () => {
        stage.encode(data.messages, exact, length);
        exact.forEach((e, p) => symbols[p].set(e));
        symbols[rng.int(stage.P)][rng.int(length)] += rng.uniform(-5, 5);
        total++;
        if (dec.decode(symbols, null, data.tol, out).verdict === "corrected") corrected++;
      },
      trials,
      reps,
    );
    add(
      `trials/s (7,5) stage, ${length} entries, 1 U(−5,5) error`,
      1000 / perTrial,
      "trials/s",
      `${corrected} of ${total} corrected`,
    );
  }

  // Conditioning of the paper's generators (seed 1) and of the other codes' stages.
  const codes = [["grid (seed 1)", grid], ["polydot (2,2,12)", polyDotCode({ m: 2, n: 2, p: 12 })], [
    "abft (5,4)",
    abftCode({ qr: 5, qc: 4 }),
  ]] as const;
  for (const [label, code] of codes) {
    for (const stage of [code.forward, code.backward]) {
      const c = stage.conditioning();
      add(
        `worst κ₂ ${label} ${stage.name} (${stage.P},${stage.Q})`,
        c.value,
        "",
        `${c.exact ? "exact" : "sampled"}, ${c.subsets} subsets`,
      );
    }
  }

  // Float32 bit flips in the (7,5) stage: corrected / mislocated-within-bound / masked, per bit,
  // with the storage-only tolerance and with the training ones: sums of 10,000 products, whose
  // Σ|terms| (the scale) is about √10,000 times a typical output entry, accumulated in float64
  // (ε: two float32 roundings, block and symbol) or in float32 (ε: λ·√terms·u).
  const { symbols, tol } = stageData(grid.forward, 256, rng);
  const u32 = 2 ** -24;
  const scenarios = [
    ["storage tolerance", tol],
    [
      "training, float64 sums",
      {
        scale: 100 * tol.scale,
        epsilon: u32 + roundoffEpsilon("float32", 10_000, { accumulation: "float64", bound: "worst-case" }),
      },
    ],
    ["training, float32 sums", { scale: 100 * tol.scale, epsilon: u32 + roundoffEpsilon("float32", 10_000) }],
  ] as const;
  for (const [label, t] of scenarios) {
    const { high, table } = bitFlipClasses(grid.forward, symbols, t, rng, options.quick ? 20 : 200);
    add(
      `float32 flips of bits 20–31 corrected, ${label}`,
      100 * high,
      "%",
      "the rest masked: below the stated bound",
    );
    console.log(`decode    per bit (corrected/mislocated/masked): ${table}`);
  }
  return rows;
}

if (import.meta.main) {
  await benchDecode({ quick: Deno.args.includes("--quick") });
}

/**
 * The decode section of `deno task bench`: {@link benchDecode} with the fastest (wasm) kernels;
 * its rows print as they come, and the decode-to-product ratio is reported against its goal.
 */
export const decodeSection: BenchSection = {
  name: "decode",
  async run(report: (row: HarnessRow) => void): Promise<void> {
    const rows = await benchDecode({ kernels: await createWasmKernels() });
    for (const row of rows) {
      const isGoal = row.name.startsWith("forward decode ÷");
      report({
        name: row.name,
        value: row.value,
        unit: row.unit,
        ...(isGoal ? { goal: 5, lowerIsBetter: true } : {}),
      });
    }
  },
};
