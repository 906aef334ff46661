/**
 * Zero false alarms: clean symbols must always decode `clean`, whatever their magnitude, in
 * float64 and stored in float32, and with the node-side recipe (float32 accumulation, tolerance
 * from the input norms) that the training nodes use.
 */

import { Rng } from "../lib/random/rng.ts";
import { gridCode } from "../lib/codes/grid.ts";
import { polyDotCode } from "../lib/codes/polydot.ts";
import { systematicGenerator } from "../lib/codes/generators.ts";
import { MdsStage, type StageCode } from "../lib/codes/stage.ts";
import { roundoffEpsilon } from "../lib/codes/tolerance.ts";
import { assert } from "./assert.ts";
import {
  encodeSymbols,
  logUniform,
  norm,
  outputs,
  randomMessages,
  storedTolerance,
} from "./codes_fixtures.ts";

const grid = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
const STAGES: StageCode[] = [
  grid.forward,
  grid.backward,
  polyDotCode({ m: 2, n: 2, p: 12 }).forward,
  polyDotCode({ m: 3, n: 2, p: 16 }).backward,
  new MdsStage("gaussian(40,10)", systematicGenerator("gaussian", 40, 10, 5, "false-alarm")),
];

for (const dtype of ["float64", "float32"] as const) {
  Deno.test(`no false alarm in 10,000 clean decodes, symbols stored in ${dtype}`, () => {
    const rng = Rng.named(31, dtype);
    const length = 32;
    const decoders = STAGES.map((s) => s.decoder({ length }));
    let alarms = 0;
    let worstMargin = 0;
    for (let i = 0; i < 10_000; i++) {
      const k = i % STAGES.length;
      const stage = STAGES[k];
      const messages = randomMessages(rng, stage.Q, length, logUniform(rng, 1e-6, 1e6));
      const symbols = encodeSymbols(stage, messages, dtype);
      const r = decoders[k].decode(
        symbols,
        null,
        storedTolerance(stage, messages, dtype),
        outputs(decoders[k].wanted.length, length),
      );
      if (r.verdict !== "clean") alarms++;
      worstMargin = Math.max(worstMargin, r.margin);
    }
    assert.equal(alarms, 0);
    assert.ok(worstMargin <= 1, `margin ${worstMargin}`);
  });
}

Deno.test("no false alarm with float32-accumulated node products and the input-norm tolerance", () => {
  // The (7,5) forward stage of a 20 × 96 layer: each grid row sums qc = 4 node products, every
  // multiply-add rounded to float32 (as a float32 kernel would), blocks stored in float32.
  const rng = Rng.named(32, "f32-products");
  const layout = grid.layout(20, 96);
  const f = Math.fround;
  const decoder = grid.forward.decoder({ length: layout.forwardLength });
  const msgs = outputs(5, layout.forwardLength);
  let alarms = 0;
  for (let trial = 0; trial < 2000; trial++) {
    const w = Array.from({ length: 20 * 96 }, () => f(rng.normal() * 0.1));
    const x = Float32Array.from({ length: 96 }, () => Math.max(0, rng.normal()));
    // Stored blocks: W̃[r][c] = Σ_i Gr[r][i]·W[i][c], rounded to float32.
    const symbols = Array.from({ length: 7 }, (_, r) => {
      const y = new Float32Array(layout.forwardLength);
      for (let c = 0; c < 4; c++) {
        for (let i = 0; i < layout.forwardLength; i++) {
          let acc = 0;
          for (let l = 0; l < 24; l++) {
            let wt = 0;
            for (let q = 0; q < 5; q++) wt += grid.rowGenerator.get(r, q) * w[(q * 4 + i) * 96 + c * 24 + l];
            acc = f(acc + f(f(wt) * x[c * 24 + l]));
          }
          y[i] = f(y[i] + acc);
        }
      }
      return y;
    });
    let rowNorm = 0;
    for (let i = 0; i < 20; i++) rowNorm = Math.max(rowNorm, norm(w.slice(i * 96, (i + 1) * 96)));
    const tol = {
      scale: grid.forwardScale(rowNorm, norm(x)),
      // One more float32 rounding for the stored (encoded) blocks.
      epsilon: roundoffEpsilon("float32", grid.forwardTerms(layout)) + 2 ** -24,
    };
    if (decoder.decode(symbols, null, tol, msgs).verdict !== "clean") alarms++;
  }
  assert.equal(alarms, 0);
});
