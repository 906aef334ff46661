/**
 * Helpers that keep the generated WebAssembly text readable: the precision template (f32/f64)
 * every kernel generator is written against, and the few control-flow shapes they repeat.
 *
 * @module
 */

import type { DType } from "../matrix.ts";

/** What a kernel generator needs to know about a storage precision. */
export interface WatPrecision {
  /** Storage dtype the kernels serve. */
  readonly dtype: DType;
  /** Scalar type: `f32` or `f64`. */
  readonly s: "f32" | "f64";
  /** SIMD shape: `f32x4` or `f64x2`. */
  readonly v: "f32x4" | "f64x2";
  /** Bytes per element. */
  readonly bytes: 4 | 8;
  /** Elements per v128. */
  readonly lanes: 4 | 2;
  /** Load of one element broadcast to every lane. */
  readonly splat: "v128.load32_splat" | "v128.load64_splat";
  /** Use `relaxed_madd` (fused where the CPU has FMA) instead of `mul` + `add`. */
  readonly relaxed: boolean;
}

/** The two precisions, with or without relaxed SIMD. */
export function precisions(relaxed: boolean): readonly WatPrecision[] {
  return [
    { dtype: "float32", s: "f32", v: "f32x4", bytes: 4, lanes: 4, splat: "v128.load32_splat", relaxed },
    { dtype: "float64", s: "f64", v: "f64x2", bytes: 8, lanes: 2, splat: "v128.load64_splat", relaxed },
  ];
}

/** `a·b + c` on vectors, as a folded expression. */
export function madd(p: WatPrecision, a: string, b: string, c: string): string {
  return p.relaxed ? `(${p.v}.relaxed_madd ${a} ${b} ${c})` : `(${p.v}.add (${p.v}.mul ${a} ${b}) ${c})`;
}

/** `(local.get $x)`. */
export function get(name: string): string {
  return `(local.get ${name})`;
}

/** `(i32.const n)`. */
export function i32(n: number): string {
  return `(i32.const ${n})`;
}

/** `a + b` on i32 (addresses wrap modulo 2³², which is what wasm32 addressing wants). */
export function add(a: string, b: string): string {
  return `(i32.add ${a} ${b})`;
}

/** `a · b` on i32. */
export function mul(a: string, b: string): string {
  return `(i32.mul ${a} ${b})`;
}

/**
 * `cond ? load : 0` for a scalar of type `t`, reading memory only when `cond` holds (unlike
 * `select`, which evaluates both operands and could read past the end of the memory).
 */
export function loadIf(t: "f32" | "f64", cond: string, load: string): string {
  return `(if (result ${t}) ${cond} (then ${load}) (else (${t}.const 0)))`;
}

/** `x += by` for an i32 local. */
export function bump(name: string, by: string): string {
  return `(local.set ${name} ${add(get(name), by)})`;
}

/** `for (i = 0; i < n; i += step) body`; the label names derive from `i`. */
export function forRange(i: string, n: string, step: number, body: string): string {
  return `(local.set ${i} (i32.const 0))
(block ${i}_done (loop ${i}_next
  (br_if ${i}_done (i32.ge_s ${get(i)} ${n}))
  ${body}
  ${bump(i, i32(step))}
  (br ${i}_next)))`;
}

/** `while (counter >= step) { body; counter -= step }`; the label names derive from `counter`. */
export function countDown(counter: string, step: number, body: string): string {
  return `(block ${counter}_done${step} (loop ${counter}_next${step}
  (br_if ${counter}_done${step} (i32.lt_s ${get(counter)} ${i32(step)}))
  ${body}
  (local.set ${counter} (i32.sub ${get(counter)} ${i32(step)}))
  (br ${counter}_next${step})))`;
}

/** `x = min(x, cap)` for an i32 local. */
export function clampTo(name: string, cap: number): string {
  return `(if (i32.gt_s ${get(name)} ${i32(cap)}) (then (local.set ${name} ${i32(cap)})))`;
}

/** Local declarations: `(local $a t) (local $b t) …`. */
export function locals(type: string, names: readonly string[]): string {
  return names.map((n) => `(local ${n} ${type})`).join(" ");
}

/** Byte indices for `i8x16.shuffle` that pick the given lanes of the pair (a, b). */
export function shuffleLanes(laneBytes: number, lanes: readonly number[]): string {
  const bytes: number[] = [];
  for (const lane of lanes) for (let b = 0; b < laneBytes; b++) bytes.push(lane * laneBytes + b);
  return bytes.join(" ");
}

/** The high two f32 lanes of a vector moved to the low ones (for `f64x2.promote_low_f32x4`). */
export function highHalf(v: string): string {
  return `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v})`;
}
