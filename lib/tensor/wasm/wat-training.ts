/**
 * WebAssembly text for the training step's remaining element-wise work: the bias gradient (column
 * sums, accumulated in f64 in row order so that the result is bit-identical to the float64
 * reference `biasUpdate`) and the gather of a batch of byte images through a 256-entry table.
 *
 * @module
 */

import { add, bump, countDown, forRange, get, highHalf, i32, mul, type WatPrecision } from "./wat-text.ts";

/** The training kernels for one precision. */
export function trainingWat(p: WatPrecision): string {
  return [columnSums(p), gatherBytes(p), nonzeroColumns(p)].join("\n");
}

/** Vectors of a row that one pass of the column sums accumulates (16 f32 or 8 f64 columns). */
const WIDE = 4;

/**
 * `column_sums_<t>(pa, lda, rows, cols, alpha, py)`: y[j] ← y[j] + α·Σ_i A[i][j] with every sum
 * accumulated in f64 from i = 0 upwards, then `y[j] + α·s` evaluated in f64 and rounded once to
 * the storage precision. Columns go {@link WIDE} vectors at a time (f32 lanes widened to f64x2
 * accumulators), then one vector at a time, then one by one.
 */
function columnSums(p: WatPrecision): string {
  const { s, bytes, lanes } = p;
  const f32 = s === "f32";
  const widen = (x: string) => (f32 ? `(f64.promote_f32 ${x})` : x);
  const narrow = (x: string) => (f32 ? `(f32.demote_f64 ${x})` : x);
  /** Accumulators for `vectors` vectors of a row: two per f32 vector, one per f64 vector. */
  const accs = (vectors: number) => Array.from({ length: vectors * (f32 ? 2 : 1) }, (_, q) => `$acc${q}`);
  const accumulate = (vectors: number) => {
    const lines: string[] = [];
    for (let u = 0; u < vectors; u++) {
      if (f32) {
        lines.push(
          `(local.set $v (v128.load offset=${16 * u} ${get("$ap")}))`,
          `(local.set $acc${2 * u} (f64x2.add ${get(`$acc${2 * u}`)} (f64x2.promote_low_f32x4 ${
            get("$v")
          })))`,
          `(local.set $acc${2 * u + 1} (f64x2.add ${get(`$acc${2 * u + 1}`)} (f64x2.promote_low_f32x4
            ${highHalf(get("$v"))})))`,
        );
      } else {
        lines.push(
          `(local.set $acc${u} (f64x2.add ${get(`$acc${u}`)} (v128.load offset=${16 * u} ${get("$ap")})))`,
        );
      }
    }
    return lines.join("\n");
  };
  const update = (column: number) => {
    const at = add(get("$py"), mul(add(get("$j"), i32(column)), i32(bytes)));
    const sum = `(f64x2.extract_lane ${column % 2} ${get(`$acc${column >> 1}`)})`;
    return `(${s}.store ${at} ${
      narrow(`(f64.add ${widen(`(${s}.load ${at})`)} (f64.mul ${get("$alpha")} ${sum}))`)
    })`;
  };
  const groups = (vectors: number) => {
    const columns = vectors * lanes;
    return `(block $done${vectors} (loop $next${vectors}
    (br_if $done${vectors} (i32.gt_s ${add(get("$j"), i32(columns))} ${get("$cols")}))
    ${accs(vectors).map((a) => `(local.set ${a} (v128.const i64x2 0 0))`).join("\n")}
    (local.set $ap ${add(get("$pa"), mul(get("$j"), i32(bytes)))})
    ${forRange("$i", get("$rows"), 1, `${accumulate(vectors)}\n${bump("$ap", get("$lda"))}`)}
    ${Array.from({ length: columns }, (_, c) => update(c)).join("\n")}
    ${bump("$j", i32(columns))}
    (br $next${vectors})))`;
  };
  const tailAt = add(get("$py"), mul(get("$j"), i32(bytes)));
  return `
(func (export "column_sums_${s}")
  (param $pa i32) (param $lda i32) (param $rows i32) (param $cols i32) (param $alpha f64) (param $py i32)
  (local $j i32) (local $i i32) (local $ap i32) (local $sum f64) (local $v v128)
  ${accs(WIDE).map((a) => `(local ${a} v128)`).join(" ")}
  (local.set $j (i32.const 0))
  ${groups(WIDE)}
  ${groups(1)}
  (block $cols_done (loop $cols_next
    (br_if $cols_done (i32.ge_s ${get("$j")} ${get("$cols")}))
    (local.set $sum (f64.const 0))
    (local.set $ap ${add(get("$pa"), mul(get("$j"), i32(bytes)))})
    ${
    forRange(
      "$i",
      get("$rows"),
      1,
      `(local.set $sum (f64.add ${get("$sum")} ${widen(`(${s}.load ${get("$ap")})`)}))
      ${bump("$ap", get("$lda"))}`,
    )
  }
    (${s}.store ${tailAt} ${
    narrow(`(f64.add ${widen(`(${s}.load ${tailAt})`)} (f64.mul ${get("$alpha")} ${get("$sum")}))`)
  })
    ${bump("$j", i32(1))}
    (br $cols_next))))`;
}

