/**
 * The wasm kernels' `syndromeMargin` (the decoder's quick clean test) against its JS reference,
 * bit for bit: one and two parity rows, 1 to 10 symbols, float32 and float64, lengths with every
 * tail, exact zeros and −0, zero thresholds, NaN and ±Infinity, symbols in the kernels' memory
 * and in plain arrays. Then a decoder built with the kernel against the default one.
 */

import { MdsDecoder } from "../lib/codes/decoder.ts";
import { gridCode } from "../lib/codes/grid.ts";
import type { StageCode } from "../lib/codes/stage.ts";
import { Rng } from "../lib/random/rng.ts";
import type { DType } from "../lib/tensor/matrix.ts";
import {
  jsQuickMargin,
  type QuickMargin,
  quickMargin1,
  quickMargin2,
} from "../lib/tensor/naive-quick-margin.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModuleBytes } from "../lib/tensor/wasm/assemble.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { instantiateWasmKernels, type WasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert } from "./assert.ts";
import type { Alloc } from "./tensor_cases.ts";
import {
  addDenseError,
  encodeSymbols,
  logUniform,
  outputs,
  randomMessages,
  storedTolerance,
} from "./codes_fixtures.ts";

/** A value whose magnitude spans many decades, so that the sums' roundings matter. */
function spread(rng: Rng): number {
  return rng.normal() * logUniform(rng, 1e-6, 1e6);
}

/**
 * One random case: n symbols of `len` entries (plus a random slack) and r parity rows. Some
 * entries are zero in every symbol (zero syndromes) or −0; small-integer cases give exact zero
 * syndromes from cancellation; thresholds may be zero (inv = Infinity) or infinite (inv = 0).
 */
function randomCase(rng: Rng, alloc: Alloc, dtype: DType) {
  const n = 1 + rng.int(10);
  const r = 1 + rng.int(2);
  const len = rng.int(72);
  const integers = rng.bernoulli(0.25);
  const h = Float64Array.from({ length: r * n }, () => integers ? rng.int(5) - 2 : rng.normal());
  const ys = Array.from({ length: n }, () => {
    const y = alloc(len + rng.int(3), dtype);
    for (let l = 0; l < y.length; l++) y[l] = integers ? rng.int(7) - 3 : spread(rng);
    return y;
  });
  for (let l = 0; l < len; l++) {
    if (rng.bernoulli(0.1)) { for (const y of ys) y[l] = rng.bernoulli(0.5) ? -0 : 0; }
    else if (rng.bernoulli(0.05)) ys[rng.int(n)][l] = -0;
  }
  const inv = () => {
    const u = rng.next();
    return u < 0.15 ? Infinity : u < 0.2 ? 0 : logUniform(rng, 1e-3, 1e3);
  };
  return { n, r, len, h, ys, inv0: inv(), inv1: inv() };
}

/**
 * Compares the kernel with the references on `trials` random cases; returns how many margins were
 * finite and > 0.
 */
function check(k: WasmKernels, seed: number, trials: number, special: boolean): number {
  const rng = Rng.named(seed, "quick-margin");
  const inArena: Alloc = (length, d) => k.vector(length, d);
  const plain: Alloc = (length, d) => (d === "float32" ? new Float32Array(length) : new Float64Array(length));
  const reference = jsQuickMargin();
  let informative = 0;
  for (let t = 0; t < trials; t++) {
    const dtype: DType = rng.bernoulli(0.5) ? "float32" : "float64";
    const alloc = rng.bernoulli(0.85) ? inArena : plain;
    const c = randomCase(rng, alloc, dtype);
    if (special && c.len > 0) {
      const values = [NaN, Infinity, -Infinity];
      c.ys[rng.int(c.n)][rng.int(c.len)] = values[rng.int(3)];
    }
    const { n, r, len, h, ys, inv0, inv1 } = c;
    const want = reference(ys, n, h, inv0, inv1, r, len);
    const plainWant = r === 1 ? quickMargin1(ys, n, h, inv0, len) : quickMargin2(ys, n, h, inv0, inv1, len);
    const got = k.syndromeMargin(ys, n, h, inv0, inv1, r, len);
    const what = `trial ${t}: ${dtype} n=${n} r=${r} len=${len} inv=${inv0},${inv1}${
      alloc === plain ? " (plain arrays)" : ""
    }`;
    assert.ok(Object.is(want, plainWant), `${what}: unrolled reference ${want} ≠ ${plainWant}`);
    assert.ok(Object.is(got, want), `${what}: kernel ${got} ≠ reference ${want}`);
    if (Number.isFinite(want) && want > 0) informative++;
  }
  return informative;
}

const kernels = await createWasmKernels();

Deno.test("wasm syndromeMargin matches the JS quick margin bit for bit", () => {
  const informative = check(kernels, 61, 600, false);
  // Most cases must have a positive finite margin, or the comparison would prove little.
  assert.ok(informative > 300, `only ${informative} informative cases`);
});

Deno.test("wasm syndromeMargin matches the JS quick margin with NaN and ±Infinity in a symbol", () => {
  check(kernels, 62, 300, true);
});

Deno.test("wasm syndromeMargin of the module without relaxed SIMD matches the JS quick margin", async () => {
  const bytes = await kernelModuleBytes(false);
  const plain = instantiateWasmKernels(
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>),
    createSharedMemory(),
  );
  check(plain, 63, 200, false);
  check(plain, 64, 100, true);
});

