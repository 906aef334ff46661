/**
 * Every layer code end to end, the way the node program will use it: encode W into node blocks,
 * compute each node's product with its encoded input, sum the groups into coded symbols, decode
 * the stage, and compare with W·x and Wᵀ·δ; the update identity; regeneration of stored blocks.
 */

import { Rng } from "../lib/random/rng.ts";
import { type DType, Matrix } from "../lib/tensor/matrix.ts";
import { abftCode } from "../lib/codes/abft.ts";
import { gridCode } from "../lib/codes/grid.ts";
import { encodeLayer, type LayerCode, type LayerLayout } from "../lib/codes/layer-code.ts";
import { polyDotCode } from "../lib/codes/polydot.ts";
import { regenerate, regenerateChecked } from "../lib/codes/regeneration.ts";
import { replicationCode } from "../lib/codes/replication.ts";
import { roundoffEpsilon } from "../lib/codes/tolerance.ts";
import { assert, assertClose } from "./assert.ts";
import { norm } from "./codes_fixtures.ts";

function randomMatrix(rng: Rng, rows: number, cols: number, dtype: DType = "float64"): Matrix {
  return Matrix.from(rows, cols, Array.from({ length: rows * cols }, () => rng.normal()), dtype);
}

/** Largest row (or column) 2-norm of W. */
function maxNorm(w: Matrix, byColumn: boolean): number {
  let best = 0;
  const n = byColumn ? w.cols : w.rows;
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let b = 0; b < (byColumn ? w.rows : w.cols); b++) s += (byColumn ? w.get(b, a) : w.get(a, b)) ** 2;
    best = Math.max(best, Math.sqrt(s));
  }
  return best;
}

interface Run {
  readonly out: Float64Array;
  readonly verdict: string;
  readonly located: readonly number[];
}

/**
 * One stage through the nodes: products of each group summed into symbols, decoded, the wanted
 * message rows laid out as the batch × size output (`size` = rows for forward, cols for backward).
 */
function runStage(
  code: LayerCode,
  blocks: Matrix[],
  layout: LayerLayout,
  phase: "forward" | "backward",
  input: Float64Array,
  batch: number,
  scale: number,
  storage: DType = "float64",
): Run {
  const fwd = phase === "forward";
  const stage = fwd ? code.forward : code.backward;
  const inLen = fwd ? layout.blockCols : layout.blockRows;
  const outLen = fwd ? layout.blockRows : layout.blockCols;
  const groups = fwd ? code.forwardGroups() : code.backwardGroups();
  const symbols = groups.map((group) => {
    const y = new Float64Array(batch * outLen);
    for (const id of group) {
      const enc = new Float64Array(batch * inLen);
      if (fwd) code.forwardInput(id, layout, input, enc, batch);
      else code.backwardInput(id, layout, input, enc, batch);
      const w = blocks[id];
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < outLen; o++) {
          let s = 0;
          for (let i = 0; i < inLen; i++) s += (fwd ? w.get(o, i) : w.get(i, o)) * enc[b * inLen + i];
          y[b * outLen + o] += s;
        }
      }
    }
    return y;
  });
  const dec = stage.decoder({ length: batch * outLen });
  const msgs = stage.wanted.map(() => new Float64Array(batch * outLen));
  const terms = fwd ? code.forwardTerms(layout) : code.backwardTerms(layout);
  // Blocks stored in `storage` precision, products accumulated in float64 here.
  const epsilon = roundoffEpsilon(storage, terms, { accumulation: "float64", bound: "worst-case" });
  const r = dec.decode(symbols, null, { scale, epsilon }, msgs);
  const total = fwd ? layout.rows.total : layout.cols.total;
  const out = new Float64Array(batch * total);
  msgs.forEach((m, piece) => {
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outLen && piece * outLen + o < total; o++) {
        out[b * total + piece * outLen + o] = m[b * outLen + o];
      }
    }
  });
  return { out, verdict: r.verdict, located: r.located };
}

const CODES: [string, () => LayerCode][] = [
  ["grid 7×6 (5,4)", () => gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 3 })],
  ["grid 4×5 (2,3) cauchy", () => gridCode({ pr: 4, qr: 2, pc: 5, qc: 3, generator: "cauchy" })],
  ["abft (5,4)", () => abftCode({ qr: 5, qc: 4 })],
  ["polydot (2,2,12)", () => polyDotCode({ m: 2, n: 2, p: 12 })],
  ["polydot (3,2,16)", () => polyDotCode({ m: 3, n: 2, p: 16 })],
  ["polydot (1,3,8)", () => polyDotCode({ m: 1, n: 3, p: 8 })],
  ["replication r=3 (2,3)", () => replicationCode({ copies: 3, qr: 2, qc: 3 })],
];

