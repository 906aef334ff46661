/**
 * Clopper–Pearson ("exact") confidence intervals for a binomial proportion: k successes in n
 * trials give the interval [p_lo, p_hi] with P(X ≥ k | p_lo) = α/2 and P(X ≤ k | p_hi) = α/2,
 * i.e. the α/2 and 1 − α/2 quantiles of Beta(k, n − k + 1) and Beta(k + 1, n − k). Conservative:
 * the coverage is at least 1 − α for every p. With k = 0 the upper end is 1 − (α/2)^(1/n)
 * (≈ 3.69/n at 95 %), the "rule of three" in its exact two-sided form.
 *
 * The regularized incomplete beta function is evaluated by its continued fraction (modified
 * Lentz), log Γ by the Lanczos approximation (g = 7), and quantiles by bisection.
 *
 * @example
 * ```ts
 * import { clopperPearson } from "./interval.ts";
 * clopperPearson(0, 3000);   // { low: 0, high: 0.00123 }
 * clopperPearson(50, 100);   // { low: 0.398, high: 0.602 }
 * ```
 *
 * @module
 */

/** A confidence interval for a proportion. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of I_x(a, b) (converges fast for x < (a + 1)/(a + b + 2)). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let f = tiny;
  let c = f;
  let d = 0;
  for (let j = 1; j < 100_000; j++) {
    let num: number;
    if (j === 1) num = 1;
    else {
      const i = j - 1; // coefficient d_i
      const m = i >> 1;
      num = i % 2 === 1
        ? -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    }
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) return f;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedBeta needs a, b > 0, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaFraction(1 - x, b, a)) / b;
}

/** The x with I_x(a, b) = p (bisection to double precision). */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = 0.5 * (lo + hi);
    if (regularizedBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The two-sided Clopper–Pearson interval of `k` successes in `n` trials at `confidence` (0.95). */
export function clopperPearson(k: number, n: number, confidence = 0.95): Interval {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n)) {
    throw new RangeError(`clopperPearson needs integers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1)`);
  if (n === 0) return { low: 0, high: 1 };
  const alpha = 1 - confidence;
  return {
    low: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1),
    high: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k),
  };
}