Deno.test("syndromeMargin: hand-made cases (zero syndromes, zero thresholds, non-finite scores)", () => {
  for (const margin of [jsQuickMargin(), kernels.syndromeMargin]) {
    for (const dtype of ["float32", "float64"] as const) {
      const sym = (values: number[]) => {
        const y = kernels.vector(values.length, dtype);
        y.set(values);
        return y;
      };
      // y0 + y1 − y2 = 0 on the first 5 entries, 3 on the sixth (a tail entry for both widths).
      const ys = [sym([1, 2, 0, -0, 4, 1]), sym([1, -2, 0, 0, 4, 1]), sym([2, 0, -0, 0, 8, -1])];
      const h = Float64Array.of(1, 1, -1, 0.5, 0, 0);
      assert.equal(margin(ys, 3, h, 2, 0, 1, 5), 0, `${dtype}: consistent`);
      assert.equal(margin(ys, 3, h, Infinity, 1, 1, 5), 0, `${dtype}: zero threshold, zero syndromes`);
      assert.equal(
        margin(ys, 3, h, Infinity, Infinity, 2, 5),
        Infinity,
        `${dtype}: zero threshold, second row`,
      );
      assert.equal(margin(ys, 3, h, 2, 1, 2, 6), 6, `${dtype}: |3|·2 beats |2|·1`);
      assert.equal(margin(ys, 3, h, 2, 100, 2, 6), 200, `${dtype}: the second row`);
      assert.equal(
        margin(ys, 3, h, Infinity, 0, 1, 6),
        Infinity,
        `${dtype}: zero threshold, non-zero syndrome`,
      );
      // An infinite threshold (inv = 0) scores a finite syndrome 0.
      assert.equal(margin(ys, 3, h, 0, 0, 2, 6), 0, `${dtype}: infinite thresholds`);
      ys[1][2] = Infinity;
      assert.equal(margin(ys, 3, h, 1, 1, 1, 6), Infinity, `${dtype}: an infinite symbol entry`);
      assert.ok(Number.isNaN(margin(ys, 3, h, 0, 1, 1, 6)), `${dtype}: Infinity · inv 0`);
      assert.ok(Number.isNaN(margin(ys, 3, h, 1, 1, 2, 6)), `${dtype}: Infinity · coefficient 0`);
      ys[1][2] = NaN;
      assert.ok(Number.isNaN(margin(ys, 3, h, 1, 1, 2, 6)), `${dtype}: a NaN symbol entry`);
      assert.equal(margin(ys, 3, h, 1, 1, 2, 0), 0, `${dtype}: no entries`);
      assert.throws(() => margin(ys, 3, h, 1, 1, 3, 6), RangeError);
      assert.throws(() => margin(ys, 3, h, 1, 1, 2, 7), RangeError);
      assert.throws(() => margin(ys, 4, h, 1, 1, 1, 6), RangeError);
    }
  }
});

/** Decodes with the default (JS) and the wasm quick margin; both must agree in everything. */
function compareDecoders(stage: StageCode, dtype: DType, rng: Rng, corrupted: number): string {
  const length = 1 + rng.int(120);
  const messages = randomMessages(rng, stage.Q, length, logUniform(rng, 1e-3, 1e3));
  const symbols = encodeSymbols(stage, messages, dtype).map((y) => {
    const v = kernels.vector(y.length, dtype);
    v.set(y);
    return v;
  });
  // Small errors are masked (the quick test passes), large ones are located by the full test.
  for (const p of rng.sample(stage.P, corrupted)) addDenseError(rng, symbols[p], logUniform(rng, 1e-9, 1e1));
  const tol = storedTolerance(stage, messages, dtype);
  const decode = (quickMargin?: QuickMargin) => {
    const out = outputs(stage.Q, length);
    const dec = new MdsDecoder(stage.generator, { length, quickMargin });
    return { r: dec.decode(symbols, null, tol, out), out };
  };
  const js = decode();
  let calls = 0;
  const wasm = decode((...args) => {
    calls++;
    return kernels.syndromeMargin(...args);
  });
  const what = `${stage.name} (${stage.P},${stage.Q}) ${dtype} length ${length}, ${corrupted} corrupted`;
  assert.deepEqual(wasm.r, js.r, what);
  assert.deepEqual(wasm.out, js.out, what);
  assert.ok(calls > 0, `${what}: the quick test never ran`);
  return wasm.r.verdict;
}

Deno.test("a decoder with the wasm quick margin gives the default decoder's results and outputs", () => {
  const grid = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 });
  const rng = Rng.named(65, "quick-margin-decoder");
  const verdicts: Record<string, number> = {};
  for (const stage of [grid.forward, grid.backward]) {
    for (const dtype of ["float32", "float64"] as const) {
      for (let t = 0; t < 18; t++) {
        const v = compareDecoders(stage, dtype, rng, t % 3);
        verdicts[v] = (verdicts[v] ?? 0) + 1;
      }
    }
  }
  // Both paths were taken: accepted by the quick test (clean, or masked errors) and located.
  assert.ok(verdicts.clean >= 20 && verdicts.corrected >= 5, JSON.stringify(verdicts));
});
