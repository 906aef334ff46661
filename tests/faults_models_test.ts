/**
 * Each fault model does what it says: bit flips flip exactly the requested bits, stuck-at forces
 * them, replacements and multiplications give the stated values, densities strike the stated
 * number of entries, the sink sees every change, and codewords for the in-span and colluding
 * attacks are codewords with the stated supports.
 */

import { Rng } from "../lib/random/rng.ts";
import { UsageError } from "../lib/errors.ts";
import { gaussianSystematic, repetition } from "../lib/codes/generators.ts";
import { orthogonalComplement } from "../lib/tensor/linalg.ts";
import type { DType, Float } from "../lib/tensor/matrix.ts";
import { additiveModel } from "../lib/faults/additive.ts";
import { bitFlipModel, stuckAtModel } from "../lib/faults/bit-faults.ts";
import { classBits, rawWords } from "../lib/faults/bits.ts";
import { codewordsWithSupport, colludingCodewords } from "../lib/faults/codewords.ts";
import { MercurialModel } from "../lib/faults/mercurial.ts";
import type { EntryChange } from "../lib/faults/model.ts";
import { multiplyModel } from "../lib/faults/multiply.ts";
import { buildFaultModel, buildStageAttack } from "../lib/faults/registry.ts";
import { replaceModel } from "../lib/faults/replace.ts";
import { assert } from "./assert.ts";

