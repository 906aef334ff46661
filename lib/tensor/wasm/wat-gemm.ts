/**
 * WebAssembly text for GEMM: packing into panels and the macro-kernel with its MR × NR register
 * block. The blocking loops (which panel, which k-slice) run in TypeScript (gemm-driver.ts); each
 * call here does O(MC·KC·NC) work, so the JS↔wasm crossings are negligible.
 *
 * Panel layout (Goto/BLIS): op(A) is cut into micro-panels of MR rows stored k-major
 * (`a[p·MR + i]`), op(B) into micro-panels of NR columns stored k-major (`b[p·NR + j]`); partial
 * panels are zero-padded, so the micro-kernel always runs a full MR × NR block and only the
 * write-back looks at the edges. α is folded into A while packing.
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
  madd,
  mul,
  shuffleLanes,
  type WatPrecision,
} from "./wat-text.ts";

/** Rows of the register block (both precisions). */
export const MR = 6;
/** Columns of the register block: two vectors per row, 8 for f32 and 4 for f64. */
export function nrOf(p: WatPrecision): number {
  return 2 * p.lanes;
}
/**
 * Live rows of the register-block variants, largest first: a block of `mr` rows runs the
 * smallest one that holds it (6 for 5–6 rows, 4 for 3–4, 2 for 1–2); A panels keep MR rows.
 */
const EDGE_ROWS = [MR, 4, 2];
/** k-steps per iteration of the micro-kernel's unrolled loop (and per index group of `gemm_macro_gb`). */
export const UNROLL = 4;

/** All GEMM functions for one precision. */
export function gemmWat(p: WatPrecision): string {
  return [
    packAN(p),
    packAT(p),
    packBN(p),
    packBT(p),
    ...(["plain", "gather-b", "scatter-c"] as const).map((variant) => macroKernel(p, variant)),
  ].join("\n");
}

/** Vectors of one register-block row. */
const VR = 2;

function accumulator(i: number, v: number): string {
  return `$c${i}_${v}`;
}

/**
 * How a macro-kernel variant addresses B's k-steps and C's rows:
 * - `"plain"`: k-step p of a B micro-panel at `p·NR` elements, row i of C at `i·ldc` bytes;
 * - `"gather-b"`: k-step p at `kix[p]·NR` elements (`kix`: i32 indices, one per k-step), so a
 *   product can skip k-steps of a pre-packed B; the first `groups` runs of UNROLL (4) entries
 *   must each be adjacent indices (`kix[4g + u] = kix[4g] + u`): they cost one index each;
 * - `"scatter-c"`: row i of C at `rix[i]·ldc` bytes (`rix`: i32 indices, one per row), so a
 *   product can write a subset of the rows of a pre-packed C.
 */
export type MacroVariant = "plain" | "gather-b" | "scatter-c";

/** Export-name suffix of each variant. */
const VARIANT_SUFFIX: Record<MacroVariant, string> = { plain: "", "gather-b": "_gb", "scatter-c": "_sc" };

/**
 * One k-step of the register block: `c[i][·] += a[p][i] · b[p][·]` for the first `rows` rows, at
 * byte offsets from `$a_at` and from the B row pointer `bBase`.
 */
function microStep(p: WatPrecision, rows: number, aOffset: number, bOffset: number, bBase = "$b_at"): string {
  const lines: string[] = [];
  for (let v = 0; v < VR; v++) {
    lines.push(`(local.set $b${v} (v128.load offset=${bOffset + 16 * v} ${get(bBase)}))`);
  }
  for (let i = 0; i < rows; i++) {
    lines.push(`(local.set $av (${p.splat} offset=${aOffset + i * p.bytes} ${get("$a_at")}))`);
    for (let v = 0; v < VR; v++) {
      const c = accumulator(i, v);
      lines.push(`(local.set ${c} ${madd(p, get("$av"), get(`$b${v}`), get(c))})`);
    }
  }
  return lines.join("\n");
}