/** Sizes the grids do not divide (padding) and a batch of 3 samples. */
const ROWS = 23;
const COLS = 17;
const BATCH = 3;

function product(w: Matrix, v: Float64Array, batch: number, transpose: boolean): Float64Array {
  const inLen = transpose ? w.rows : w.cols;
  const outLen = transpose ? w.cols : w.rows;
  const out = new Float64Array(batch * outLen);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outLen; o++) {
      let s = 0;
      for (let i = 0; i < inLen; i++) s += (transpose ? w.get(i, o) : w.get(o, i)) * v[b * inLen + i];
      out[b * outLen + o] = s;
    }
  }
  return out;
}

for (const [name, make] of CODES) {
  Deno.test(`${name}: coded forward and backward products decode to W·x and Wᵀ·δ (padded sizes, batch of 3)`, () => {
    const code = make();
    const rng = Rng.named(21, name);
    const w = randomMatrix(rng, ROWS, COLS);
    const x = Float64Array.from({ length: BATCH * COLS }, () => rng.normal());
    const delta = Float64Array.from({ length: BATCH * ROWS }, () => rng.normal());
    const layout = code.layout(ROWS, COLS);
    const blocks = encodeLayer(code, w);
    assert.equal(blocks.length, code.nodes);
    const xNorm = Math.max(...[0, 1, 2].map((b) => norm(x.subarray(b * COLS, (b + 1) * COLS))));
    const dNorm = Math.max(...[0, 1, 2].map((b) => norm(delta.subarray(b * ROWS, (b + 1) * ROWS))));
    const fwd = runStage(
      code,
      blocks,
      layout,
      "forward",
      x,
      BATCH,
      code.forwardScale(maxNorm(w, false), xNorm),
    );
    assert.equal(fwd.verdict, "clean");
    assertClose(fwd.out, product(w, x, BATCH, false), 1e-12, "forward");
    const bwd = runStage(
      code,
      blocks,
      layout,
      "backward",
      delta,
      BATCH,
      code.backwardScale(maxNorm(w, true), dNorm),
    );
    assert.equal(bwd.verdict, "clean");
    assertClose(bwd.out, product(w, delta, BATCH, true), 1e-12, "backward");
  });

  Deno.test(`${name}: updating the stored blocks with encoded vectors equals encoding W + η·δᵀx`, () => {
    const code = make();
    const rng = Rng.named(22, name);
    const eta = 0.05;
    const w = randomMatrix(rng, ROWS, COLS);
    const x = Float64Array.from({ length: BATCH * COLS }, () => rng.normal());
    const delta = Float64Array.from({ length: BATCH * ROWS }, () => rng.normal());
    const layout = code.layout(ROWS, COLS);
    const blocks = encodeLayer(code, w);
    for (let id = 0; id < code.nodes; id++) {
      const xh = new Float64Array(BATCH * layout.blockCols);
      const dh = new Float64Array(BATCH * layout.blockRows);
      code.updateInputs(id, layout, x, delta, xh, dh, BATCH);
      const blk = blocks[id];
      for (let b = 0; b < BATCH; b++) {
        for (let i = 0; i < layout.blockRows; i++) {
          for (let j = 0; j < layout.blockCols; j++) {
            blk.set(i, j, blk.get(i, j) + eta * dh[b * layout.blockRows + i] * xh[b * layout.blockCols + j]);
          }
        }
      }
    }
    const updated = w.clone();
    for (let b = 0; b < BATCH; b++) {
      for (let i = 0; i < ROWS; i++) {
        for (let j = 0; j < COLS; j++) {
          updated.set(i, j, updated.get(i, j) + eta * delta[b * ROWS + i] * x[b * COLS + j]);
        }
      }
    }
    const expected = encodeLayer(code, updated);
    expected.forEach((e, id) => assertClose(blocks[id].toFloat64(), e.toFloat64(), 1e-12, `node ${id}`));
  });

  Deno.test(`${name}: a corrupted stored block is located through its symbol and regenerated from peers`, () => {
    const code = make();
    const rng = Rng.named(23, name);
    const w = randomMatrix(rng, ROWS, COLS);
    const x = Float64Array.from({ length: COLS }, () => rng.normal());
    const layout = code.layout(ROWS, COLS);
    const clean = encodeLayer(code, w);
    const scale = code.forwardScale(maxNorm(w, false), norm(x));
    for (let trial = 0; trial < 4; trial++) {
      const blocks = clean.map((b) => b.clone());
      const groups = code.forwardGroups();
      const victim = groups[rng.int(groups.length)][0];
      // The authors' fault: about a third of the block's entries get U(−5, 5) added.
      const blk = blocks[victim];
      for (let i = 0; i < blk.rows; i++) {
        for (let j = 0; j < blk.cols; j++) {
          if (rng.bernoulli(0.3)) blk.set(i, j, blk.get(i, j) + rng.uniform(-5, 5));
        }
      }
      const run = runStage(code, blocks, layout, "forward", x, 1, scale);
      const expectedVerdict = code.forward.bounds.correctableProbabilistic >= 1
        ? "corrected"
        : "uncorrectable";
      assert.equal(run.verdict, expectedVerdict, `victim ${victim}`);
      if (run.verdict !== "corrected") continue;
      assertClose(run.out, product(w, x, 1, false), 1e-12);
      const symbol = run.located[0];
      assert.ok(groups[symbol].includes(victim));
      // Every node of the faulty symbol's group rebuilds its block from peers outside the group.
      for (const id of groups[symbol]) {
        const plan = code.regeneration(id, "forward", groups[symbol]);
        assert.ok(!plan.sources.some((s) => groups[symbol].includes(s)));
        const rebuilt = Matrix.zeros(layout.blockRows, layout.blockCols, "float64");
        regenerate(plan, blocks, rebuilt);
        assertClose(rebuilt.toFloat64(), clean[id].toFloat64(), 1e-12, `node ${id}`);
      }
    }
  });
}