/**
 * `gather_u8_<t>(src, rows, cols, table, dst, ldd)`: X[r][j] ← table[src[r·cols + j]] for the
 * `rows × cols` bytes at `src` (one image after another) into X at `dst` (row stride `ldd`
 * bytes). Sixteen bytes at a time: when all sixteen are zero (most of an MNIST image's border)
 * they become sixteen copies of table[0] a vector at a time, otherwise they are looked up one by
 * one; the row's last `cols mod 16` bytes go one by one.
 */
function gatherBytes(p: WatPrecision): string {
  const { s, v, bytes } = p;
  const shift = bytes === 4 ? 2 : 3;
  const one = (offset: number) =>
    `(${s}.store offset=${offset * bytes} ${get("$dp")} (${s}.load ${
      add(get("$table"), `(i32.shl (i32.load8_u offset=${offset} ${get("$sp")}) (i32.const ${shift}))`)
    }))`;
  const zeros = Array.from(
    { length: (16 * bytes) / 16 },
    (_, q) => `(v128.store offset=${16 * q} ${get("$dp")} ${get("$zero")})`,
  );
  return `
(func (export "gather_u8_${s}")
  (param $src i32) (param $rows i32) (param $cols i32) (param $table i32) (param $dst i32) (param $ldd i32)
  (local $r i32) (local $q i32) (local $sp i32) (local $dp i32) (local $zero v128)
  (local.set $zero (${v}.splat (${s}.load ${get("$table")})))
  (local.set $sp ${get("$src")})
  ${
    forRange(
      "$r",
      get("$rows"),
      1,
      `(local.set $dp ${add(get("$dst"), mul(get("$r"), get("$ldd")))})
      (local.set $q ${get("$cols")})
      ${
        countDown(
          "$q",
          16,
          `(if (v128.any_true (v128.load ${get("$sp")}))
            (then ${Array.from({ length: 16 }, (_, o) => one(o)).join("\n")})
            (else ${zeros.join("\n")}))
          ${bump("$sp", i32(16))}
          ${bump("$dp", i32(16 * bytes))}`,
        )
      }
      ${countDown("$q", 1, `${one(0)}\n${bump("$sp", i32(1))}\n${bump("$dp", i32(bytes))}`)}`,
    )
  })`;
}

/**
 * `nonzero_columns_<t>(px, ldx, rows, cols, mask)`: mask[j] (an i32 per column, zeroed by the
 * caller) becomes −1 when some X[i][j] is not zero (NaN counts as not zero). Rows are OR-ed into
 * the mask a vector of columns at a time.
 */
function nonzeroColumns(p: WatPrecision): string {
  const { s, v, bytes, lanes } = p;
  // f64: two columns per vector; the low words of their i64 lanes become two i32 mask words.
  const vectorStep = lanes === 4
    ? `(v128.store ${get("$mp")} (v128.or (v128.load ${get("$mp")}) (${v}.ne (v128.load ${
      get("$xp")
    }) (v128.const i64x2 0 0))))`
    : `(v128.store64_lane 0 ${get("$mp")} (v128.or (v128.load64_zero ${get("$mp")})
        (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
          (${v}.ne (v128.load ${get("$xp")}) (v128.const i64x2 0 0)) (v128.const i64x2 0 0))))`;
  return `
(func (export "nonzero_columns_${s}")
  (param $px i32) (param $ldx i32) (param $rows i32) (param $cols i32) (param $mask i32)
  (local $i i32) (local $q i32) (local $xp i32) (local $mp i32)
  ${
    forRange(
      "$i",
      get("$rows"),
      1,
      `(local.set $xp ${add(get("$px"), mul(get("$i"), get("$ldx")))})
      (local.set $mp ${get("$mask")})
      (local.set $q ${get("$cols")})
      ${countDown("$q", lanes, `${vectorStep}\n${bump("$xp", i32(16))}\n${bump("$mp", i32(4 * lanes))}`)}
      ${
        countDown(
          "$q",
          1,
          `(if (${s}.ne (${s}.load ${get("$xp")}) (${s}.const 0)) (then (i32.store ${
            get("$mp")
          } (i32.const -1))))
          ${bump("$xp", i32(bytes))}
          ${bump("$mp", i32(4))}`,
        )
      }`,
    )
  })`;
}