/** `$bg_at ← $b_at + kix[·]·32`: the B row (NR elements, 32 bytes) of the k index at `$ix_at`. */
const gatheredRow = `(local.set $bg_at ${
  add(get("$b_at"), `(i32.shl (i32.load ${get("$ix_at")}) ${i32(5)})`)
})`;

/**
 * `gemm_macro_<t>(mc, nc, kc, pa, pb, bps, pc, ldc, cps, beta, tmp)`: C[mc × nc] ← Apanel·Bpanel
 * + β·C for packed panels (kc deep) at `pa`, `pb`, consecutive B micro-panels `bps` bytes apart
 * (kc·NR·bytes when packed per call; more when a slice of a pre-packed matrix is used); C at
 * byte address `pc`, element (i, j) at `pc + i·ldc + ⌊j/NR⌋·cps + (j mod NR)·bytes` (row-major C:
 * cps = NR·bytes; C stored as NR-column panels: ldc = NR·bytes, cps = the panel size); `tmp` is
 * MR·NR elements of scratch for edge blocks. β = 0 never reads C.
 *
 * The variants (see {@link MacroVariant}) take one more parameter, the address of their index
 * list: `gemm_macro_gb_<t>(…, kix, groups)` reads k-step p of each B micro-panel at `kix[p]·NR`
 * elements from its start (4·groups ≤ kc); `gemm_macro_sc_<t>(…, rix)` puts row i of C at
 * `pc + rix[i]·ldc`.
 */
