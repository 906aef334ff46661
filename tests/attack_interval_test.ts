/**
 * Clopper–Pearson intervals against published values (R's binom.test) and against their
 * definition, binomial tail sums computed term by term.
 */

import { clopperPearson, logGamma, regularizedBeta } from "../lib/attack/interval.ts";
import { assert, assertClose } from "./assert.ts";

/** P(X ≥ k) for X ~ Binomial(n, p), by direct summation in log space. */
function upperTail(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = k; i <= n; i++) {
    const logC = logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1);
    s += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return s;
}

Deno.test("Clopper–Pearson intervals match R's binom.test", () => {
  const known: [number, number, number, number][] = [
    [5, 20, 0.08657147, 0.49104587],
    [50, 100, 0.3983211, 0.6016789],
    [0, 10, 0, 0.3084971],
    [10, 10, 0.6915029, 1],
  ];
  for (const [k, n, low, high] of known) {
    const ci = clopperPearson(k, n);
    assertClose(ci.low, low, 2e-6, `${k}/${n} low`);
    assertClose(ci.high, high, 2e-6, `${k}/${n} high`);
  }
  assert.deepEqual(clopperPearson(0, 0), { low: 0, high: 1 });
  assertClose(clopperPearson(0, 3000).high, 1 - 0.025 ** (1 / 3000), 1e-12);
  // One success in n: the lower end solves 1 − (1 − p)^n = α/2.
  assertClose(clopperPearson(1, 1000).low, 1 - 0.975 ** (1 / 1000), 1e-10);
  assertClose(clopperPearson(0, 50, 0.9).high, 1 - 0.05 ** (1 / 50), 1e-12);
  assert.throws(() => clopperPearson(3, 2), RangeError);
});

Deno.test("Clopper–Pearson ends are where the binomial tails reach α/2", () => {
  for (const [k, n] of [[1, 7], [3, 30], [17, 60], [199, 200], [40, 3000]]) {
    const { low, high } = clopperPearson(k, n);
    assertClose(upperTail(k, n, low), 0.025, 1e-8, `P(X ≥ ${k} | n = ${n}, p = low)`);
    assertClose(1 - upperTail(k + 1, n, high), 0.025, 1e-8, `P(X ≤ ${k} | n = ${n}, p = high)`);
  }
  assertClose(regularizedBeta(0.3, 2, 5), 0.579825, 1e-6); // pbeta(0.3, 2, 5)
  assertClose(logGamma(0.25), Math.log(3.625609908221908), 1e-14);
});
