/**
 * WebAssembly text for the input layer's products when the batch X is mostly zeros (an MNIST
 * image is four-fifths background): they run over X's non-zero entries only, against the
 * pre-packed weights (the `"panels"` layout: Wᵀ as NR-column panels, k-major, 32 bytes per
 * k-step in both precisions). Dropping exact zeros changes no sum except in the order its terms
 * are added.
 *
 * An entry is an i32 byte offset followed by its value: {@link entryBytes} bytes (8 for f32, 16
 * for f64, the value at offset 4 or 8). Entry lists are written branch-free: every candidate is
 * stored and the cursor moves on only past the non-zero ones (±0 is left out, NaN kept).
 *
 * - `sparse_rows_<t>(px, ldx, rows, cols, limit, rowptr, entries) → nnz`: X (rows × cols, row
 *   stride `ldx` bytes) by rows: row i's entries lie between the byte addresses rowptr[i] and
 *   rowptr[i+1], each with its column j as the offset 32·j. A vector of zeros is skipped at once.
 *   Gives up and returns −1 as soon as a row ends with more than `limit` entries in all (the
 *   list needs room for `limit + cols + 4` entries).
 * - `sparse_columns_<t>(px, ldx, rows, list, count, rowBytes, limit, colptr, entries) → nnz`: the
 *   columns `list[0 … count−1]` of X by columns: listed column q's entries lie between colptr[q]
 *   and colptr[q+1], each with its row i as the offset `rowBytes·i`; gives up (−1) like
 *   `sparse_rows` past `limit` entries (room for `limit + rows + 4` entries).
 * - `sparse_forward_<t>(panels, rows, rowptr, pw, wps, n, ps, lds, tmp)`: S[·][the columns of
 *   `panels` panels from `pw` on] ← X·Wᵀ: per row, Σ over its entries x · (the entry's k-step of
 *   each panel), `wps` bytes from one panel to the next. S at `ps` (row stride `lds` bytes) has
 *   `n` columns from the first panel's first column on; a last panel that sticks out of S is
 *   written element by element through `tmp` (2·panels vectors).
 * - `sparse_update_<t>(panels, count, list, colptr, alpha, pd, pw, wps)`: Wᵀ[j][those columns]
 *   += α · Σ over column j's entries x · Δ[i][those columns] for each listed column j; Δ at `pd`
 *   is row-major (the row offsets of the entries), its first column the first panel's.
 *
 * `panels` is 1 … {@link SPARSE_PANELS}: the register block holds 2 vectors per panel.
 *
 * @module
 */

import { add, bump, get, i32, locals, madd, mul, type WatPrecision } from "./wat-text.ts";

/** Most panels one call of the sparse products handles (12 accumulators). */
export const SPARSE_PANELS = 6;

/** The register-block widths the sparse products are generated for (the driver picks greedily). */
export const SPARSE_WIDTHS = [6, 4, 2, 1] as const;

/** Bytes of one entry (offset, value) for elements of `bytes` bytes. */
export function entryBytes(bytes: number): number {
  return bytes === 4 ? 8 : 16;
}

/** The sparse input-layer kernels for one precision. */
export function sparseInputWat(p: WatPrecision): string {
  return [sparseRows(p), sparseColumns(p), sparseForward(p), sparseUpdate(p)].join("\n");
}

/** `while (i < n) { body; i += step }` with a fresh label. */
function loop(label: string, i: string, n: string, body: string, step = 1): string {
  return `(block ${label}_done (loop ${label}_next
  (br_if ${label}_done (i32.ge_s ${get(i)} ${n}))
  ${body}
  ${bump(i, i32(step))}
  (br ${label}_next)))`;
}

/** Stores the entry (offset, `$x`) at `$e` and moves `$e` on when `$x` is not zero. */
function emit(p: WatPrecision, offset: string): string {
  const { s, bytes } = p;
  return `(i32.store ${get("$e")} ${offset})
    (${s}.store offset=${bytes} ${get("$e")} ${get("$x")})
    (local.set $e (i32.add ${get("$e")} (i32.shl (${s}.ne ${get("$x")} (${s}.const 0)) ${
    i32(Math.log2(entryBytes(bytes)))
  })))`;
}

