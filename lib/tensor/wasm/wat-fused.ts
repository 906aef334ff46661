/**
 * WebAssembly text for the fused B = 1 backward product and update of a layer's block:
 *
 *   y ← α·Aᵀ·x   then   A ← A + γ·u·vᵀ
 *
 * in one pass over A: every element of A is loaded once, feeds y, and is written back updated.
 * Against `gemv_t` followed by `ger` this saves one full read of A per step, and the result is
 * bit for bit the same: y accumulates the rows in increasing order with the same expressions as
 * `gemv_t` (β = 0), and each element is updated with the same expression as `ger`.
 *
 * @module
 */

import { add, bump, countDown, get, i32, locals, madd, mul, type WatPrecision } from "./wat-text.ts";

/** Rows of A streamed together (as in `gemv_t`). */
const ROWS = 4;

/** The fused kernel for one precision. */
export function fusedWat(p: WatPrecision): string {
  return gemvTGer(p);
}

/** One pass over `rows` rows starting at $i: y += Σ_r s_r·A[i+r], then A[i+r] += t_r·v. */
function block(p: WatPrecision, rows: number): string {
  const { s, v, bytes, lanes } = p;
  const setup: string[] = [];
  for (let r = 0; r < rows; r++) {
    const at = (base: string) => add(get(base), mul(add(get("$i"), i32(r)), i32(bytes)));
    setup.push(
      `(local.set $r${r} ${add(get("$pa"), mul(add(get("$i"), i32(r)), get("$lda")))})`,
      `(local.set $s${r} (${s}.mul ${get("$alpha")} (${s}.load ${at("$px")})))`,
      `(local.set $sv${r} (${v}.splat ${get(`$s${r}`)}))`,
      `(local.set $t${r} (${s}.mul ${get("$gamma")} (${s}.load ${at("$pu")})))`,
      `(local.set $tv${r} (${v}.splat ${get(`$t${r}`)}))`,
    );
  }
  const step = (offset: number) => {
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      lines.push(`(local.set $a${r} (v128.load offset=${offset} ${get(`$r${r}`)}))`);
    }
    let y = `(v128.load offset=${offset} ${get("$yp")})`;
    for (let r = 0; r < rows; r++) y = madd(p, get(`$sv${r}`), get(`$a${r}`), y);
    lines.push(`(v128.store offset=${offset} ${get("$yp")} ${y})`);
    lines.push(`(local.set $vv (v128.load offset=${offset} ${get("$vp")}))`);
    for (let r = 0; r < rows; r++) {
      lines.push(
        `(v128.store offset=${offset} ${get(`$r${r}`)} ${
          madd(p, get(`$tv${r}`), get("$vv"), get(`$a${r}`))
        })`,
      );
    }
    return lines.join("\n");
  };
  const scalarLines: string[] = [];
  for (let r = 0; r < rows; r++) scalarLines.push(`(local.set $e${r} (${s}.load ${get(`$r${r}`)}))`);
  let sum = `(${s}.load ${get("$yp")})`;
  for (let r = 0; r < rows; r++) sum = `(${s}.add ${sum} (${s}.mul ${get(`$s${r}`)} ${get(`$e${r}`)}))`;
  scalarLines.push(`(${s}.store ${get("$yp")} ${sum})`);
  for (let r = 0; r < rows; r++) {
    scalarLines.push(
      `(${s}.store ${get(`$r${r}`)} (${s}.add ${get(`$e${r}`)} (${s}.mul ${get(`$t${r}`)} (${s}.load ${
        get("$vp")
      }))))`,
    );
  }
  const advance = (by: number) =>
    [
      ...Array.from({ length: rows }, (_, r) => bump(`$r${r}`, i32(by))),
      bump("$yp", i32(by)),
      bump("$vp", i32(by)),
    ].join("\n");
  return `${setup.join("\n")}
  (local.set $yp ${get("$py")})
  (local.set $vp ${get("$pv")})
  (local.set $q ${get("$n")})
  ${countDown("$q", 2 * lanes, `${step(0)}\n${step(16)}\n${advance(32)}`)}
  ${countDown("$q", lanes, `${step(0)}\n${advance(16)}`)}
  ${countDown("$q", 1, `${scalarLines.join("\n")}\n${advance(bytes)}`)}`;
}

/**
 * `gemv_t_ger_<t>(pa, lda, m, n, px, alpha, py, pu, pv, gamma)`: y ← α·Aᵀ·x (y has n entries,
 * x has m), then A ← A + γ·u·vᵀ (u has m entries, v has n), A m × n with row stride lda bytes.
 * y must not overlap A, u or v.
 */
function gemvTGer(p: WatPrecision): string {
  const { s, bytes, lanes } = p;
  const perRow = (prefix: string) => Array.from({ length: ROWS }, (_, r) => `${prefix}${r}`);
  return `
(func (export "gemv_t_ger_${s}")
  (param $pa i32) (param $lda i32) (param $m i32) (param $n i32) (param $px i32) (param $alpha ${s})
  (param $py i32) (param $pu i32) (param $pv i32) (param $gamma ${s})
  ${locals("i32", ["$i", "$q", "$yp", "$vp", ...perRow("$r")])}
  ${locals(s, [...perRow("$s"), ...perRow("$t"), ...perRow("$e")])}
  ${locals("v128", ["$vv", ...perRow("$sv"), ...perRow("$tv"), ...perRow("$a")])}
  (local.set $yp ${get("$py")})
  (local.set $q ${get("$n")})
  ${countDown("$q", lanes, `(v128.store ${get("$yp")} (v128.const i64x2 0 0))\n${bump("$yp", i32(16))}`)}
  ${countDown("$q", 1, `(${s}.store ${get("$yp")} (${s}.const 0))\n${bump("$yp", i32(bytes))}`)}
  (local.set $i (i32.const 0))
  (block $rows_done (loop $rows_next
    (br_if $rows_done (i32.gt_s ${add(get("$i"), i32(ROWS))} ${get("$m")}))
    ${block(p, ROWS)}
    ${bump("$i", i32(ROWS))}
    (br $rows_next)))
  (block $row_done (loop $row_next
    (br_if $row_done (i32.ge_s ${get("$i")} ${get("$m")}))
    ${block(p, 1)}
    ${bump("$i", i32(1))}
    (br $row_next))))`;
}
