import { fillInitialWeights, philoxSourceOf } from "../lib/nn/init.ts";
import { philox4x32, type PhiloxBlockFill, philoxBlocks } from "../lib/random/philox.ts";
import { Rng } from "../lib/random/rng.ts";
import { type DType, Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { assert } from "./assert.ts";

const TWO_32 = 4294967296;
const kernels = await createWasmKernels();

/** Every block of `count` from `first`, one `philox4x32` call each (the naive reference). */
function referenceBlocks(k0: number, k1: number, first: number, count: number): number[] {
  const out = new Uint32Array(4);
  const words: number[] = [];
  for (let c = first; c < first + count; c++) {
    philox4x32(k0, k1, c % TWO_32, Math.floor(c / TWO_32), 0, 0, out);
    words.push(...out);
  }
  return words;
}

function blocksOf(fill: PhiloxBlockFill, k0: number, k1: number, first: number, count: number): number[] {
  const out = new Uint32Array(4 * count);
  fill(k0, k1, first, count, out);
  return [...out];
}

Deno.test("wasm philoxBlocks: Random123 known answer, equals philox4x32 for random keys and counters", () => {
  assert.deepEqual(blocksOf(kernels.philoxBlocks, 0, 0, 0, 1), [
    0x6627e8d5,
    0xe169c58d,
    0xbc57ac4c,
    0x9b00dbd8,
  ]);
  const rng = new Rng(2024, 17);
  const runs: [number, number][] = [
    [0, 5],
    [TWO_32 - 3, 7], // crosses into c1 = 1
    [5 * TWO_32 + 123, 3],
    [2 ** 53 - 9, 9], // the last safe counters
    [1000, 4096 + 37], // more than one wasm chunk
  ];
  for (let i = 0; i < 20; i++) runs.push([Math.floor(rng.next() * 2 ** 52), 1 + rng.int(40)]);
  for (const [first, count] of runs) {
    const [k0, k1] = [rng.nextUint32(), rng.nextUint32()];
    const expected = referenceBlocks(k0, k1, first, count);
    assert.deepEqual(blocksOf(kernels.philoxBlocks, k0, k1, first, count), expected, `first ${first}`);
    assert.deepEqual(blocksOf(philoxBlocks, k0, k1, first, count), expected, `first ${first} (JS)`);
  }
  assert.deepEqual(blocksOf(kernels.philoxBlocks, 1, 2, 3, 0), []);
  for (const fill of [kernels.philoxBlocks, philoxBlocks]) {
    assert.throws(() => fill(0, 0, 0, 3, new Uint32Array(11)), RangeError);
    assert.throws(() => fill(0, 0, -1, 1, new Uint32Array(4)), RangeError);
    assert.throws(() => fill(0, 0, 2 ** 53 - 1, 2, new Uint32Array(8)), RangeError);
  }
});

Deno.test("Rng.blocks gives the words nextUint32 draws from the same position, with either source", () => {
  const stream = Rng.named(31, "blocks");
  const position = TWO_32 - 2;
  const drawn = stream.at(position);
  const expected = Array.from({ length: 4 * 6 }, () => drawn.nextUint32());
  for (const fill of [undefined, kernels.philoxBlocks]) {
    const out = new Uint32Array(4 * 6);
    stream.blocks(position, 6, out, fill);
    assert.deepEqual([...out], expected);
  }
});

function bytesOf(m: Matrix): Uint8Array {
  const copy = m.toFloat64();
  return new Uint8Array(copy.buffer);
}

Deno.test("fillInitialWeights: wasm blocks = JS bit for bit (he, glorot, f32, f64, row/col offsets)", () => {
  const [fanOut, fanIn] = [9, 4500];
  for (const dtype of ["float32", "float64"] as DType[]) {
    for (const scheme of ["he", "glorot"] as const) {
      const spec = { seed: 12, scheme, layer: 1, fanIn, fanOut };
      const js = Matrix.zeros(fanOut, fanIn, dtype);
      fillInitialWeights(js, spec);
      const fast = Matrix.zeros(fanOut, fanIn, dtype);
      fillInitialWeights(fast, spec, kernels.philoxBlocks);
      assert.deepEqual(bytesOf(fast), bytesOf(js), `${scheme} ${dtype} full`);
      // A block with offsets, written into a view whose row stride is not its width.
      const host = Matrix.zeros(6, 4400, dtype);
      const block = host.view(1, 3, 4, 4300);
      fillInitialWeights(block, { ...spec, row0: 5, col0: 123 }, kernels.philoxBlocks);
      assert.deepEqual(bytesOf(block), bytesOf(js.view(5, 123, 4, 4300)), `${scheme} ${dtype} block`);
      assert.ok(host.row(0).every((v) => v === 0) && host.row(5).every((v) => v === 0), "outside the view");
    }
  }
});

Deno.test("initial weights keep their values from before the block sources (pinned)", () => {
  const pinned = {
    he: [
      -0.12652827915238424,
      -0.008583400905974379,
      0.07407931590485423,
      0.08875201800366499,
      -0.017920345976639617,
      -0.060769107019239876,
    ],
    glorot: [
      0.07776879664208676,
      0.01507305646082811,
      0.031834168130270166,
      0.049478506045416,
      0.032822444834441356,
      0.003933453870194274,
    ],
  };
  for (const scheme of ["he", "glorot"] as const) {
    for (const fill of [philoxBlocks, kernels.philoxBlocks]) {
      const w = Matrix.zeros(2, 3, "float64");
      fillInitialWeights(
        w,
        { seed: 7, scheme, layer: 1, fanIn: 784, fanOut: 100, row0: 50, col0: 700 },
        fill,
      );
      assert.deepEqual([...w.toFloat64()], pinned[scheme]);
    }
  }
});

Deno.test("philoxSourceOf picks the wasm kernels' source and the reference for other kernels", () => {
  assert.equal(philoxSourceOf(kernels), kernels.philoxBlocks);
  assert.equal(philoxSourceOf(naiveKernels), philoxBlocks);
});
