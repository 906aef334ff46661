import { Rng } from "../lib/random/rng.ts";
import type { Float } from "../lib/tensor/matrix.ts";
import { type DecodeMode, MdsDecoder } from "../lib/codes/decoder.ts";
import { chebyshevVandermonde, systematicGenerator } from "../lib/codes/generators.ts";
import { gridCode } from "../lib/codes/grid.ts";
import { polyDotCode } from "../lib/codes/polydot.ts";
import { MdsStage, type StageCode } from "../lib/codes/stage.ts";
import { assert } from "./assert.ts";
import { relativeDifference } from "./assert.ts";
import {
  addDenseError,
  encodeSymbols,
  logUniform,
  outputs,
  randomMessages,
  storedTolerance,
} from "./codes_fixtures.ts";

/**
 * One trial: encode, decode clean, inject t dense errors (norms log-uniform in 1e-6..1e3 of the
 * symbol's norm), decode. Symbols have more entries (48) than there are errors, as real ones do
 * (thousands): the locator needs the errors to span t dimensions.
 */
function trial(stage: StageCode, t: number, mode: DecodeMode, rng: Rng, length = 48, erasures = 0) {
  const messages = randomMessages(rng, stage.Q, length, logUniform(rng, 1e-3, 1e3));
  const symbols = encodeSymbols(stage, messages, "float64");
  const tol = storedTolerance(stage, messages, "float64");
  const dec = stage.decoder({ length, mode, wanted: messages.map((_, i) => i) });
  const clean = outputs(stage.Q, length);
  const first = dec.decode(symbols, null, tol, clean);
  assert.equal(first.verdict, "clean", `clean decode of ${stage.name} (${stage.P},${stage.Q})`);
  const picked = rng.sample(stage.P, t + erasures);
  rng.shuffle(picked);
  const erased = new Uint8Array(stage.P);
  for (const p of picked.slice(0, erasures)) erased[p] = 1;
  const bad = picked.slice(erasures).sort((a, b) => a - b);
  for (const p of bad) addDenseError(rng, symbols[p], logUniform(rng, 1e-6, 1e3));
  // Erased symbols are garbage the decoder must not read.
  for (const p of picked.slice(0, erasures)) symbols[p].fill(NaN);
  const out = outputs(stage.Q, length);
  const r = dec.decode(symbols, erased, tol, out);
  let absolute = 0;
  out.forEach((o, i) => o.forEach((v, l) => (absolute = Math.max(absolute, Math.abs(v - clean[i][l])))));
  // "Silently wrong" = accepted yet off by more than 1e-9 and more than the decoder's stated bound.
  const wrong = r.verdict !== "uncorrectable" && relativeDifference(flat(out), flat(clean)) > 1e-9 &&
    !(absolute <= r.bound);
  return { r, bad, diff: relativeDifference(flat(out), flat(clean)), wrong };
}

function flat(rows: Float[]): Float64Array {
  const out = new Float64Array(rows.length * rows[0].length);
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
}

/** Every count of errors the mode corrects must be corrected exactly; one beyond must never pass silently. */
function checkStage(stage: StageCode, rng: Rng, trials: number, counts?: number[]): void {
  const r = stage.P - stage.Q;
  for (const mode of ["probabilistic", "adversarial"] as const) {
    const limit = mode === "probabilistic" ? r - 1 : Math.floor(r / 2);
    const ts = (counts ?? Array.from({ length: r + 1 }, (_, t) => t)).filter((t) => t <= limit || t === r);
    for (const t of ts) {
      for (let i = 0; i < trials; i++) {
        const { r: res, bad, diff, wrong } = trial(stage, t, mode, rng);
        const what = `${stage.name} (${stage.P},${stage.Q}) ${mode} t=${t}`;
        if (t <= limit) {
          assert.equal(res.verdict, t === 0 ? "clean" : "corrected", `${what}: ${res.reason}`);
          assert.deepEqual(res.located, bad, what);
          assert.ok(diff <= 1e-9, `${what}: decoded differs from the clean decode by ${diff}`);
        } else {
          assert.ok(!wrong, `${what}: silently wrong (${res.verdict}, ${diff}, bound ${res.bound})`);
        }
      }
    }
  }
}

Deno.test("the authors' (7,5) and (6,4) stages correct one error and detect two", () => {
  const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
  const rng = Rng.named(11, "decoder-test");
  checkStage(code.forward, rng, 40);
  checkStage(code.backward, rng, 40);
});

Deno.test("PolyDot stages (m,n) ∈ {(1,3),(2,2),(3,2)} decode within their bounds", () => {
  const rng = Rng.named(12, "decoder-test");
  for (const [m, n, p] of [[1, 3, 8], [2, 2, 12], [3, 2, 16]]) {
    const code = polyDotCode({ m, n, p });
    checkStage(code.forward, rng, 3);
    checkStage(code.backward, rng, 3);
  }
});

