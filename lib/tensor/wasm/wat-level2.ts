/**
 * WebAssembly text for the memory-bound kernels: GEMV both ways and GER. With B = 1 training
 * these stream every weight block once per call, so they are written to keep several independent
 * rows in flight and to touch each matrix element exactly once.
 *
 * @module
 */

import { add, bump, countDown, get, i32, locals, madd, mul, type WatPrecision } from "./wat-text.ts";

/** GEMV (both ways) and GER for one precision. */
export function level2Wat(p: WatPrecision): string {
  return [gemvN(p), gemvT(p), ger(p)].join("\n");
}

/** Rows of A streamed together. */
const ROWS = 4;

/** Sum of the lanes of a vector expression, as a scalar expression. */
function horizontalSum(p: WatPrecision, vec: string): string {
  const lane = (l: number) => `(${p.v}.extract_lane ${l} ${vec})`;
  return p.lanes === 2
    ? `(${p.s}.add ${lane(0)} ${lane(1)})`
    : `(${p.s}.add (${p.s}.add ${lane(0)} ${lane(1)}) (${p.s}.add ${lane(2)} ${lane(3)}))`;
}

/** y[i] ← α·s + β·y[i] for a scalar expression s, without reading y when β = 0. */
function storeScaled(p: WatPrecision, address: string, sum: string): string {
  const { s } = p;
  return `(${s}.store ${address}
    (${s}.add (${s}.mul ${get("$alpha")} ${sum})
      (select (${s}.const 0) (${s}.mul ${get("$beta")} (${s}.load ${address}))
        (${s}.eq ${get("$beta")} (${s}.const 0)))))`;
}

/** Dot products of `rows` rows (starting at row $i) with x, stored into y. */
function gemvNBlock(p: WatPrecision, rows: number): string {
  const { s, v, bytes, lanes } = p;
  const setup: string[] = [];
  for (let r = 0; r < rows; r++) {
    setup.push(`(local.set $r${r} ${add(get("$pa"), mul(add(get("$i"), i32(r)), get("$lda")))})`);
    setup.push(`(local.set $acc${r} (v128.const i64x2 0 0)) (local.set $bcc${r} (v128.const i64x2 0 0))`);
  }
  const twoVectors: string[] = [
    `(local.set $xv (v128.load offset=0 ${get("$xp")}))`,
    `(local.set $xw (v128.load offset=16 ${get("$xp")}))`,
  ];
  const oneVector: string[] = [`(local.set $xv (v128.load ${get("$xp")}))`];
  for (let r = 0; r < rows; r++) {
    twoVectors.push(
      `(local.set $acc${r} ${madd(p, `(v128.load offset=0 ${get(`$r${r}`)})`, get("$xv"), get(`$acc${r}`))})`,
      `(local.set $bcc${r} ${
        madd(p, `(v128.load offset=16 ${get(`$r${r}`)})`, get("$xw"), get(`$bcc${r}`))
      })`,
      bump(`$r${r}`, i32(32)),
    );
    oneVector.push(
      `(local.set $acc${r} ${madd(p, `(v128.load ${get(`$r${r}`)})`, get("$xv"), get(`$acc${r}`))})`,
      bump(`$r${r}`, i32(16)),
    );
  }
  const sums: string[] = [];
  const scalarTail: string[] = [];
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) {
    sums.push(`(local.set $s${r} ${horizontalSum(p, `(${v}.add ${get(`$acc${r}`)} ${get(`$bcc${r}`)})`)})`);
    scalarTail.push(
      `(local.set $s${r} (${s}.add ${get(`$s${r}`)} (${s}.mul (${s}.load ${get(`$r${r}`)}) (${s}.load ${
        get("$xp")
      }))))`,
      bump(`$r${r}`, i32(bytes)),
    );
    stores.push(storeScaled(p, add(get("$py"), mul(add(get("$i"), i32(r)), i32(bytes))), get(`$s${r}`)));
  }
  return `${setup.join("\n")}
  (local.set $xp ${get("$px")})
  (local.set $q ${get("$k")})
  ${countDown("$q", 2 * lanes, `${twoVectors.join("\n")}\n${bump("$xp", i32(32))}`)}
  ${countDown("$q", lanes, `${oneVector.join("\n")}\n${bump("$xp", i32(16))}`)}
  ${sums.join("\n")}
  ${countDown("$q", 1, `${scalarTail.join("\n")}\n${bump("$xp", i32(bytes))}`)}
  ${stores.join("\n")}`;
}