function macroKernel(p: WatPrecision, variant: MacroVariant): string {
  const nr = nrOf(p);
  const { s, v, bytes } = p;
  const gatherB = variant === "gather-b";
  const scatterC = variant === "scatter-c";
  if (nr * bytes !== 32) throw new Error("gathered B rows are 32 bytes (a shift by 5)");
  const accs: string[] = [];
  for (let i = 0; i < MR; i++) for (let w = 0; w < VR; w++) accs.push(accumulator(i, w));

  const zero = accs.map((c) => `(local.set ${c} (v128.const i64x2 0 0))`).join("\n");
  /** The k loop of a block with `rows` live rows (the other accumulators stay zero). */
  const kLoopOf = (rows: number) => {
    const unrolled = (bBase: string) =>
      Array.from({ length: UNROLL }, (_, u) => microStep(p, rows, u * MR * bytes, u * nr * bytes, bBase))
        .join("\n");
    if (!gatherB) {
      return `${
        countDown(
          "$k",
          UNROLL,
          `${unrolled("$b_at")}
        ${bump("$a_at", i32(UNROLL * MR * bytes))}
        ${bump("$b_at", i32(UNROLL * nr * bytes))}`,
        )
      }
    ${
        countDown(
          "$k",
          1,
          `${microStep(p, rows, 0, 0)}
        ${bump("$a_at", i32(MR * bytes))}
        ${bump("$b_at", i32(nr * bytes))}`,
        )
      }`;
    }
    // Groups of UNROLL adjacent k-steps: one index, then the plain steps; then single steps.
    return `(local.set $k ${get("$groups")})
    ${
      countDown(
        "$k",
        1,
        `${gatheredRow}
        ${unrolled("$bg_at")}
        ${bump("$a_at", i32(UNROLL * MR * bytes))}
        ${bump("$ix_at", i32(4 * UNROLL))}`,
      )
    }
    (local.set $k (i32.sub ${get("$kc")} (i32.mul ${get("$groups")} ${i32(UNROLL)})))
    ${
      countDown(
        "$k",
        1,
        `${gatheredRow}
        ${microStep(p, rows, 0, 0, "$bg_at")}
        ${bump("$a_at", i32(MR * bytes))}
        ${bump("$ix_at", i32(4))}`,
      )
    }`;
  };
  // Edge blocks of fewer rows run a shorter register block (M = 64 is 10 blocks of 6 and one of 4).
  const kLoop = EDGE_ROWS.reduceRight(
    (inner, rows, q) =>
      q === EDGE_ROWS.length - 1
        ? kLoopOf(rows)
        : `(if (i32.gt_s ${get("$mr")} ${i32(EDGE_ROWS[q + 1])}) (then ${kLoopOf(rows)}) (else ${inner}))`,
    "",
  );

  /** Byte address of row `i` (a constant) of the current block. */
  const rowAddress = (i: number) =>
    scatterC
      ? add(get("$c_at"), mul(`(i32.load offset=${4 * i} ${get("$ri_at")})`, get("$ldc")))
      : i === 0
      ? get("$c_at")
      : add(get("$c_at"), mul(i32(i), get("$ldc")));
  /** Byte address of row `$i` (a local) of the current block. */
  const rowAddressOf = (i: string) =>
    scatterC
      ? add(
        get("$c_at"),
        mul(`(i32.load ${add(get("$ri_at"), `(i32.shl ${get(i)} (i32.const 2))`)})`, get("$ldc")),
      )
      : add(get("$c_at"), mul(get(i), get("$ldc")));
  /** Writes the accumulators of whole rows (NR columns); `guarded`: only rows i < $mr. */
  const storeRows = (withBeta: boolean, guarded: boolean) => {
    const lines: string[] = [];
    for (let i = 0; i < MR; i++) {
      const row: string[] = [`(local.set $row ${rowAddress(i)})`];
      for (let w = 0; w < VR; w++) {
        const c = get(accumulator(i, w));
        const value = withBeta ? madd(p, get("$vbeta"), `(v128.load offset=${16 * w} ${get("$row")})`, c) : c;
        row.push(`(v128.store offset=${16 * w} ${get("$row")} ${value})`);
      }
      lines.push(
        guarded && i > 0
          ? `(if (i32.gt_s ${get("$mr")} ${i32(i)}) (then ${row.join("\n")}))`
          : row.join("\n"),
      );
    }
    return lines.join("\n");
  };
  const storeWhole = (guarded: boolean) =>
    `(if (${s}.eq ${get("$beta")} (${s}.const 0))
      (then ${storeRows(false, guarded)})
      (else ${storeRows(true, guarded)}))`;
  const spill = accs.map((c, q) => `(v128.store offset=${16 * q} ${get("$tmp")} ${get(c)})`).join("\n");
  const edge = forRange(
    "$i",
    get("$mr"),
    1,
    forRange(
      "$j",
      get("$nr"),
      1,
      `(local.set $row ${add(rowAddressOf("$i"), mul(get("$j"), i32(bytes)))})
      (${s}.store ${get("$row")}
        (${s}.add
          (${s}.load ${add(get("$tmp"), mul(add(mul(get("$i"), i32(nr)), get("$j")), i32(bytes)))})
          (select (${s}.const 0) (${s}.mul ${get("$beta")} (${s}.load ${get("$row")}))
            (${s}.eq ${get("$beta")} (${s}.const 0)))))`,
    ),
  );
  const indexParam = gatherB ? "(param $kix i32) (param $groups i32)" : scatterC ? "(param $rix i32)" : "";
  const blockStart = gatherB
    ? `(local.set $b_at ${get("$bp")})
          (local.set $ix_at ${get("$kix")})`
    : `(local.set $b_at ${get("$bp")})`;
  const rowsStart = scatterC
    ? `(local.set $c_at ${get("$cp")})
          (local.set $ri_at ${add(get("$rix"), mul(get("$ir"), i32(4)))})`
    : `(local.set $c_at ${add(get("$cp"), mul(get("$ir"), get("$ldc")))})`;

  return `
(func (export "gemm_macro${VARIANT_SUFFIX[variant]}_${s}")
  (param $mc i32) (param $nc i32) (param $kc i32) (param $pa i32) (param $pb i32) (param $bps i32)
  (param $pc i32) (param $ldc i32) (param $cps i32) (param $beta ${s}) (param $tmp i32) ${indexParam}
  ${
    locals("i32", [
      "$jr",
      "$ir",
      "$mr",
      "$nr",
      "$k",
      "$a_at",
      "$b_at",
      "$c_at",
      "$row",
      "$i",
      "$j",
      "$bp",
      "$cp",
      ...(gatherB ? ["$ix_at", "$bg_at"] : []),
      ...(scatterC ? ["$ri_at"] : []),
    ])
  }
  ${locals("v128", ["$av", "$vbeta", ...Array.from({ length: VR }, (_, w) => `$b${w}`), ...accs])}
  (local.set $vbeta (${v}.splat ${get("$beta")}))
  (local.set $bp ${get("$pb")})
  (local.set $cp ${get("$pc")})
  ${
    forRange(
      "$jr",
      get("$nc"),
      nr,
      `(local.set $nr (i32.sub ${get("$nc")} ${get("$jr")}))
      ${clampTo("$nr", nr)}
      ${
        forRange(
          "$ir",
          get("$mc"),
          MR,
          `(local.set $mr (i32.sub ${get("$mc")} ${get("$ir")}))
          ${clampTo("$mr", MR)}
          (local.set $a_at ${add(get("$pa"), mul(get("$ir"), mul(get("$kc"), i32(bytes))))})
          ${blockStart}
          ${zero}
          (local.set $k ${get("$kc")})
          ${kLoop}
          ${rowsStart}
          (if (i32.eq ${get("$nr")} ${i32(nr)})
            (then
              (if (i32.eq ${get("$mr")} ${i32(MR)})
                (then ${storeWhole(false)})
                (else ${storeWhole(true)})))
            (else
              ${spill}
              ${edge}))`,
        )
      }
      ${bump("$bp", get("$bps"))}
      ${bump("$cp", get("$cps"))}`,
    )
  })`;
}

