/**
 * WebAssembly text for the combination kernels of a regeneration (the wasm side of
 * `combineAndCompare`; reference: lib/tensor/naive-combine.ts): a float64 linear combination of
 * several arrays, max |entry| of an array, and the rounding of a float64 array to the storage type
 * with the largest difference from a second one. Each walks flat arrays of n elements, 32 bytes of
 * every operand per step, then element by element. Products and sums are separate `mul` and `add`
 * (never fused), in the reference's order, so that the results are the reference's bit for bit.
 *
 * @module
 */

import { add, bump, countDown, forRange, get, highHalf, i32, mul, type WatPrecision } from "./wat-text.ts";

/** The combination kernels for one precision. */
export function combineWat(p: WatPrecision): string {
  return [combine(p), maxAbs(p), narrowDiff(p)].join("\n");
}

/**
 * `combine_<t>(n, count, ptrs, coefs, py)`: y[j] ← Σ_k coefs[k]·x_k[j] for j < n, in float64 from
 * 0 with k = 0 … count − 1 in order; x_k (storage type) starts at the i32 address ptrs[k], the
 * coefficients are f64 at `coefs`, y is f64.
 */
function combine(p: WatPrecision): string {
  const { s } = p;
  const f32 = s === "f32";
  const accs = f32 ? 4 : 2;
  const widen = (x: string) => (f32 ? `(f64.promote_f32 ${x})` : x);
  const term = (acc: number, x: string) =>
    `(local.set $acc${acc} (f64x2.add ${get(`$acc${acc}`)} (f64x2.mul ${get("$c")} ${x})))`;
  const terms = f32
    ? [
      term(0, `(f64x2.promote_low_f32x4 ${get("$v")})`),
      term(1, `(f64x2.promote_low_f32x4 ${highHalf(get("$v"))})`),
      term(2, `(f64x2.promote_low_f32x4 ${get("$w")})`),
      term(3, `(f64x2.promote_low_f32x4 ${highHalf(get("$w"))})`),
    ]
    : [term(0, get("$v")), term(1, get("$w"))];
  const elements = f32 ? 8 : 4;
  const sourceAt = add(`(i32.load ${add(get("$ptrs"), mul(get("$k"), i32(4)))})`, get("$off"));
  const coefAt = add(get("$coefs"), mul(get("$k"), i32(8)));
  return `
(func (export "combine_${s}")
  (param $n i32) (param $count i32) (param $ptrs i32) (param $coefs i32) (param $py i32)
  (local $q i32) (local $k i32) (local $off i32) (local $xp i32) (local $yp i32) (local $sum f64)
  (local $c v128) (local $v v128) (local $w v128)
  ${Array.from({ length: accs }, (_, a) => `(local $acc${a} v128)`).join(" ")}
  (local.set $off (i32.const 0))
  (local.set $yp ${get("$py")})
  (local.set $q ${get("$n")})
  ${
    countDown(
      "$q",
      elements,
      `${Array.from({ length: accs }, (_, a) => `(local.set $acc${a} (v128.const i64x2 0 0))`).join("\n")}
      ${
        forRange(
          "$k",
          get("$count"),
          1,
          `(local.set $xp ${sourceAt})
          (local.set $c (v128.load64_splat ${coefAt}))
          (local.set $v (v128.load ${get("$xp")}))
          (local.set $w (v128.load offset=16 ${get("$xp")}))
          ${terms.join("\n")}`,
        )
      }
      ${
        Array.from(
          { length: accs },
          (_, a) => `(v128.store offset=${16 * a} ${get("$yp")} ${get(`$acc${a}`)})`,
        ).join("\n")
      }
      ${bump("$off", i32(32))}
      ${bump("$yp", i32(16 * accs))}`,
    )
  }
  ${
    countDown(
      "$q",
      1,
      `(local.set $sum (f64.const 0))
      ${
        forRange(
          "$k",
          get("$count"),
          1,
          `(local.set $sum (f64.add ${get("$sum")} (f64.mul (f64.load ${coefAt}) ${
            widen(`(${s}.load ${sourceAt})`)
          })))`,
        )
      }
      (f64.store ${get("$yp")} ${get("$sum")})
      ${bump("$off", i32(p.bytes))}
      ${bump("$yp", i32(8))}`,
    )
  })`;
}

/**
 * `max_abs_<t>(n, px) → f64`: max |x[j]| over j < n (0 for n = 0; NaN when some x[j] is NaN).
 * Vectors go through `pmax` (one instruction, but blind to NaN) into two accumulators, and a
 * separate mask notes NaN: the NaN-propagating `max` is a long instruction sequence in V8.
 */