function sparseRows(p: WatPrecision): string {
  const { s, v, bytes, lanes } = p;
  const lane = (l: number) =>
    `(local.set $x (${s}.load offset=${l * bytes} ${get("$xp")}))
    ${emit(p, `(i32.shl ${add(get("$j"), i32(l))} (i32.const 5))`)}`;
  const eb = entryBytes(bytes);
  return `
(func (export "sparse_rows_${s}")
  (param $px i32) (param $ldx i32) (param $rows i32) (param $cols i32) (param $limit i32) (param $rowptr i32)
  (param $entries i32) (result i32)
  (local $i i32) (local $j i32) (local $xp i32) (local $e i32) (local $x ${s})
  (local.set $e ${get("$entries")})
  (local.set $i (i32.const 0))
  ${
    loop(
      "$row",
      "$i",
      get("$rows"),
      `(i32.store ${add(get("$rowptr"), `(i32.shl ${get("$i")} (i32.const 2))`)} ${get("$e")})
      (local.set $xp ${add(get("$px"), mul(get("$i"), get("$ldx")))})
      (local.set $j (i32.const 0))
      (block $vec_done (loop $vec_next
        (br_if $vec_done (i32.gt_s ${add(get("$j"), i32(lanes))} ${get("$cols")}))
        (if (v128.any_true (${v}.ne (v128.load ${get("$xp")}) (v128.const i64x2 0 0)))
          (then ${Array.from({ length: lanes }, (_, l) => lane(l)).join("\n")}))
        ${bump("$xp", i32(16))}
        ${bump("$j", i32(lanes))}
        (br $vec_next)))
      ${loop("$tail", "$j", get("$cols"), `${lane(0)}\n${bump("$xp", i32(bytes))}`)}
      (if (i32.gt_s (i32.shr_u (i32.sub ${get("$e")} ${get("$entries")}) ${i32(Math.log2(eb))}) ${
        get("$limit")
      })
        (then (return (i32.const -1))))`,
    )
  }
  (i32.store ${add(get("$rowptr"), `(i32.shl ${get("$rows")} (i32.const 2))`)} ${get("$e")})
  (i32.shr_u (i32.sub ${get("$e")} ${get("$entries")}) ${i32(Math.log2(eb))}))`;
}

function sparseColumns(p: WatPrecision): string {
  const { s, bytes } = p;
  const eb = entryBytes(bytes);
  return `
(func (export "sparse_columns_${s}")
  (param $px i32) (param $ldx i32) (param $rows i32) (param $list i32) (param $count i32) (param $rowBytes i32)
  (param $limit i32) (param $colptr i32) (param $entries i32) (result i32)
  (local $q i32) (local $i i32) (local $xp i32) (local $e i32) (local $off i32) (local $x ${s})
  (local.set $e ${get("$entries")})
  (local.set $q (i32.const 0))
  ${
    loop(
      "$column",
      "$q",
      get("$count"),
      `(i32.store ${add(get("$colptr"), `(i32.shl ${get("$q")} (i32.const 2))`)} ${get("$e")})
      (local.set $xp ${
        add(
          get("$px"),
          mul(`(i32.load ${add(get("$list"), `(i32.shl ${get("$q")} (i32.const 2))`)})`, i32(bytes)),
        )
      })
      (local.set $off (i32.const 0))
      (local.set $i (i32.const 0))
      ${
        loop(
          "$row",
          "$i",
          get("$rows"),
          `(local.set $x (${s}.load ${get("$xp")}))
          ${emit(p, get("$off"))}
          ${bump("$xp", get("$ldx"))}
          ${bump("$off", get("$rowBytes"))}`,
        )
      }
      (if (i32.gt_s (i32.shr_u (i32.sub ${get("$e")} ${get("$entries")}) ${i32(Math.log2(eb))}) ${
        get("$limit")
      })
        (then (return (i32.const -1))))`,
    )
  }
  (i32.store ${add(get("$colptr"), `(i32.shl ${get("$count")} (i32.const 2))`)} ${get("$e")})
  (i32.shr_u (i32.sub ${get("$e")} ${get("$entries")}) ${i32(Math.log2(eb))}))`;
}

/** Accumulator names of a block of `width` panels. */
function accs(width: number): string[] {
  return Array.from({ length: 2 * width }, (_, q) => `$c${q}`);
}

/** `acc += splat(x) · vector` for the 2·`width` vectors `load(q, w)` of the `width` panels. */
function accumulate(p: WatPrecision, width: number, load: (q: number, w: number) => string): string {
  const lines: string[] = [];
  for (let q = 0; q < width; q++) {
    for (let w = 0; w < 2; w++) {
      const c = `$c${2 * q + w}`;
      lines.push(`(local.set ${c} ${madd(p, get("$xv"), load(q, w), get(c))})`);
    }
  }
  return lines.join("\n");
}

/** The body for each width, chosen at run time by `$panels` (largest first). */
function byWidth(body: (width: number) => string): string {
  return SPARSE_WIDTHS.reduceRight(
    (inner, width, q) =>
      q === SPARSE_WIDTHS.length - 1
        ? body(width)
        : `(if (i32.ge_s ${get("$panels")} ${i32(width)}) (then ${body(width)}) (else ${inner}))`,
    "",
  );
}

/** The loop over the entries from `$e` to `$end`: splat the value, then `body` with `$o` the offset. */
function entries(p: WatPrecision, body: string): string {
  const { bytes } = p;
  return `(block $entry_done (loop $entry_next
    (br_if $entry_done (i32.ge_u ${get("$e")} ${get("$end")}))
    (local.set $o (i32.load ${get("$e")}))
    (local.set $xv (${p.splat} offset=${bytes} ${get("$e")}))
    ${body}
    ${bump("$e", i32(entryBytes(bytes)))}
    (br $entry_next)))`;
}