/** `gemv_n_<t>(pa, lda, m, k, px, alpha, beta, py)`: y ← α·A·x + β·y for A m × k (row stride lda bytes). */
function gemvN(p: WatPrecision): string {
  const { s } = p;
  const perRow = (prefix: string) => Array.from({ length: ROWS }, (_, r) => `${prefix}${r}`);
  return `
(func (export "gemv_n_${s}")
  (param $pa i32) (param $lda i32) (param $m i32) (param $k i32) (param $px i32)
  (param $alpha ${s}) (param $beta ${s}) (param $py i32)
  ${locals("i32", ["$i", "$q", "$xp", ...perRow("$r")])}
  ${locals(s, perRow("$s"))}
  ${locals("v128", ["$xv", "$xw", ...perRow("$acc"), ...perRow("$bcc")])}
  (local.set $i (i32.const 0))
  (block $rows_done (loop $rows_next
    (br_if $rows_done (i32.gt_s ${add(get("$i"), i32(ROWS))} ${get("$m")}))
    ${gemvNBlock(p, ROWS)}
    ${bump("$i", i32(ROWS))}
    (br $rows_next)))
  (block $row_done (loop $row_next
    (br_if $row_done (i32.ge_s ${get("$i")} ${get("$m")}))
    ${gemvNBlock(p, 1)}
    ${bump("$i", i32(1))}
    (br $row_next))))`;
}

/** y[·] += Σ_r (α·x[i+r])·A[i+r][·] for `rows` rows starting at $i. */
function gemvTBlock(p: WatPrecision, rows: number): string {
  const { s, v, bytes, lanes } = p;
  const setup: string[] = [];
  for (let r = 0; r < rows; r++) {
    setup.push(
      `(local.set $r${r} ${add(get("$pa"), mul(add(get("$i"), i32(r)), get("$lda")))})`,
      `(local.set $s${r} (${s}.mul ${get("$alpha")} (${s}.load ${
        add(get("$px"), mul(add(get("$i"), i32(r)), i32(bytes)))
      })))`,
      `(local.set $sv${r} (${v}.splat ${get(`$s${r}`)}))`,
    );
  }
  const step = (offset: number) => {
    let y = `(v128.load offset=${offset} ${get("$yp")})`;
    for (let r = 0; r < rows; r++) {
      y = madd(p, get(`$sv${r}`), `(v128.load offset=${offset} ${get(`$r${r}`)})`, y);
    }
    return `(v128.store offset=${offset} ${get("$yp")} ${y})`;
  };
  let scalar = `(${s}.load ${get("$yp")})`;
  for (let r = 0; r < rows; r++) {
    scalar = `(${s}.add ${scalar} (${s}.mul ${get(`$s${r}`)} (${s}.load ${get(`$r${r}`)})))`;
  }
  const advance = (by: number) =>
    [...Array.from({ length: rows }, (_, r) => bump(`$r${r}`, i32(by))), bump("$yp", i32(by))].join("\n");
  return `${setup.join("\n")}
  (local.set $yp ${get("$py")})
  (local.set $q ${get("$n")})
  ${countDown("$q", 2 * lanes, `${step(0)}\n${step(16)}\n${advance(32)}`)}
  ${countDown("$q", lanes, `${step(0)}\n${advance(16)}`)}
  ${countDown("$q", 1, `(${s}.store ${get("$yp")} ${scalar})\n${advance(bytes)}`)}`;
}

/**
 * `gemv_t_<t>(pa, lda, m, n, px, alpha, beta, py)`: y ← α·Aᵀ·x + β·y for A m × n (x has m
 * entries, y has n): y is scaled once, then rows of A are added to it ROWS at a time.
 */
function gemvT(p: WatPrecision): string {
  const { s, v, bytes, lanes } = p;
  const perRow = (prefix: string) => Array.from({ length: ROWS }, (_, r) => `${prefix}${r}`);
  return `
(func (export "gemv_t_${s}")
  (param $pa i32) (param $lda i32) (param $m i32) (param $n i32) (param $px i32)
  (param $alpha ${s}) (param $beta ${s}) (param $py i32)
  ${locals("i32", ["$i", "$q", "$yp", ...perRow("$r")])}
  ${locals(s, perRow("$s"))}
  ${locals("v128", ["$vbeta", ...perRow("$sv")])}
  (local.set $vbeta (${v}.splat ${get("$beta")}))
  (local.set $yp ${get("$py")})
  (local.set $q ${get("$n")})
  (if (${s}.eq ${get("$beta")} (${s}.const 0))
    (then
      ${countDown("$q", lanes, `(v128.store ${get("$yp")} (v128.const i64x2 0 0))\n${bump("$yp", i32(16))}`)}
      ${countDown("$q", 1, `(${s}.store ${get("$yp")} (${s}.const 0))\n${bump("$yp", i32(bytes))}`)})
    (else
      ${
    countDown(
      "$q",
      lanes,
      `(v128.store ${get("$yp")} (${v}.mul ${get("$vbeta")} (v128.load ${get("$yp")})))\n${
        bump("$yp", i32(16))
      }`,
    )
  }
      ${
    countDown(
      "$q",
      1,
      `(${s}.store ${get("$yp")} (${s}.mul ${get("$beta")} (${s}.load ${get("$yp")})))\n${
        bump("$yp", i32(bytes))
      }`,
    )
  }))
  (local.set $i (i32.const 0))
  (block $rows_done (loop $rows_next
    (br_if $rows_done (i32.gt_s ${add(get("$i"), i32(ROWS))} ${get("$m")}))
    ${gemvTBlock(p, ROWS)}
    ${bump("$i", i32(ROWS))}
    (br $rows_next)))
  (block $row_done (loop $row_next
    (br_if $row_done (i32.ge_s ${get("$i")} ${get("$m")}))
    ${gemvTBlock(p, 1)}
    ${bump("$i", i32(1))}
    (br $row_next))))`;
}

