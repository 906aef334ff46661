/**
 * WebAssembly text for packing A from a subset of a matrix's columns, listed by index: the
 * input layer's products skip the input columns that are zero in the whole batch (see
 * panel-gemm.ts), so their A panels are built from the listed columns only. The panel layout is
 * the one of wat-gemm.ts (MR-row micro-panels, k-major, zero-padded, α folded in).
 *
 * - `pack_a_n_ix_<t>(src, lda, mc, kc, alpha, kix, dst)`: op(A) = A (rows at stride `lda`
 *   bytes); k-step p of the panels is column `kix[p]` of A, so `a[p·MR + i] = α·A[i][kix[p]]`;
 * - `pack_a_t_ix_<t>(src, lda, mc, kc, alpha, rix, dst)`: op(A) = Aᵀ (A stored kc × ·, rows at
 *   stride `lda` bytes); row i of op(A) is column `rix[i]` of A, so `a[p·MR + i] = α·A[p][rix[i]]`.
 *   A micro-panel whose MR columns are adjacent is copied a vector at a time, like `pack_a_t`.
 *
 * Index lists are strictly increasing i32 element indices; only the first `kc` (resp. `mc`)
 * entries are read.
 *
 * @module
 */

import {
  add,
  bump,
  clampTo,
  countDown,
  forRange,
  get,
  i32,
  loadIf,
  locals,
  mul,
  type WatPrecision,
} from "./wat-text.ts";
import { MR, scaledPanelCopies } from "./wat-gemm.ts";

/** The indexed packing routines for one precision. */
export function packIndexedWat(p: WatPrecision): string {
  return [packANIndexed(p), packATIndexed(p)].join("\n");
}

/** log₂ of the element size. */
function shiftOf(p: WatPrecision): number {
  return p.bytes === 4 ? 2 : 3;
}

/** `(i32.shl (i32.load offset=… at) shift)`: the byte offset of a listed element. */
function listed(p: WatPrecision, at: string, offset = 0): string {
  return `(i32.shl (i32.load offset=${offset} ${at}) ${i32(shiftOf(p))})`;
}

function packANIndexed(p: WatPrecision): string {
  const { s, bytes } = p;
  const rowOffsets = Array.from({ length: MR - 1 }, (_, q) => `$o${q + 1}`);
  const full: string[] = [`(local.set $col ${add(get("$from"), listed(p, get("$ix")))})`];
  for (let i = 0; i < MR; i++) {
    const at = i === 0 ? get("$col") : add(get("$col"), get(`$o${i}`));
    full.push(`(${s}.store offset=${i * bytes} ${get("$to")} (${s}.mul ${get("$alpha")} (${s}.load ${at})))`);
  }
  const partial = forRange(
    "$i",
    i32(MR),
    1,
    `(${s}.store ${add(get("$to"), mul(get("$i"), i32(bytes)))}
      ${
      loadIf(
        s,
        `(i32.lt_s ${get("$i")} ${get("$mr")})`,
        `(${s}.mul ${get("$alpha")} (${s}.load ${
          add(add(get("$from"), mul(get("$i"), get("$lda"))), listed(p, get("$ix")))
        }))`,
      )
    })`,
  );
  const step = (body: string) =>
    countDown(
      "$k",
      1,
      `${body}
      ${bump("$ix", i32(4))}
      ${bump("$to", i32(MR * bytes))}`,
    );
  return `
(func (export "pack_a_n_ix_${s}")
  (param $src i32) (param $lda i32) (param $mc i32) (param $kc i32) (param $alpha ${s}) (param $kix i32)
  (param $dst i32)
  ${locals("i32", ["$ir", "$mr", "$i", "$k", "$from", "$to", "$ix", "$col", ...rowOffsets])}
  ${rowOffsets.map((o, q) => `(local.set ${o} ${mul(i32(q + 1), get("$lda"))})`).join("\n")}
  (local.set $to ${get("$dst")})
  ${
    forRange(
      "$ir",
      get("$mc"),
      MR,
      `(local.set $mr (i32.sub ${get("$mc")} ${get("$ir")}))
      ${clampTo("$mr", MR)}
      (local.set $from ${add(get("$src"), mul(get("$ir"), get("$lda")))})
      (local.set $ix ${get("$kix")})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$mr")} ${i32(MR)})
        (then ${step(full.join("\n"))})
        (else ${step(partial)}))`,
    )
  })`;
}

function packATIndexed(p: WatPrecision): string {
  const { s, v, bytes } = p;
  const offsets = Array.from({ length: MR }, (_, i) => `$o${i}`);
  // Adjacent columns: as in pack_a_t.
  const copies = scaledPanelCopies(p, "$col");
  const gathered: string[] = [];
  for (let i = 0; i < MR; i++) {
    gathered.push(
      `(${s}.store offset=${i * bytes} ${get("$to")} (${s}.mul ${get("$alpha")} (${s}.load ${
        add(get("$from"), get(`$o${i}`))
      })))`,
    );
  }
  const partial = forRange(
    "$i",
    i32(MR),
    1,
    `(${s}.store ${add(get("$to"), mul(get("$i"), i32(bytes)))}
      ${
      loadIf(
        s,
        `(i32.lt_s ${get("$i")} ${get("$mr")})`,
        `(${s}.mul ${get("$alpha")} (${s}.load ${
          add(get("$from"), listed(p, add(get("$ix"), `(i32.shl ${get("$i")} (i32.const 2))`)))
        }))`,
      )
    })`,
  );
  const step = (body: string) =>
    countDown(
      "$k",
      1,
      `${body}
      ${bump("$from", get("$lda"))}
      ${bump("$to", i32(MR * bytes))}`,
    );
  return `
(func (export "pack_a_t_ix_${s}")
  (param $src i32) (param $lda i32) (param $mc i32) (param $kc i32) (param $alpha ${s}) (param $rix i32)
  (param $dst i32)
  ${locals("i32", ["$ir", "$mr", "$i", "$k", "$from", "$to", "$ix", "$col", ...offsets])}
  (local $valpha v128)
  (local.set $valpha (${v}.splat ${get("$alpha")}))
  (local.set $to ${get("$dst")})
  ${
    forRange(
      "$ir",
      get("$mc"),
      MR,
      `(local.set $mr (i32.sub ${get("$mc")} ${get("$ir")}))
      ${clampTo("$mr", MR)}
      (local.set $ix ${add(get("$rix"), mul(get("$ir"), i32(4)))})
      (local.set $from ${get("$src")})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$mr")} ${i32(MR)})
        (then
          ${offsets.map((o, i) => `(local.set ${o} ${listed(p, get("$ix"), 4 * i)})`).join("\n")}
          (if (i32.eq (i32.sub ${get(`$o${MR - 1}`)} ${get("$o0")}) ${i32((MR - 1) * bytes)})
            (then
              (local.set $col ${add(get("$from"), get("$o0"))})
              ${
        countDown(
          "$k",
          1,
          `${copies.join("\n")}
              ${bump("$col", get("$lda"))}
              ${bump("$to", i32(MR * bytes))}`,
        )
      })
            (else ${step(gathered.join("\n"))})))
        (else ${step(partial)}))`,
    )
  })`;
}
