/**
 * WebAssembly text for the element-wise kernels of a layer: bias add, fused bias + ReLU, and the
 * ReLU backward Hadamard product. Each walks a (rows × cols, row stride in bytes) matrix a row at
 * a time, a vector per step with a scalar tail.
 *
 * @module
 */

import { add, bump, countDown, forRange, get, i32, mul, type WatPrecision } from "./wat-text.ts";

/** The element-wise kernels for one precision. */
export function elementwiseWat(p: WatPrecision): string {
  const { s, v } = p;
  const bias = (name: string, vector: (x: string) => string, scalar: (x: string) => string) =>
    rowWise(p, name, "(param $pb i32)", "$bp", get("$pb"), {
      vector: `(v128.store ${get("$xp")} ${
        vector(`(${v}.add (v128.load ${get("$xp")}) (v128.load ${get("$bp")}))`)
      })`,
      scalar: `(${s}.store ${get("$xp")} ${
        scalar(`(${s}.add (${s}.load ${get("$xp")}) (${s}.load ${get("$bp")}))`)
      })`,
    });
  return [
    // X[i][j] ← X[i][j] + bias[j]
    bias("bias_add", (x) => x, (x) => x),
    // X[i][j] ← max(0, X[i][j] + bias[j])
    bias(
      "bias_relu",
      (x) => `(${v}.max ${x} (v128.const i64x2 0 0))`,
      (x) => `(${s}.max ${x} (${s}.const 0))`,
    ),
    // D[i][j] ← Z[i][j] > 0 ? D[i][j] : 0, with Z at $pz (row stride $ldz bytes)
    rowWise(
      p,
      "relu_backward",
      "(param $pz i32) (param $ldz i32)",
      "$zp",
      add(get("$pz"), mul(get("$i"), get("$ldz"))),
      {
        vector: `(v128.store ${get("$xp")}
        (v128.and (v128.load ${get("$xp")}) (${v}.gt (v128.load ${get("$zp")}) (v128.const i64x2 0 0))))`,
        scalar: `(${s}.store ${get("$xp")}
        (select (${s}.load ${get("$xp")}) (${s}.const 0) (${s}.gt (${s}.load ${
          get("$zp")
        }) (${s}.const 0))))`,
      },
    ),
  ].join("\n");
}

/**
 * `<name>_<t>(px, ldx, rows, cols, …extra)`: runs `body` over X (at $xp) and a second operand
 * walked in step (at `second`, reset to `secondStart` at the start of every row).
 */
function rowWise(
  p: WatPrecision,
  name: string,
  extraParams: string,
  second: string,
  secondStart: string,
  body: { vector: string; scalar: string },
): string {
  const { s, bytes, lanes } = p;
  const advance = (by: number) => `${bump("$xp", i32(by))}\n${bump(second, i32(by))}`;
  return `
(func (export "${name}_${s}")
  (param $px i32) (param $ldx i32) (param $rows i32) (param $cols i32) ${extraParams}
  (local $i i32) (local $q i32) (local $xp i32) (local ${second} i32)
  ${
    forRange(
      "$i",
      get("$rows"),
      1,
      `(local.set $xp ${add(get("$px"), mul(get("$i"), get("$ldx")))})
      (local.set ${second} ${secondStart})
      (local.set $q ${get("$cols")})
      ${countDown("$q", lanes, `${body.vector}\n${advance(16)}`)}
      ${countDown("$q", 1, `${body.scalar}\n${advance(bytes)}`)}`,
    )
  })`;
}