/**
 * `pack_a_n_<t>(src, lda, mc, kc, alpha, dst)`: op(A) = A (rows at stride `lda` bytes), the
 * mc × kc block at `src`, scaled by α, into MR-row micro-panels at `dst`. Full panels load a
 * vector from each of the MR rows and transpose in registers; the rest goes element by element.
 */
function packAN(p: WatPrecision): string {
  const { s, v, bytes, lanes } = p;
  const loads: string[] = [];
  for (let i = 0; i < MR; i++) {
    loads.push(`(local.set $v${i} (v128.load ${add(get("$from"), mul(i32(i), get("$lda")))}))`);
  }
  const stores: string[] = [];
  const scaled = (r: string) => `(${v}.mul ${get("$valpha")} ${get(r)})`;
  // Rows in groups of `lanes` become, per k-step l, `lanes` adjacent elements of the panel.
  const whole = MR - (MR % lanes);
  for (let i0 = 0; i0 < whole; i0 += lanes) {
    stores.push(transposeTile(p, i0));
    for (let l = 0; l < lanes; l++) {
      stores.push(`(v128.store offset=${(l * MR + i0) * bytes} ${get("$to")} ${scaled(`$r${l}`)})`);
    }
  }
  if (MR % lanes === 2) {
    // f32: rows 4 and 5 interleaved, two k-steps per vector, 8 bytes per k-step.
    stores.push(
      `(local.set $t0 (i8x16.shuffle ${shuffleLanes(bytes, [0, 4, 1, 5])} ${get(`$v${whole}`)} ${
        get(`$v${whole + 1}`)
      }))`,
      `(local.set $t1 (i8x16.shuffle ${shuffleLanes(bytes, [2, 6, 3, 7])} ${get(`$v${whole}`)} ${
        get(`$v${whole + 1}`)
      }))`,
    );
    for (let l = 0; l < lanes; l++) {
      stores.push(
        `(v128.store64_lane offset=${(l * MR + whole) * bytes} ${l % 2} ${get("$to")} ${
          scaled(`$t${l >> 1}`)
        })`,
      );
    }
  }
  const vs = Array.from({ length: MR }, (_, i) => `$v${i}`);
  const scalarStep = forRange(
    "$i",
    i32(MR),
    1,
    `(${s}.store ${add(get("$to"), mul(get("$i"), i32(bytes)))}
      ${
      loadIf(
        s,
        `(i32.lt_s ${get("$i")} ${get("$mr")})`,
        `(${s}.mul ${get("$alpha")} (${s}.load ${add(get("$from"), mul(get("$i"), get("$lda")))}))`,
      )
    })`,
  );
  return `
(func (export "pack_a_n_${s}")
  (param $src i32) (param $lda i32) (param $mc i32) (param $kc i32) (param $alpha ${s}) (param $dst i32)
  ${locals("i32", ["$ir", "$mr", "$i", "$k", "$from", "$to"])}
  ${locals("v128", ["$valpha", ...vs, "$r0", "$r1", "$r2", "$r3", "$t0", "$t1", "$t2", "$t3"])}
  (local.set $valpha (${v}.splat ${get("$alpha")}))
  (local.set $to ${get("$dst")})
  ${
    forRange(
      "$ir",
      get("$mc"),
      MR,
      `(local.set $mr (i32.sub ${get("$mc")} ${get("$ir")}))
      ${clampTo("$mr", MR)}
      (local.set $from ${add(get("$src"), mul(get("$ir"), get("$lda")))})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$mr")} ${i32(MR)})
        (then
          ${
        countDown(
          "$k",
          lanes,
          `${loads.join("\n")}
          ${stores.join("\n")}
          ${bump("$from", i32(lanes * bytes))}
          ${bump("$to", i32(lanes * MR * bytes))}`,
        )
      }))
      ${
        countDown(
          "$k",
          1,
          `${scalarStep}
          ${bump("$from", i32(bytes))}
          ${bump("$to", i32(MR * bytes))}`,
        )
      }`,
    )
  })`;
}