Deno.test("random (P, Q) codes with P ≤ 40 (Gaussian systematic, the authors' family), errors up to P − Q", () => {
  const rng = Rng.named(13, "decoder-test");
  for (let i = 0; i < 8; i++) {
    const p = 3 + rng.int(38);
    const q = 1 + rng.int(p - 1);
    const stage = new MdsStage(`gaussian#${i}`, systematicGenerator("gaussian", p, q, i, "test"));
    const r = p - q;
    checkStage(
      stage,
      rng,
      2,
      [...new Set([0, 1, 2, Math.floor(r / 2), r - 1, r])].filter((t) => t >= 0 && t <= r),
    );
  }
});

Deno.test("Chebyshev–Vandermonde and Cauchy generators: exact within bounds on small codes, never silently wrong on large", () => {
  const rng = Rng.named(17, "decoder-test");
  for (const kind of ["chebyshev", "cauchy"] as const) {
    for (const [p, q] of [[7, 5], [6, 4], [10, 4], [9, 6]]) {
      checkStage(new MdsStage(`${kind}(${p},${q})`, systematicGenerator(kind, p, q, 1, "test")), rng, 2);
    }
    // Large real Vandermonde-like codes are ill-conditioned: some corrections are refused, none is wrong.
    for (const [p, q] of [[30, 12], [27, 19], [40, 20]]) {
      const stage = new MdsStage(`${kind}(${p},${q})`, systematicGenerator(kind, p, q, 1, "test"));
      for (const t of [1, 2, Math.floor((p - q) / 2), p - q - 1, p - q]) {
        const { r, diff, wrong } = trial(stage, t, "probabilistic", rng);
        assert.ok(!wrong, `${stage.name} t=${t}: ${r.verdict}, ${diff}, bound ${r.bound}`);
      }
    }
  }
  // The plain (non-systematic) Chebyshev–Vandermonde generator decodes too.
  checkStage(new MdsStage("T_k(α_p)", chebyshevVandermonde(10, 5)), rng, 2);
});

Deno.test("erasures plus errors: e + t ≤ P − Q − 1 decodes; the bound shrinks with erasures", () => {
  const rng = Rng.named(14, "decoder-test");
  const stages = [
    new MdsStage("s", systematicGenerator("gaussian", 12, 5, 3, "erasures")),
    polyDotCode({ m: 2, n: 2, p: 12 }).forward,
    gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }).forward,
  ];
  for (const stage of stages) {
    const budget = stage.P - stage.Q - 1;
    for (let e = 0; e <= budget; e++) {
      for (let t = 0; t + e <= budget; t++) {
        const { r, bad, diff } = trial(stage, t, "probabilistic", rng, 48, e);
        assert.equal(r.verdict, t === 0 ? "clean" : "corrected", `e=${e} t=${t}: ${r.reason}`);
        assert.equal(r.erased, e);
        assert.deepEqual(r.located, bad);
        assert.ok(diff <= 1e-9, `e=${e} t=${t}: ${diff}`);
      }
      // One more error than the remaining redundancy allows is detected, never accepted wrong.
      const { r, wrong } = trial(stage, budget + 1 - e, "probabilistic", rng, 48, e);
      assert.ok(!wrong, `e=${e}: silently wrong (${r.verdict})`);
    }
  }
});

Deno.test("symbols holding NaN or Infinity are located directly; too few symbols is uncorrectable", () => {
  const stage = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }).forward;
  const rng = Rng.named(15, "decoder-test");
  const messages = randomMessages(rng, 5, 16);
  const tol = storedTolerance(stage, messages, "float64");
  const dec = stage.decoder({ length: 16 });
  for (const bad of [NaN, Infinity, -Infinity, 1e300]) {
    const symbols = encodeSymbols(stage, messages, "float64");
    symbols[3][7] = bad;
    const out = outputs(5, 16);
    const r = dec.decode(symbols, null, tol, out);
    assert.equal(r.verdict, "corrected", `${bad}`);
    assert.deepEqual(r.located, [3]);
    assert.ok(relativeDifference(out[3], messages[3]) < 1e-12);
  }
  const symbols = encodeSymbols(stage, messages, "float64");
  const r = dec.decode(symbols, [1, 1, 0, 0, 0, 0, 0], tol, outputs(5, 16));
  assert.equal(r.verdict, "uncorrectable");
  assert.match(r.reason, /no redundancy/);
});