function maxAbs(p: WatPrecision): string {
  const { s, v, bytes, lanes } = p;
  const lane = (l: number) => `(${v}.extract_lane ${l} ${get("$m")})`;
  const lanesMax = lanes === 4
    ? `(${s}.max (${s}.max ${lane(0)} ${lane(1)}) (${s}.max ${lane(2)} ${lane(3)}))`
    : `(${s}.max ${lane(0)} ${lane(1)})`;
  const result = `(${s}.max ${lanesMax} ${get("$t")})`;
  const step = (acc: string, offset: number) =>
    `(local.set $x (v128.load offset=${offset} ${get("$xp")}))
    (local.set ${acc} (${v}.pmax ${get(acc)} (${v}.abs ${get("$x")})))
    (local.set $nan (v128.or ${get("$nan")} (${v}.ne ${get("$x")} ${get("$x")})))`;
  return `
(func (export "max_abs_${s}") (param $n i32) (param $px i32) (result f64)
  (local $q i32) (local $xp i32) (local $x v128) (local $m v128) (local $m2 v128) (local $nan v128) (local $t ${s})
  (local.set $m (v128.const i64x2 0 0))
  (local.set $m2 (v128.const i64x2 0 0))
  (local.set $nan (v128.const i64x2 0 0))
  (local.set $t (${s}.const 0))
  (local.set $xp ${get("$px")})
  (local.set $q ${get("$n")})
  ${
    countDown(
      "$q",
      2 * lanes,
      `${step("$m", 0)}
${step("$m2", 16)}
${bump("$xp", i32(32))}`,
    )
  }
  ${
    countDown(
      "$q",
      lanes,
      `${step("$m", 0)}
${bump("$xp", i32(16))}`,
    )
  }
  ${
    countDown(
      "$q",
      1,
      `(local.set $t (${s}.max ${get("$t")} (${s}.abs (${s}.load ${get("$xp")}))))
      ${bump("$xp", i32(bytes))}`,
    )
  }
  (if (v128.any_true ${get("$nan")}) (then (return (f64.const nan))))
  (local.set $m (${v}.pmax ${get("$m")} ${get("$m2")}))
  ${s === "f32" ? `(f64.promote_f32 ${result})` : result})`;
}

/**
 * `narrow_diff_<t>(n, pa, pb, pout) → f64`: out[j] ← a[j] rounded to the storage type, and the
 * largest |round(a[j]) − round(b[j])| over j < n, the difference taken in f64 (a, b are f64; NaN
 * when either holds a NaN). The vectors' maximum is a `pmax` with a NaN mask, as in `max_abs`.
 */
function narrowDiff(p: WatPrecision): string {
  const { s } = p;
  const f32 = s === "f32";
  const rounded = (x: string) => (f32 ? `(f64.promote_f32 (f32.demote_f64 ${x}))` : x);
  const roundedPair = (x: string) => f32 ? `(f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero ${x}))` : x;
  const gap = (a: string, b: string) =>
    `(local.set $d (f64x2.abs (f64x2.sub ${roundedPair(a)} ${roundedPair(b)})))
    (local.set $m (f64x2.pmax ${get("$m")} ${get("$d")}))
    (local.set $nan (v128.or ${get("$nan")} (f64x2.ne ${get("$d")} ${get("$d")})))`;
  const load = (base: string, offset: number) => `(v128.load offset=${offset} ${get(base)})`;
  const store = f32
    ? `(v128.store ${get("$op")} (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero ${load("$ap", 0)}) (f32x4.demote_f64x2_zero ${load("$ap", 16)})))`
    : `(v128.store ${get("$op")} ${load("$ap", 0)})`;
  const step = f32
    ? `${store}
      ${gap(load("$ap", 0), load("$bp", 0))}
      ${gap(load("$ap", 16), load("$bp", 16))}
      ${bump("$ap", i32(32))} ${bump("$bp", i32(32))} ${bump("$op", i32(16))}`
    : `${store}
      ${gap(load("$ap", 0), load("$bp", 0))}
      ${bump("$ap", i32(16))} ${bump("$bp", i32(16))} ${bump("$op", i32(16))}`;
  const stored = f32 ? `(f32.demote_f64 (f64.load ${get("$ap")}))` : `(f64.load ${get("$ap")})`;
  return `
(func (export "narrow_diff_${s}") (param $n i32) (param $pa i32) (param $pb i32) (param $pout i32) (result f64)
  (local $q i32) (local $ap i32) (local $bp i32) (local $op i32) (local $m v128) (local $d v128) (local $nan v128)
  (local $t f64)
  (local.set $m (v128.const i64x2 0 0))
  (local.set $nan (v128.const i64x2 0 0))
  (local.set $t (f64.const 0))
  (local.set $ap ${get("$pa")})
  (local.set $bp ${get("$pb")})
  (local.set $op ${get("$pout")})
  (local.set $q ${get("$n")})
  ${countDown("$q", f32 ? 4 : 2, step)}
  ${
    countDown(
      "$q",
      1,
      `(${s}.store ${get("$op")} ${stored})
      (local.set $t (f64.max ${get("$t")} (f64.abs (f64.sub ${rounded(`(f64.load ${get("$ap")})`)} ${
        rounded(`(f64.load ${get("$bp")})`)
      }))))
      ${bump("$ap", i32(8))} ${bump("$bp", i32(8))} ${bump("$op", i32(p.bytes))}`,
    )
  }
  (if (v128.any_true ${get("$nan")}) (then (return (f64.const nan))))
  (f64.max (f64.max (f64x2.extract_lane 0 ${get("$m")}) (f64x2.extract_lane 1 ${get("$m")})) ${get("$t")}))`;
}
