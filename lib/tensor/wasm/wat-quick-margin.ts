/**
 * WebAssembly text for the decoder's quick clean test (the wasm side of `syndromeMargin`;
 * reference: lib/tensor/naive-quick-margin.ts): the largest syndrome score over a run of entries,
 * for one or two parity rows over n symbols.
 *
 * Each step takes 8 entries, so that every row keeps four f64x2 sums in flight: the sums of one
 * entry are chains of n dependent additions, which bound the JS version by latency. For n ≤ 8
 * the step is unrolled over the symbols (addresses in locals, coefficients at fixed offsets).
 * float32 symbols are widened exactly with `f64x2.promote_low_f32x4`. The sums start at 0 and
 * add `h·y` for i = 0 … n − 1 in order with separate `mul` and `add` (never fused), so every
 * syndrome, and therefore the margin, is the reference's bit for bit. The scores go through
 * `pmax` (blind to NaN, like the reference's `w > margin`) with a separate NaN mask.
 *
 * @module
 */

import { add, bump, countDown, forRange, get, highHalf, i32, mul, type WatPrecision } from "./wat-text.ts";

/** The quick-margin kernels (one and two rows) for one precision. */
export function quickMarginWat(p: WatPrecision): string {
  return [quickMargin(p, 1), quickMargin(p, 2)].join("\n");
}

/** Symbol counts with a fully unrolled kernel (addresses and coefficients at fixed places). */
const UNROLLED = 8;

/**
 * `quick_margin<r>_<t>(len, n, ptrs, h, inv0, inv1) → f64`: symbol i (storage type) starts at the
 * i32 address ptrs[i]; h holds r × n f64 coefficients, row-major; `inv1` is unused for r = 1.
 * Returns max over l < len and j < r of (|s_j| = 0 ? 0 : |s_j|·inv_j), 0 for len = 0, NaN when a
 * score is NaN. n = 1 … 8 go to a body unrolled over the symbols, larger n to a loop over them.
 */
function quickMargin(p: WatPrecision, r: 1 | 2): string {
  const { s } = p;
  const name = (n: number | null) => `$quick_margin${r}_${s}_${n ?? "n"}`;
  const args = ["$len", "$n", "$ptrs", "$h", "$inv0", "$inv1"].map(get).join(" ");
  const dispatch = Array.from(
    { length: UNROLLED },
    (_, k) => `(if (i32.eq ${get("$n")} ${i32(k + 1)}) (then (return (call ${name(k + 1)} ${args}))))`,
  ).join("\n  ");
  return `${Array.from({ length: UNROLLED }, (_, k) => marginBody(p, r, k + 1, name(k + 1))).join("\n")}
${marginBody(p, r, null, name(null))}
(func (export "quick_margin${r}_${s}")
  (param $len i32) (param $n i32) (param $ptrs i32) (param $h i32) (param $inv0 f64) (param $inv1 f64)
  (result f64)
  ${dispatch}
  (call ${name(null)} ${args}))`;
}

/**
 * One quick-margin function (the signature of the export): for `unrolled` = n symbols with their
 * addresses in locals and the coefficients at fixed offsets of h, or for any n (null) with a loop
 * over the symbols.
 */