Deno.test("decoding the systematic rows of clean float32 symbols copies them verbatim", () => {
  const stage = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }).forward;
  const rng = Rng.named(16, "decoder-test");
  const messages = randomMessages(rng, 5, 32);
  const symbols = encodeSymbols(stage, messages, "float32");
  const out = Array.from({ length: 5 }, () => new Float32Array(32));
  const r = stage.decoder({ length: 32 }).decode(
    symbols,
    null,
    storedTolerance(stage, messages, "float32"),
    out,
  );
  assert.equal(r.verdict, "clean");
  out.forEach((o, i) => assert.deepEqual(o, symbols[i]));
});

Deno.test("long symbols are swept in chunks: errors in any chunk, NaN in a late one, batch-sized symbols", () => {
  const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 });
  const rng = Rng.named(18, "decoder-test");
  const length = 3 * 4096 + 123;
  const messages = randomMessages(rng, 5, length);
  const tol = storedTolerance(code.forward, messages, "float32");
  const dec = code.forward.decoder({ length });
  const clean = encodeSymbols(code.forward, messages, "float32");
  for (
    const [symbol, entry, value] of [[0, 5, 0.5], [6, 4096 * 2 + 7, -3], [3, length - 1, NaN], [
      4,
      4096,
      1e-3,
    ]]
  ) {
    const symbols = clean.map((s) => s.slice());
    symbols[symbol][entry] = Number.isNaN(value) ? NaN : symbols[symbol][entry] + value;
    const out = outputs(5, length);
    const r = dec.decode(symbols, null, tol, out);
    assert.equal(r.verdict, "corrected", `symbol ${symbol} entry ${entry}: ${r.reason}`);
    assert.deepEqual(r.located, [symbol]);
    out.forEach((o, i) => assert.ok(relativeDifference(o, messages[i]) < 1e-6));
  }
});

Deno.test("adversarial: colluding errors (one entry, parts of one codeword) within ⌊(P − Q)/2⌋ are corrected", () => {
  const stage = new MdsStage("gaussian(12,4)", systematicGenerator("gaussian", 12, 4, 9, "collude"));
  const rng = Rng.named(19, "decoder-test");
  const dec = stage.decoder({ length: 16, mode: "adversarial" });
  for (let trial = 0; trial < 20; trial++) {
    const messages = randomMessages(rng, 4, 16);
    const symbols = encodeSymbols(stage, messages, "float64");
    // The adversary adds a codeword c' = G·m' on 4 symbols only, all in the same entry.
    const m = [0, 1, 2, 3].map(() => rng.normal() * 10);
    const support = rng.sample(12, 4);
    const entry = rng.int(16);
    for (const p of support) {
      let v = 0;
      for (let q = 0; q < 4; q++) v += stage.generator.get(p, q) * m[q];
      symbols[p][entry] += v;
    }
    const out = outputs(4, 16);
    const r = dec.decode(symbols, null, storedTolerance(stage, messages, "float64"), out);
    assert.equal(r.verdict, "corrected", r.reason);
    assert.deepEqual(r.located, support);
    out.forEach((o, i) => assert.ok(relativeDifference(o, messages[i]) < 1e-12));
  }
});

Deno.test("the one-pass clean test gives the full syndrome test's verdicts, margins and outputs", () => {
  const grid = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 });
  const stages: StageCode[] = [grid.forward, grid.backward, polyDotCode({ m: 2, n: 2, p: 12 }).forward];
  const rng = Rng.named(17, "decoder-quick");
  for (const stage of stages) {
    for (const dtype of ["float32", "float64"] as const) {
      for (let trialIndex = 0; trialIndex < 12; trialIndex++) {
        const length = 1 + rng.int(300);
        const messages = randomMessages(rng, stage.Q, length, logUniform(rng, 1e-3, 1e3));
        const symbols = encodeSymbols(stage, messages, dtype);
        // Clean, one error (small, masked, or large), two errors, or a zero message.
        const kind = trialIndex % 4;
        if (kind === 1) addDenseError(rng, symbols[rng.int(stage.P)], logUniform(rng, 1e-9, 1e2));
        if (kind === 2) {
          for (const p of rng.sample(stage.P, 2)) addDenseError(rng, symbols[p], logUniform(rng, 1e-6, 1e2));
        }
        if (kind === 3) symbols.forEach((s) => s.fill(0));
        const tol = storedTolerance(
          stage,
          kind === 3 ? randomMessages(rng, stage.Q, length) : messages,
          dtype,
        );
        const decode = (quickCheck: boolean) => {
          const out = outputs(stage.Q, length);
          const r = new MdsDecoder(stage.generator, { length, quickCheck }).decode(symbols, null, tol, out);
          return { r, out };
        };
        const fast = decode(true);
        const full = decode(false);
        const what = `${stage.name} (${stage.P},${stage.Q}) ${dtype} length ${length} kind ${kind}`;
        assert.deepEqual(fast.r, full.r, what);
        assert.deepEqual(fast.out, full.out, what);
      }
    }
  }
});
