/**
 * IEEE-754 bit flips in float32-stored symbols of the authors' stages: a flip of bit 20..31
 * (the three top mantissa bits, the exponent, the sign) is always located and corrected; a lower
 * bit is either corrected or masked: the result is within the decoder's stated accuracy and the
 * flip was at most the stated detection bound (unseen) or close to it (seen, but too close to the
 * noise to tell which symbol it came from: "mislocated").
 */

import { Rng } from "../lib/random/rng.ts";
import { gridCode } from "../lib/codes/grid.ts";
import { assert } from "./assert.ts";
import { encodeSymbols, outputs, randomMessages, storedTolerance } from "./codes_fixtures.ts";

/** Flips bit `bit` of entry `index` of a float32 array; returns the change in value. */
function flipBit(a: Float32Array, index: number, bit: number): number {
  const before = a[index];
  new Uint32Array(a.buffer, a.byteOffset, a.length)[index] ^= 1 << bit;
  return a[index] - before;
}

Deno.test("float32 bit flips: bits 20–31 always corrected, lower bits corrected or below the stated bound", () => {
  const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
  const rng = Rng.named(41, "bit-flips");
  const length = 256;
  const classes = Array.from({ length: 32 }, () => ({ corrected: 0, masked: 0, mislocated: 0 }));
  for (const stage of [code.forward, code.backward]) {
    const decoder = stage.decoder({ length });
    for (let round = 0; round < 10; round++) {
      const messages = randomMessages(rng, stage.Q, length);
      const clean = encodeSymbols(stage, messages, "float32") as Float32Array[];
      const tol = storedTolerance(stage, messages, "float32");
      const report = decoder.report(tol);
      const reference = outputs(stage.Q, length);
      assert.equal(decoder.decode(clean, null, tol, reference).verdict, "clean");
      for (let bit = 0; bit < 32; bit++) {
        for (let k = 0; k < 4; k++) {
          const symbols = clean.map((s) => s.slice());
          const p = rng.int(stage.P);
          const change = flipBit(symbols[p], rng.int(length), bit);
          const out = outputs(stage.Q, length);
          const r = decoder.decode(symbols, null, tol, out);
          let off = 0;
          out.forEach((o, q) => o.forEach((v, l) => (off = Math.max(off, Math.abs(v - reference[q][l])))));
          const what = `${stage.name} bit ${bit} symbol ${p} change ${change}`;
          if (r.verdict === "corrected" && r.located[0] === p) {
            assert.deepEqual(r.located, [p], what);
            assert.ok(off <= 2 * r.bound, `${what}: corrected output off by ${off} > 2·${r.bound}`);
            classes[bit].corrected++;
          } else if (r.verdict === "corrected") {
            assert.ok(bit < 20, `${what}: located ${r.located}`);
            assert.ok(
              Math.abs(change) <= 4 * report.detect[p],
              `${what}: mislocated far above the bound ${report.detect[p]}`,
            );
            assert.ok(off <= 2 * r.bound, `${what}: mislocated error moved the output by ${off}`);
            classes[bit].mislocated++;
          } else {
            assert.ok(bit < 20, `${what}: ${r.verdict} ${r.reason}`);
            assert.equal(r.verdict, "clean", what);
            assert.ok(
              Math.abs(change) <= report.detect[p],
              `${what}: undetected above the bound ${report.detect[p]}`,
            );
            assert.ok(off <= 2 * r.bound, `${what}: masked error moved the output by ${off}`);
            classes[bit].masked++;
          }
        }
      }
    }
  }
  for (let bit = 20; bit < 32; bit++) assert.equal(classes[bit].corrected, 80, `bit ${bit}`);
  // The classes are not vacuous: the lowest bits are masked, the middle ones already corrected.
  assert.ok(classes[0].masked > 0 && classes[16].corrected > 0);
});
