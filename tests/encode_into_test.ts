/**
 * `LayerCode.encodeBlock(…, out)`: writing a node's block into a given matrix (a view inside a
 * larger buffer, as the node program's kernel memory holds it) gives exactly the allocated block.
 */

import { buildLayerCode, type CodeSpec } from "../lib/codes/build.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import { assert } from "./assert.ts";

const SPECS: CodeSpec[] = [
  { code: "grid", pr: 4, qr: 3, pc: 3, qc: 2, seed: 2 },
  { code: "polydot", m: 2, n: 2, p: 7 },
  { code: "replication", r: 2, qr: 2, qc: 3 },
  { code: "uncoded", qr: 3, qc: 2 },
  { code: "abft", qr: 3, qc: 2 },
];

for (const spec of SPECS) {
  Deno.test(`encodeBlock into a given matrix equals the allocated block (${spec.code})`, () => {
    const code = buildLayerCode(spec);
    for (const dtype of ["float32", "float64"] as const) {
      const w = Matrix.zeros(13, 11, dtype);
      for (let i = 0; i < 13; i++) for (let j = 0; j < 11; j++) w.set(i, j, Math.sin(7 * i + j));
      const layout = code.layout(13, 11);
      const { blockRows, blockCols } = layout;
      for (let id = 0; id < code.nodes; id++) {
        const fresh = code.encodeBlock(id, w, layout);
        const host = Matrix.zeros(blockRows + 2, blockCols, dtype);
        host.data.fill(NaN);
        const into = host.view(1, 0, blockRows, blockCols);
        const back = code.encodeBlock(id, w, layout, into);
        assert.equal(back, into);
        for (let i = 0; i < blockRows; i++) {
          assert.deepEqual([...into.row(i)], [...fresh.row(i)], `${spec.code} node ${id} row ${i} ${dtype}`);
        }
        assert.ok(
          Number.isNaN(host.get(0, 0)) && Number.isNaN(host.get(blockRows + 1, 0)),
          "outside the view",
        );
      }
      assert.throws(() => code.encodeBlock(0, w, layout, Matrix.zeros(1, 1, dtype)), RangeError);
    }
  });
}