Deno.test("grid layout: P = qr·Pc + (Pr − qr)·qc, roles, ids, active sets, padding, backward regeneration", () => {
  const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 });
  assert.equal(code.nodes, 5 * 6 + 2 * 4);
  assert.equal(code.nodeAt(6, 5), -1);
  const roles = { systematic: 0, "row-parity": 0, "column-parity": 0 };
  for (let id = 0; id < code.nodes; id++) {
    const p = code.position(id);
    assert.equal(code.nodeAt(p.row, p.col), id);
    roles[p.role]++;
    assert.equal(code.forwardActive(id), p.col < 4);
    assert.equal(code.backwardActive(id), p.row < 5);
  }
  assert.deepEqual(roles, { systematic: 20, "row-parity": 8, "column-parity": 10 });
  assert.equal(code.forwardGroups().flat().length, 7 * 4);
  assert.equal(code.backwardGroups().flat().length, 6 * 5);
  const layout = code.layout(10000, 784);
  assert.deepEqual([layout.blockRows, layout.blockCols, layout.rows.padding, layout.cols.padding], [
    2000,
    196,
    0,
    0,
  ]);
  assert.equal(code.layout(10, 10).cols.padding, 2);
  // Backward: a block is rebuilt from qc blocks of its grid row.
  const rng = Rng.named(24, "grid");
  const w = randomMatrix(rng, 12, 9, "float32");
  const blocks = encodeLayer(code, w);
  const id = code.nodeAt(2, 5);
  const plan = code.regeneration(id, "backward", [code.nodeAt(2, 0)]);
  assert.equal(plan.sources.length, 4);
  assert.ok(plan.sources.every((s) => code.position(s).row === 2 && s !== code.nodeAt(2, 0)));
  const rebuilt = Matrix.zeros(blocks[id].rows, blocks[id].cols, "float32");
  regenerate(plan, blocks, rebuilt);
  assertClose(rebuilt.data, blocks[id].data, 1e-5);
});

Deno.test("invalid code parameters are usage errors with one clear line", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => gridCode({ pr: 5, qr: 5, pc: 6, qc: 4 }), /Pr = 5 must exceed qr = 5/],
    [() => gridCode({ pr: 7, qr: 5, pc: 3, qc: 4 }), /Pc = 3 must exceed qc = 4/],
    [() => gridCode({ pr: 7, qr: 0, pc: 6, qc: 4 }), /qr must be a positive integer/],
    [() => polyDotCode({ m: 2, n: 2, p: 6 }), /needs P > 6 nodes/],
    [() => replicationCode({ copies: 1, qr: 5, qc: 4 }), /copies must be an integer ≥ 2/],
    [() => abftCode({ qr: 5, qc: 4, checksums: 3 }), /checksums must be 1/],
    [() => gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }).layout(3, 10), /cannot be cut/],
  ];
  for (const [fn, message] of bad) {
    assert.throws(
      fn,
      (e: Error) => e.name === "UsageError" && message.test(e.message) && !e.message.includes("\n"),
    );
  }
});

