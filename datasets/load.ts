/**
 * The data sets `train` can use, their shapes and limits, and loading a run's training and test
 * samples (the first `trainSamples` / `testSamples` of each split).
 *
 * @module
 */

import { UsageError } from "../lib/errors.ts";
import { type ImageDataset, takeFirst } from "./dataset.ts";
import { loadMnist, MNIST_COUNTS } from "./mnist.ts";
import { syntheticDigits } from "./synthetic.ts";

/** Data set names (`--dataset`). */
export type DatasetName = "mnist" | "synthetic";

/** Shape and size limits of a data set. */
export interface DatasetInfo {
  /** Input width of the network (pixels per image). */
  readonly features: number;
  /** Output width of the network. */
  readonly classes: number;
  /** Training samples used when `--train-samples` is not given. */
  readonly defaultTrain: number;
  /** Most training samples available. */
  readonly maxTrain: number;
  /** Most test samples available. */
  readonly maxTest: number;
}

/** The data sets. Synthetic sizes are capped only to keep memory reasonable (784 bytes each). */
export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  mnist: {
    features: 784,
    classes: 10,
    defaultTrain: 60000,
    maxTrain: MNIST_COUNTS.train,
    maxTest: MNIST_COUNTS.test,
  },
  synthetic: { features: 784, classes: 10, defaultTrain: 60000, maxTrain: 1_000_000, maxTest: 1_000_000 },
};

/** A run's samples. */
export interface DataSplits {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}

/** What to load. */
export interface LoadOptions {
  /** Seed (synthetic data only). */
  readonly seed: number;
  readonly trainSamples: number;
  readonly testSamples: number;
}

/** Throws a UsageError unless `name` has the samples asked for. */
export function checkSampleCounts(name: DatasetName, options: Omit<LoadOptions, "seed">): void {
  const info = DATASETS[name];
  const { trainSamples, testSamples } = options;
  if (trainSamples > info.maxTrain) {
    throw new UsageError(`--train-samples ${trainSamples}: ${name} has ${info.maxTrain} training samples`);
  }
  if (testSamples > info.maxTest) {
    throw new UsageError(`--test-samples ${testSamples}: ${name} has ${info.maxTest} test samples`);
  }
}

/** Loads the first `trainSamples` training and `testSamples` test samples of `name`. */
export async function loadSplits(name: DatasetName, options: LoadOptions): Promise<DataSplits> {
  const { seed, trainSamples, testSamples } = options;
  checkSampleCounts(name, options);
  if (name === "mnist") {
    return {
      train: takeFirst(await loadMnist("train"), trainSamples),
      test: takeFirst(await loadMnist("test"), testSamples),
    };
  }
  return {
    train: syntheticDigits({ seed, split: "train", count: trainSamples }),
    test: syntheticDigits({ seed, split: "test", count: testSamples }),
  };
}