function sparseForward(p: WatPrecision): string {
  const { s, bytes } = p;
  const body = (width: number) => {
    const zero = accs(width).map((c) => `(local.set ${c} (v128.const i64x2 0 0))`).join("\n");
    const store = accs(width).map((c, q) => `(v128.store offset=${16 * q} ${get("$row")} ${get(c)})`).join(
      "\n",
    );
    const spill = accs(width).map((c, q) => `(v128.store offset=${16 * q} ${get("$tmp")} ${get(c)})`).join(
      "\n",
    );
    return `
    (local.set $i (i32.const 0))
    ${
      loop(
        "$row",
        "$i",
        get("$rows"),
        `${zero}
        (local.set $e (i32.load ${add(get("$rowptr"), `(i32.shl ${get("$i")} (i32.const 2))`)}))
        (local.set $end (i32.load offset=4 ${add(get("$rowptr"), `(i32.shl ${get("$i")} (i32.const 2))`)}))
        ${
          entries(
            p,
            `(local.set $at ${add(get("$pw"), get("$o"))})
            ${
              accumulate(p, width, (q, w) =>
                w === 0 && q > 0
                  ? `(v128.load (local.tee $at ${add(get("$at"), get("$wps"))}))`
                  : `(v128.load offset=${16 * w} ${get("$at")})`)
            }`,
          )
        }
        (local.set $row ${add(get("$ps"), mul(get("$i"), get("$lds")))})
        (if (i32.ge_s ${get("$n")} ${i32((32 / bytes) * width)})
          (then ${store})
          (else
            ${spill}
            (local.set $j (i32.const 0))
            ${
          loop(
            "$col",
            "$j",
            get("$n"),
            `(${s}.store ${add(get("$row"), mul(get("$j"), i32(bytes)))}
              (${s}.load ${add(get("$tmp"), mul(get("$j"), i32(bytes)))}))`,
          )
        }))`,
      )
    }`;
  };
  return `
(func (export "sparse_forward_${s}")
  (param $panels i32) (param $rows i32) (param $rowptr i32) (param $pw i32) (param $wps i32) (param $n i32)
  (param $ps i32) (param $lds i32) (param $tmp i32)
  ${
    locals("i32", [
      "$i",
      "$j",
      "$e",
      "$end",
      "$o",
      "$row",
      "$at",
    ])
  }
  ${locals("v128", ["$xv", ...accs(SPARSE_PANELS)])}
  ${byWidth(body)})`;
}

function sparseUpdate(p: WatPrecision): string {
  const { s, v } = p;
  const body = (width: number) => {
    const zero = accs(width).map((c) => `(local.set ${c} (v128.const i64x2 0 0))`).join("\n");
    const write: string[] = [];
    for (let q = 0; q < width; q++) {
      write.push(`(local.set $at ${q === 0 ? get("$wj") : add(get("$wj"), mul(i32(q), get("$wps")))})`);
      for (let w = 0; w < 2; w++) {
        write.push(
          `(v128.store offset=${16 * w} ${get("$at")} ${
            madd(
              p,
              `(${v}.splat ${get("$alpha")})`,
              get(`$c${2 * q + w}`),
              `(v128.load offset=${16 * w} ${get("$at")})`,
            )
          })`,
        );
      }
    }
    return `(local.set $q (i32.const 0))
    ${
      loop(
        "$column",
        "$q",
        get("$count"),
        `(local.set $e (i32.load ${add(get("$colptr"), `(i32.shl ${get("$q")} (i32.const 2))`)}))
        (local.set $end (i32.load offset=4 ${add(get("$colptr"), `(i32.shl ${get("$q")} (i32.const 2))`)}))
        (if (i32.lt_u ${get("$e")} ${get("$end")})
          (then
            ${zero}
            ${
          entries(
            p,
            `(local.set $at ${add(get("$pd"), get("$o"))})
            ${accumulate(p, width, (q, w) => `(v128.load offset=${32 * q + 16 * w} ${get("$at")})`)}`,
          )
        }
            (local.set $wj ${
          add(
            get("$pw"),
            `(i32.shl (i32.load ${add(get("$list"), `(i32.shl ${get("$q")} (i32.const 2))`)}) (i32.const 5))`,
          )
        })
            ${write.join("\n")}))`,
      )
    }`;
  };
  return `
(func (export "sparse_update_${s}")
  (param $panels i32) (param $count i32) (param $list i32) (param $colptr i32) (param $alpha ${s}) (param $pd i32)
  (param $pw i32) (param $wps i32)
  ${locals("i32", ["$q", "$e", "$end", "$o", "$at", "$wj"])}
  ${locals("v128", ["$xv", ...accs(SPARSE_PANELS)])}
  ${byWidth(body)})`;
}