function marginBody(p: WatPrecision, r: 1 | 2, unrolled: number | null, name: string): string {
  const { s } = p;
  const f32 = s === "f32";
  // f64x2 sums per row and step (more gain nothing measurable: the FP pipes are then busy), entries per step.
  const chains = 4;
  const entries = 2 * chains;
  // v128 loads of a symbol per step.
  const loads = f32 ? chains / 2 : chains;
  const acc = (j: number, c: number) => `$acc${j}_${c}`;
  const accNames = Array.from({ length: r }, (_, j) => Array.from({ length: chains }, (_, c) => acc(j, c)))
    .flat();
  // The entries of chain c as f64x2 (float32 lanes widened once, for both rows).
  const lane = (c: number) => get(f32 ? `$p${c}` : `$v${c}`);
  const widened = (c: number) => {
    const v = get(`$v${c >> 1}`);
    return `(local.set $p${c} (f64x2.promote_low_f32x4 ${c & 1 ? highHalf(v) : v}))`;
  };
  // Where symbol i's current entries are, and coefficient (j, i): by loop index or unrolled.
  const sourceAt = (i: number | null) =>
    i === null
      ? add(`(i32.load ${add(get("$ptrs"), mul(get("$i"), i32(4)))})`, get("$off"))
      : add(get(`$sym${i}`), get("$off"));
  const coef = (load: string, j: number, i: number | null) =>
    i === null
      ? `(${load} ${add(get("$h"), mul(add(get("$i"), j === 0 ? i32(0) : get("$n")), i32(8)))})`
      : `(${load} offset=${8 * (j * unrolled! + i)} ${get("$h")})`;
  const term = (i: number | null) =>
    `(local.set $xp ${sourceAt(i)})
  ${
      Array.from({ length: loads }, (_, u) => `(local.set $v${u} (v128.load offset=${16 * u} ${get("$xp")}))`)
        .join("\n")
    }
  ${f32 ? Array.from({ length: chains }, (_, c) => widened(c)).join("\n") : ""}
  ${
      Array.from({ length: r }, (_, j) =>
        `(local.set $c ${coef("v128.load64_splat", j, i)})
      ${
          Array.from(
            { length: chains },
            (_, c) =>
              `(local.set ${acc(j, c)} (f64x2.add ${get(acc(j, c))} (f64x2.mul ${get("$c")} ${lane(c)})))`,
          ).join("\n")
        }`).join("\n")
    }`;
  const overSymbols = (body: (i: number | null) => string) =>
    unrolled === null
      ? forRange("$i", get("$n"), 1, body(null))
      : Array.from({ length: unrolled }, (_, i) => body(i)).join("\n");
  const score = (sum: string, inv: string) =>
    `(local.set $a (f64x2.abs ${sum}))
    (local.set $w (v128.andnot (f64x2.mul ${get("$a")} ${get(inv)}) (f64x2.eq ${
      get("$a")
    } (v128.const i64x2 0 0))))
    (local.set $m (f64x2.pmax ${get("$m")} ${get("$w")}))
    (local.set $nan (v128.or ${get("$nan")} (f64x2.ne ${get("$w")} ${get("$w")})))`;
  const step = `${accNames.map((a) => `(local.set ${a} (v128.const i64x2 0 0))`).join("\n")}
  ${overSymbols(term)}
  ${
    Array.from({ length: r }, (_, j) =>
      Array.from({ length: chains }, (_, c) =>
        score(get(acc(j, c)), j === 0 ? "$inv0v" : "$inv1v")).join("\n"))
      .join("\n")
  }
  ${bump("$off", i32(entries * p.bytes))}`;
  const widen = (x: string) => (f32 ? `(f64.promote_f32 ${x})` : x);
  const scalarTerm = (i: number | null) =>
    `(local.set $e ${widen(`(${s}.load ${sourceAt(i)})`)})
    ${
      Array.from(
        { length: r },
        (_, j) =>
          `(local.set $s${j} (f64.add ${get(`$s${j}`)} (f64.mul ${coef("f64.load", j, i)} ${get("$e")})))`,
      ).join("\n")
    }`;
  const scalarScore = (j: number) =>
    `(local.set $b (f64.abs ${get(`$s${j}`)}))
    (local.set $x (select (f64.const 0) (f64.mul ${get("$b")} ${get(`$inv${j}`)}) (f64.eq ${
      get("$b")
    } (f64.const 0))))
    (local.set $t (select ${get("$x")} ${get("$t")} (f64.gt ${get("$x")} ${get("$t")})))
    (local.set $bad (i32.or ${get("$bad")} (f64.ne ${get("$x")} ${get("$x")})))`;
  const tail = `${Array.from({ length: r }, (_, j) => `(local.set $s${j} (f64.const 0))`).join("\n")}
  ${overSymbols(scalarTerm)}
  ${Array.from({ length: r }, (_, j) => scalarScore(j)).join("\n")}
  ${bump("$off", i32(p.bytes))}`;
  const symbols = unrolled === null ? [] : Array.from({ length: unrolled }, (_, i) => `$sym${i}`);
  return `
(func ${name}
  (param $len i32) (param $n i32) (param $ptrs i32) (param $h i32) (param $inv0 f64) (param $inv1 f64)
  (result f64)
  (local $q i32) (local $i i32) (local $off i32) (local $xp i32) (local $bad i32)
  ${symbols.map((y) => `(local ${y} i32)`).join(" ")}
  (local $s0 f64) (local $s1 f64) (local $e f64) (local $b f64) (local $x f64) (local $t f64)
  (local $c v128) (local $a v128) (local $w v128) (local $m v128) (local $nan v128)
  (local $inv0v v128) (local $inv1v v128)
  ${Array.from({ length: loads }, (_, u) => `(local $v${u} v128)`).join(" ")}
  ${f32 ? Array.from({ length: chains }, (_, c) => `(local $p${c} v128)`).join(" ") : ""}
  ${accNames.map((a) => `(local ${a} v128)`).join(" ")}
  ${symbols.map((y, i) => `(local.set ${y} (i32.load offset=${4 * i} ${get("$ptrs")}))`).join("\n  ")}
  (local.set $inv0v (f64x2.splat ${get("$inv0")}))
  (local.set $inv1v (f64x2.splat ${get("$inv1")}))
  (local.set $m (v128.const i64x2 0 0))
  (local.set $nan (v128.const i64x2 0 0))
  (local.set $t (f64.const 0))
  (local.set $bad (i32.const 0))
  (local.set $off (i32.const 0))
  (local.set $q ${get("$len")})
  ${countDown("$q", entries, step)}
  ${countDown("$q", 1, tail)}
  (if (i32.or ${get("$bad")} (v128.any_true ${get("$nan")})) (then (return (f64.const nan))))
  (f64.max (f64.max (f64x2.extract_lane 0 ${get("$m")}) (f64x2.extract_lane 1 ${get("$m")})) ${get("$t")}))`;
}