function data(dtype: DType, n: number, rng: Rng): Float {
  const a = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Bit indices that differ between two raw copies of entry i. */
function differingBits(before: Uint32Array, after: Uint32Array, dtype: DType, i: number): number[] {
  const out: number[] = [];
  const words = dtype === "float32" ? [i] : [2 * i, 2 * i + 1];
  words.forEach((w, k) => {
    const x = (before[w] ^ after[w]) >>> 0;
    for (let b = 0; b < 32; b++) if ((x >>> b) & 1) out.push(32 * k + b);
  });
  return out;
}

Deno.test("bit flips change exactly the requested bits of exactly the struck entries", () => {
  const rng = Rng.named(3, "bitflip-test");
  for (const dtype of ["float32", "float64"] as const) {
    for (const bits of [[0], [31], [22, 23, 30], dtype === "float64" ? [63, 52] : [5]]) {
      const a = data(dtype, 64, rng);
      const before = rawWords(a).slice();
      const seen: EntryChange[] = [];
      const change = bitFlipModel({ bits }).corrupt(a, rng, (e) => seen.push(e));
      assert.equal(change.entries, 1);
      assert.equal(seen.length, 1);
      const after = rawWords(a);
      for (let i = 0; i < 64; i++) {
        const diff = differingBits(before, after, dtype, i);
        assert.deepEqual(
          diff,
          i === change.index ? [...bits].sort((x, y) => x - y) : [],
          `${dtype} entry ${i}`,
        );
      }
      assert.deepEqual(seen[0].bits, bits);
      assert.equal(seen[0].index, change.index);
    }
    // By class: k distinct bits of the class, in every struck entry.
    for (const cls of ["sign", "exponent", "exponent-msb", "mantissa-high", "mantissa-low", "any"] as const) {
      const pool = classBits(dtype, cls);
      const k = Math.min(3, pool.length);
      const a = data(dtype, 400, rng);
      const before = rawWords(a).slice();
      const change = bitFlipModel({ bitClass: cls, flips: k, density: 0.05 }).corrupt(a, rng);
      assert.equal(change.entries, 20, `${dtype} ${cls}`);
      let struck = 0;
      for (let i = 0; i < 400; i++) {
        const diff = differingBits(before, rawWords(a), dtype, i);
        if (diff.length === 0) continue;
        struck++;
        assert.equal(diff.length, k, `${dtype} ${cls} entry ${i}: ${diff}`);
        for (const b of diff) assert.ok(pool.includes(b), `${dtype} ${cls}: bit ${b} outside the class`);
      }
      assert.equal(struck, 20);
    }
  }
  assert.deepEqual(classBits("float32", "exponent"), [23, 24, 25, 26, 27, 28, 29, 30]);
  assert.deepEqual(classBits("float64", "sign"), [63]);
  assert.equal(
    classBits("float64", "mantissa-high").length + classBits("float64", "mantissa-low").length,
    52,
  );
});

Deno.test("stuck-at forces bits, and reports no change where a bit already held the value", () => {
  const a = new Float32Array([1, -2, 0.5]);
  const one = new Float32Array([1]);
  const rng = Rng.named(1, "stuck");
  // 1.0f = 0x3f800000: bit 29 is 1, bit 30 is 0.
  assert.equal(stuckAtModel(1, { bits: [29] }).corrupt(one, rng).entries, 0);
  assert.equal(one[0], 1);
  const c = stuckAtModel(1, { bits: [30, 29] }).corrupt(one, rng);
  assert.equal(c.entries, 1);
  assert.equal(rawWords(one)[0], 0x3f800000 | (1 << 30));
  stuckAtModel(0, { bits: [31], density: 1 }).corrupt(a, rng);
  assert.deepEqual(Array.from(a), [1, 2, 0.5]);
});

Deno.test("replacement, multiplicative, additive and mercurial models give the stated values", () => {
  const rng = Rng.named(5, "values");
  const base = data("float64", 1000, rng) as Float64Array;
  const run = (name: string, params = {}) => {
    const a = base.slice();
    const seen: EntryChange[] = [];
    const change = buildFaultModel(name, params, "float64").corrupt(a, rng, (e) => seen.push(e));
    return { a, seen, change };
  };
  for (const [name, value] of [["zero", 0], ["inf", Infinity], ["neg-inf", -Infinity]] as const) {
    const { a, seen } = run(name, { density: 0.01 });
    assert.equal(seen.length, 10);
    for (const e of seen) assert.equal(a[e.index], value);
  }
  const nan = run("nan");
  assert.ok(Number.isNaN(nan.a[nan.change.index]) && Number.isNaN(nan.change.maxAbsDelta));
  const rv = run("random-value", { density: 0.1, amplitude: 2 });
  for (const e of rv.seen) assert.ok(Math.abs(rv.a[e.index]) < 2 && e.new === rv.a[e.index]);
  const sf = run("sign-flip", { density: 0.02 });
  for (const e of sf.seen) assert.equal(sf.a[e.index], -base[e.index]);
  const sc = run("scale", { density: 0.05, scalePercent: 7 });
  let up = 0;
  for (const e of sc.seen) {
    const ratio = sc.a[e.index] / base[e.index];
    assert.ok(Math.abs(ratio - 1.07) < 1e-12 || Math.abs(ratio - 0.93) < 1e-12, `ratio ${ratio}`);
    if (ratio > 1) up++;
  }
  assert.ok(up > 0 && up < sc.seen.length, "both signs of the scale occur");
  const add = run("additive");
  assert.equal(add.change.entries, 5); // 0.5 % of 1000
  for (const e of add.seen) assert.ok(Math.abs(e.new - e.old) < 5);
  // Same stream, same corruption.
  const x = base.slice();
  const y = base.slice();
  additiveModel({ density: 0.01 }).corrupt(x, Rng.named(9, "same"));
  additiveModel({ density: 0.01 }).corrupt(y, Rng.named(9, "same"));
  assert.deepEqual(x, y);
  // Mercurial: never at p = 0, always at p = 1, about p otherwise.
  const never = new MercurialModel(replaceModel("zero"), 0);
  const always = new MercurialModel(multiplyModel("sign-flip"), 1);
  let struck = 0;
  for (let k = 0; k < 2000; k++) {
    assert.equal(never.corrupt(base.slice(), rng).entries, 0);
    assert.equal(always.corrupt(base.slice(), rng).entries, 1);
    struck += run("mercurial", { probability: 0.2, inner: "sign-flip" }).change.entries;
  }
  assert.ok(struck > 330 && struck < 470, `mercurial p = 0.2 struck ${struck} of 2000`);
});

Deno.test("codewords for in-span and colluding errors are codewords with the stated supports", () => {
  const rng = Rng.named(7, "codewords");
  const g = gaussianSystematic(7, 5, 1);
  const h = orthogonalComplement(g);
  const inCode = (c: Float64Array) => {
    let worst = 0;
    for (let j = 0; j < h.rows; j++) {
      let s = 0;
      for (let p = 0; p < 7; p++) s += h.get(j, p) * c[p];
      worst = Math.max(worst, Math.abs(s));
    }
    return worst;
  };
  assert.equal(codewordsWithSupport(g, 2, 4, rng).length, 0, "an MDS (7,5) code has no weight-2 codeword");
  for (const t of [3, 4, 7]) {
    const found = codewordsWithSupport(g, t, 4, rng);
    assert.equal(found.length, 4);
    for (const c of found) {
      assert.equal(c.support.length, t);
      assert.ok(inCode(c.coefficients) < 1e-12, `weight ${t}: ‖H·c‖ = ${inCode(c.coefficients)}`);
    }
  }
  for (const [t, size] of [[1, 3], [2, 3], [3, 4], [6, 7]]) {
    for (const c of colludingCodewords(g, t, 4, rng)) {
      assert.equal(c.support.length, size, `colluding t = ${t}`);
      assert.ok(inCode(c.coefficients) < 1e-12);
    }
  }
  assert.equal(colludingCodewords(g, 7, 4, rng).length, 0);
  // Replication (3 copies of 5 rows): the smallest codewords are the 3 copies of one row.
  const rep = repetition(3, 5);
  const three = codewordsWithSupport(rep, 3, 4, rng);
  assert.ok(three.length > 0);
  for (const c of three) assert.equal(new Set(c.support.map((p) => p % 5)).size, 1, `${c.support}`);
  assert.equal(codewordsWithSupport(rep, 4, 2, rng).length, 0);
  for (const c of colludingCodewords(rep, 2, 4, rng)) assert.equal(c.support.length, 3);
});

Deno.test("the registry refuses parameters a model cannot take, in one line", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["bitflip", { bits: [32] }, /--bits: bit 32 is outside 0\.\.31/],
    ["bitflip", { bits: [3], bitClass: "sign" }, /drop --bit-class/],
    ["stuck-at-1", { bitClass: "sign", flips: 2 }, /--flips: 2 distinct bits/],
    ["bitflip", { bitClass: "mantisa" }, /--bit-class/],
    ["mercurial", { inner: "crash" }, /--inner/],
    ["additive", { density: 0 }, /--density/],
    ["in-span", {}, /acts on a whole stage/],
  ];
  for (const [name, params, message] of bad) {
    assert.throws(
      () => (name === "in-span" ? buildFaultModel : buildStageAttack)(name, params, "float32"),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      `${name} ${JSON.stringify(params)}`,
    );
  }
  assert.throws(() => buildStageAttack("bitflipp", {}, "float32"), /unknown fault model "bitflipp"/);
  assert.equal(buildStageAttack("in-span", {}, "float64").undetectable, true);
  assert.equal(buildStageAttack("mercurial", { probability: 0.3 }, "float64").strikeProbability, 0.3);
});