/**
 * The stores of one k-step of a full A micro-panel: MR adjacent elements at local `from`, times
 * `$valpha`, to `$to`: whole vectors plus maybe one 8-byte half (MR·bytes is 24 or 48).
 */
export function scaledPanelCopies(p: WatPrecision, from: string): string[] {
  const { v, bytes } = p;
  const panelBytes = MR * bytes;
  const copies: string[] = [];
  for (let off = 0; off + 16 <= panelBytes; off += 16) {
    copies.push(
      `(v128.store offset=${off} ${get("$to")} (${v}.mul ${get("$valpha")} (v128.load offset=${off} ${
        get(from)
      })))`,
    );
  }
  if (panelBytes % 16 === 8) {
    const off = panelBytes - 8;
    copies.push(
      `(v128.store64_lane offset=${off} 0 ${get("$to")} (${v}.mul ${
        get("$valpha")
      } (v128.load64_zero offset=${off} ${get(from)})))`,
    );
  }
  return copies;
}

/**
 * `pack_a_t_<t>(src, lda, mc, kc, alpha, dst)`: op(A) = Aᵀ, so the block is stored kc × mc at
 * `src` (rows at stride `lda` bytes); each k-step of a full micro-panel is MR adjacent elements.
 */
function packAT(p: WatPrecision): string {
  const { s, v, bytes } = p;
  const copies = scaledPanelCopies(p, "$from");
  return `
(func (export "pack_a_t_${s}")
  (param $src i32) (param $lda i32) (param $mc i32) (param $kc i32) (param $alpha ${s}) (param $dst i32)
  ${locals("i32", ["$ir", "$mr", "$i", "$k", "$from", "$to"])}
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
      (local.set $from ${add(get("$src"), mul(get("$ir"), i32(bytes)))})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$mr")} ${i32(MR)})
        (then ${
        countDown(
          "$k",
          1,
          `${copies.join("\n")}
          ${bump("$from", get("$lda"))}
          ${bump("$to", i32(MR * bytes))}`,
        )
      })
        (else ${
        countDown(
          "$k",
          1,
          `${
            forRange(
              "$i",
              i32(MR),
              1,
              `(${s}.store ${add(get("$to"), mul(get("$i"), i32(bytes)))}
                ${
                loadIf(
                  s,
                  `(i32.lt_s ${get("$i")} ${get("$mr")})`,
                  `(${s}.mul ${get("$alpha")} (${s}.load ${add(get("$from"), mul(get("$i"), i32(bytes)))}))`,
                )
              })`,
            )
          }
          ${bump("$from", get("$lda"))}
          ${bump("$to", i32(MR * bytes))}`,
        )
      }))`,
    )
  })`;
}

/**
 * `pack_b_n_<t>(src, ldb, kc, nc, dst)`: op(B) = B, the kc × nc block at `src` (rows at stride
 * `ldb` bytes) into NR-column micro-panels, one panel at a time (a full panel row is two
 * vectors). Going row by row across all panels instead is twice as slow: it scatters the writes
 * over nc/NR streams one panel apart.
 */
function packBN(p: WatPrecision): string {
  const { s, bytes } = p;
  const nr = nrOf(p);
  return `