Deno.test("float32 blocks: node products in float32 storage decode within float32 accuracy", () => {
  const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 });
  const rng = Rng.named(25, "f32");
  const w = randomMatrix(rng, 40, 32, "float32");
  const layout = code.layout(40, 32);
  const blocks = encodeLayer(code, w);
  assert.equal(blocks[0].dtype, "float32");
  const x = Float64Array.from({ length: 32 }, () => rng.normal());
  const scale = code.forwardScale(maxNorm(w, false), norm(x));
  // With a float64 tolerance the float32 rounding of the parity blocks is (rightly) an alarm.
  assert.notEqual(runStage(code, blocks, layout, "forward", x, 1, scale).verdict, "clean");
  const run = runStage(code, blocks, layout, "forward", x, 1, scale, "float32");
  assert.equal(run.verdict, "clean");
  assertClose(run.out, product(w, x, 1, false), 1e-5);
});

Deno.test("encoding in row bands (RowChunk) writes the same blocks as encoding the whole W", () => {
  for (const [name, make] of CODES) {
    const code = make();
    const rng = Rng.named(23, name);
    const w = randomMatrix(rng, ROWS, COLS);
    const layout = code.layout(ROWS, COLS);
    const { rows } = layout;
    for (const height of [1, 2, rows.size]) {
      for (let id = 0; id < code.nodes; id++) {
        const whole = code.encodeBlock(id, w, layout);
        const banded = Matrix.zeros(layout.blockRows, layout.blockCols, "float64");
        banded.data.fill(NaN);
        for (let from = 0; from < rows.size; from += height) {
          const to = Math.min(rows.size, from + height);
          // Rows [from, to) of every row block stacked, zero rows where a block is padded.
          const band = Matrix.zeros(rows.parts * (to - from), COLS, "float64");
          for (let i = 0; i < rows.parts; i++) {
            for (let k = from; k < Math.min(to, rows.length(i)); k++) {
              band.row(i * (to - from) + k - from).set(w.row(rows.start(i) + k));
            }
          }
          code.encodeBlock(id, band, layout, banded, { from, to });
        }
        assert.deepEqual(banded.data, whole.data, `${name}, node ${id}, bands of ${height}`);
      }
    }
  }
  const code = CODES[0][1]();
  const layout = code.layout(ROWS, COLS);
  assert.throws(
    () => code.encodeBlock(0, Matrix.zeros(2, COLS, "float64"), layout, undefined, { from: 0, to: 2 }),
    /row chunk/,
  );
});

Deno.test("regeneration with a cross-check: agrees on clean peers, refuses when any peer it reads is corrupted", () => {
  for (const [name, make] of CODES) {
    const code = make();
    const rng = Rng.named(31, name);
    const w = randomMatrix(rng, ROWS, COLS);
    const layout = code.layout(ROWS, COLS);
    const clean = encodeLayer(code, w);
    let checked = 0;
    for (const group of code.forwardGroups()) {
      for (const id of group) {
        let plan;
        try {
          plan = code.regeneration(id, "forward", group);
        } catch {
          continue; // a column-parity node has no full column to be rebuilt from
        }
        if (!plan.check) continue;
        checked++;
        const out = Matrix.zeros(layout.blockRows, layout.blockCols, "float64");
        assert.ok(regenerateChecked(plan, clean, out), `${name}: node ${id} on clean peers`);
        assertClose(out.toFloat64(), clean[id].toFloat64(), 1e-12, `${name}: node ${id}`);
        // Corrupting any one peer the rebuild reads (one entry, by the authors' U(−5, 5)) is caught.
        for (const peer of new Set([...plan.sources, ...plan.check.sources])) {
          const blocks = clean.map((b) => b.clone());
          const i = rng.int(layout.blockRows);
          const j = rng.int(layout.blockCols);
          blocks[peer].set(i, j, blocks[peer].get(i, j) + 0.5 + rng.uniform(0, 4.5));
          assert.ok(
            !regenerateChecked(plan, blocks, Matrix.zeros(layout.blockRows, layout.blockCols, "float64")),
            `${name}: node ${id} rebuilt from corrupted peer ${peer} without noticing`,
          );
        }
      }
    }
    assert.ok(checked > 0, `${name}: no plan had a spare peer`);
  }
});