/** A[i+r][·] += (α·x[i+r])·y[·] for `rows` rows starting at $i, sharing each load of y. */
function gerBlock(p: WatPrecision, rows: number): string {
  const { s, v, bytes, lanes } = p;
  const setup: string[] = [];
  for (let r = 0; r < rows; r++) {
    setup.push(
      `(local.set $r${r} ${add(get("$pa"), mul(add(get("$i"), i32(r)), get("$lda")))})`,
      `(local.set $s${r} (${s}.mul ${get("$alpha")} (${s}.load ${
        add(get("$px"), mul(add(get("$i"), i32(r)), i32(bytes)))
      })))`,
      `(local.set $sv${r} (${v}.splat ${get(`$s${r}`)}))`,
    );
  }
  const step = (offset: number) => {
    const lines = [`(local.set $yv (v128.load offset=${offset} ${get("$yp")}))`];
    for (let r = 0; r < rows; r++) {
      lines.push(
        `(v128.store offset=${offset} ${get(`$r${r}`)} ${
          madd(p, get(`$sv${r}`), get("$yv"), `(v128.load offset=${offset} ${get(`$r${r}`)})`)
        })`,
      );
    }
    return lines.join("\n");
  };
  const scalar: string[] = [];
  for (let r = 0; r < rows; r++) {
    scalar.push(
      `(${s}.store ${get(`$r${r}`)} (${s}.add (${s}.load ${get(`$r${r}`)}) (${s}.mul ${
        get(`$s${r}`)
      } (${s}.load ${get("$yp")}))))`,
    );
  }
  const advance = (by: number) =>
    [...Array.from({ length: rows }, (_, r) => bump(`$r${r}`, i32(by))), bump("$yp", i32(by))].join("\n");
  return `${setup.join("\n")}
  (local.set $yp ${get("$py")})
  (local.set $q ${get("$n")})
  ${countDown("$q", 2 * lanes, `${step(0)}\n${step(16)}\n${advance(32)}`)}
  ${countDown("$q", lanes, `${step(0)}\n${advance(16)}`)}
  ${countDown("$q", 1, `${scalar.join("\n")}\n${advance(bytes)}`)}`;
}

/**
 * `ger_<t>(pa, lda, m, n, px, py, alpha)`: A ← A + α·x·yᵀ for A m × n (row stride lda bytes),
 * ROWS rows at a time (each element's expression is the same whatever the grouping).
 */
function ger(p: WatPrecision): string {
  const { s } = p;
  const perRow = (prefix: string) => Array.from({ length: ROWS }, (_, r) => `${prefix}${r}`);
  return `
(func (export "ger_${s}")
  (param $pa i32) (param $lda i32) (param $m i32) (param $n i32) (param $px i32) (param $py i32)
  (param $alpha ${s})
  ${locals("i32", ["$i", "$q", "$yp", ...perRow("$r")])}
  ${locals(s, perRow("$s"))}
  ${locals("v128", ["$yv", ...perRow("$sv")])}
  (local.set $i (i32.const 0))
  (block $rows_done (loop $rows_next
    (br_if $rows_done (i32.gt_s ${add(get("$i"), i32(ROWS))} ${get("$m")}))
    ${gerBlock(p, ROWS)}
    ${bump("$i", i32(ROWS))}
    (br $rows_next)))
  (block $row_done (loop $row_next
    (br_if $row_done (i32.ge_s ${get("$i")} ${get("$m")}))
    ${gerBlock(p, 1)}
    ${bump("$i", i32(1))}
    (br $row_next))))`;
}