(func (export "pack_b_n_${s}")
  (param $src i32) (param $ldb i32) (param $kc i32) (param $nc i32) (param $dst i32)
  ${locals("i32", ["$jr", "$nr", "$j", "$k", "$from", "$to"])}
  (local.set $to ${get("$dst")})
  ${
    forRange(
      "$jr",
      get("$nc"),
      nr,
      `(local.set $nr (i32.sub ${get("$nc")} ${get("$jr")}))
      ${clampTo("$nr", nr)}
      (local.set $from ${add(get("$src"), mul(get("$jr"), i32(bytes)))})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$nr")} ${i32(nr)})
        (then ${
        countDown(
          "$k",
          1,
          `(v128.store offset=0 ${get("$to")} (v128.load offset=0 ${get("$from")}))
          (v128.store offset=16 ${get("$to")} (v128.load offset=16 ${get("$from")}))
          ${bump("$from", get("$ldb"))}
          ${bump("$to", i32(nr * bytes))}`,
        )
      })
        (else ${
        countDown(
          "$k",
          1,
          `${
            forRange(
              "$j",
              i32(nr),
              1,
              `(${s}.store ${add(get("$to"), mul(get("$j"), i32(bytes)))}
                ${
                loadIf(
                  s,
                  `(i32.lt_s ${get("$j")} ${get("$nr")})`,
                  `(${s}.load ${add(get("$from"), mul(get("$j"), i32(bytes)))})`,
                )
              })`,
            )
          }
          ${bump("$from", get("$ldb"))}
          ${bump("$to", i32(nr * bytes))}`,
        )
      }))`,
    )
  })`;
}

/**
 * Transposes `lanes × lanes` tiles in registers: input locals `$v<j>` hold lanes p..p+L−1 of
 * column j; output locals `$r<l>` hold columns j0..j0+L−1 of k-step p+l.
 */
function transposeTile(p: WatPrecision, j0: number): string {
  const lb = p.bytes;
  if (p.lanes === 2) {
    return `(local.set $r0 (i8x16.shuffle ${shuffleLanes(lb, [0, 2])} ${get(`$v${j0}`)} ${
      get(`$v${j0 + 1}`)
    }))
    (local.set $r1 (i8x16.shuffle ${shuffleLanes(lb, [1, 3])} ${get(`$v${j0}`)} ${get(`$v${j0 + 1}`)}))`;
  }
  const [a, b, c, d] = [0, 1, 2, 3].map((q) => get(`$v${j0 + q}`));
  return `(local.set $t0 (i8x16.shuffle ${shuffleLanes(lb, [0, 4, 1, 5])} ${a} ${b}))
    (local.set $t1 (i8x16.shuffle ${shuffleLanes(lb, [0, 4, 1, 5])} ${c} ${d}))
    (local.set $t2 (i8x16.shuffle ${shuffleLanes(lb, [2, 6, 3, 7])} ${a} ${b}))
    (local.set $t3 (i8x16.shuffle ${shuffleLanes(lb, [2, 6, 3, 7])} ${c} ${d}))
    (local.set $r0 (i8x16.shuffle ${shuffleLanes(lb, [0, 1, 4, 5])} ${get("$t0")} ${get("$t1")}))
    (local.set $r1 (i8x16.shuffle ${shuffleLanes(lb, [2, 3, 6, 7])} ${get("$t0")} ${get("$t1")}))
    (local.set $r2 (i8x16.shuffle ${shuffleLanes(lb, [0, 1, 4, 5])} ${get("$t2")} ${get("$t3")}))
    (local.set $r3 (i8x16.shuffle ${shuffleLanes(lb, [2, 3, 6, 7])} ${get("$t2")} ${get("$t3")}))`;
}

/**
 * `pack_b_t_<t>(src, ldb, kc, nc, dst)`: op(B) = Bᵀ, so column j of op(B) is row j of the stored
 * nc × kc block; full panels are gathered a vector per column and transposed in registers.
 */
function packBT(p: WatPrecision): string {
  const { s, bytes, lanes } = p;
  const nr = nrOf(p);
  const loads: string[] = [];
  for (let j = 0; j < nr; j++) {
    loads.push(`(local.set $v${j} (v128.load ${add(get("$from"), mul(i32(j), get("$ldb")))}))`);
  }
  const stores: string[] = [];
  for (let j0 = 0; j0 < nr; j0 += lanes) {
    stores.push(transposeTile(p, j0));
    for (let l = 0; l < lanes; l++) {
      stores.push(`(v128.store offset=${(l * nr + j0) * bytes} ${get("$to")} ${get(`$r${l}`)})`);
    }
  }
  const scalarStep = forRange(
    "$j",
    i32(nr),
    1,
    `(${s}.store ${add(get("$to"), mul(get("$j"), i32(bytes)))}
      ${
      loadIf(
        s,
        `(i32.lt_s ${get("$j")} ${get("$nr")})`,
        `(${s}.load ${add(get("$from"), mul(get("$j"), get("$ldb")))})`,
      )
    })`,
  );
  const vs = Array.from({ length: nr }, (_, j) => `$v${j}`);
  const rs = Array.from({ length: lanes }, (_, l) => `$r${l}`);
  const ts = lanes === 4 ? ["$t0", "$t1", "$t2", "$t3"] : [];
  return `
(func (export "pack_b_t_${s}")
  (param $src i32) (param $ldb i32) (param $kc i32) (param $nc i32) (param $dst i32)
  ${locals("i32", ["$jr", "$nr", "$j", "$k", "$from", "$to"])}
  ${locals("v128", [...vs, ...rs, ...ts])}
  (local.set $to ${get("$dst")})
  ${
    forRange(
      "$jr",
      get("$nc"),
      nr,
      `(local.set $nr (i32.sub ${get("$nc")} ${get("$jr")}))
      ${clampTo("$nr", nr)}
      (local.set $from ${add(get("$src"), mul(get("$jr"), get("$ldb")))})
      (local.set $k ${get("$kc")})
      (if (i32.eq ${get("$nr")} ${i32(nr)})
        (then
          ${
        countDown(
          "$k",
          lanes,
          `${loads.join("\n")}
          ${stores.join("\n")}
          ${bump("$from", i32(lanes * bytes))}
          ${bump("$to", i32(lanes * nr * bytes))}`,
        )
      }))
      ${
        countDown(
          "$k",
          1,
          `${scalarStep}
          ${bump("$from", i32(bytes))}
          ${bump("$to", i32(nr * bytes))}`,
        )
      }`,
    )
  })`;
}
