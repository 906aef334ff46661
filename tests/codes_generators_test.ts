import { Rng } from "../lib/random/rng.ts";
import { binomial, forEachSubset, worstConditionNumber } from "../lib/codes/conditioning.ts";
import {
  cauchySystematic,
  chebyshevPoints,
  chebyshevVandermonde,
  checksumSystematic,
  gaussianSystematic,
  repetition,
  systematicOrder,
  systematize,
  vandermonde,
} from "../lib/codes/generators.ts";
import { replicationCode } from "../lib/codes/replication.ts";
import { conditionNumber, multiply, selectRows, toRows } from "../lib/tensor/linalg.ts";
import { assert, assertClose } from "./assert.ts";
import { outputs } from "./codes_fixtures.ts";

Deno.test("subsets: binomial counts and lexicographic enumeration", () => {
  assert.equal(binomial(7, 5), 21);
  assert.equal(binomial(40, 20), 137846528820);
  assert.equal(binomial(3, 4), 0);
  const seen: string[] = [];
  forEachSubset(5, 3, (s) => seen.push(s.join("")));
  assert.equal(seen.length, 10);
  assert.deepEqual(seen.slice(0, 3), ["012", "013", "014"]);
  assert.equal(seen[9], "234");
});

Deno.test("Gaussian systematic generators: identity on top, reproducible from the seed, streams independent", () => {
  const a = gaussianSystematic(7, 5, 1, "grid-rows");
  assert.deepEqual(
    toRows(a).slice(0, 5),
    toRows(a).slice(0, 5).map((_, i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0))),
  );
  assert.deepEqual(toRows(gaussianSystematic(7, 5, 1, "grid-rows")), toRows(a));
  assert.notDeepEqual(toRows(gaussianSystematic(7, 5, 1, "grid-cols")), toRows(a));
  assert.notDeepEqual(toRows(gaussianSystematic(7, 5, 2, "grid-rows")), toRows(a));
});

Deno.test("every family is MDS: all Q-row subsets nonsingular, exact conditioning over C(P, Q) subsets", () => {
  const families = {
    gaussian: gaussianSystematic(9, 5, 3),
    chebyshev: systematize(chebyshevVandermonde(9, 5)),
    cauchy: cauchySystematic(9, 5),
    monomial: vandermonde(chebyshevPoints(9), 5),
    checksum: checksumSystematic(7, 5),
  };
  for (const [name, g] of Object.entries(families)) {
    const c = worstConditionNumber(g);
    assert.ok(c.exact, name);
    assert.equal(c.subsets, binomial(g.rows, 5));
    assert.ok(Number.isFinite(c.value) && c.value >= 1, `${name}: κ = ${c.value}`);
  }
  // At the Chebyshev points the T_k basis is nearly orthogonal (κ = √2); monomials are not.
  assertClose(conditionNumber(chebyshevVandermonde(12, 8)), Math.SQRT2, 1e-12);
  assert.ok(conditionNumber(vandermonde(chebyshevPoints(12), 8)) > 20);
  // Repetition is not MDS: two copies of the same row make a singular subset.
  assert.equal(worstConditionNumber(repetition(2, 3)).value, Infinity);
});

Deno.test("conditioning is sampled (seeded, size stated) beyond the exact limit and never exceeds the exact value", () => {
  const g = gaussianSystematic(12, 6, 4);
  const exact = worstConditionNumber(g);
  const sampled = worstConditionNumber(g, { exactLimit: 100, samples: 300, seed: 9 });
  assert.ok(exact.exact && !sampled.exact);
  assert.equal(sampled.subsets, 300);
  assert.equal(sampled.total, 924);
  assert.ok(sampled.value <= exact.value);
  assert.equal(worstConditionNumber(g, { exactLimit: 100, samples: 300, seed: 9 }).value, sampled.value);
});

Deno.test("systematize keeps the code: S·G_S equals G with its rows reordered", () => {
  const g = chebyshevVandermonde(10, 4);
  const order = systematicOrder(g);
  const s = systematize(g);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.equal(s.get(i, j), i === j ? 1 : 0);
  assertClose(multiply(s, selectRows(g, order.slice(0, 4))).data, selectRows(g, order).data, 1e-12);
  assert.deepEqual([...order].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // The systematic points are spread out, not the first four (clustered) Chebyshev points.
  assert.notDeepEqual(order.slice(0, 4).sort((a, b) => a - b), [0, 1, 2, 3]);
});

Deno.test("replication stages: two copies detect a mismatch, three outvote one wrong copy", () => {
  const rng = Rng.named(52, "replication");
  for (const copies of [2, 3]) {
    const stage = replicationCode({ copies, qr: 3, qc: 2 }).forward;
    const messages = [0, 1, 2].map(() => Float64Array.from({ length: 8 }, () => rng.normal()));
    const symbols = Array.from({ length: stage.P }, () => new Float64Array(8));
    stage.encode(messages, symbols, 8);
    const dec = stage.decoder({ length: 8 });
    const tol = { scale: 4, epsilon: 1e-15 };
    assert.equal(dec.decode(symbols, null, tol, outputs(3, 8)).verdict, "clean");
    symbols[copies * 3 - 2][5] += 0.5; // last copy of message row 1
    const out = outputs(3, 8);
    const r = dec.decode(symbols, null, tol, out);
    if (copies === 2) {
      assert.equal(r.verdict, "uncorrectable");
    } else {
      assert.equal(r.verdict, "corrected");
      assert.deepEqual(r.located, [copies * 3 - 2]);
      out.forEach((o, i) => assertClose(o, messages[i], 0));
    }
  }
});
