/**
 * The data set type every source (real MNIST, synthetic data) yields: 8-bit grey images and their
 * class labels, kept as bytes (47 MB for the 60,000 MNIST training images, instead of 188 MB as
 * float32). Batches are scaled to floats only when they are copied into a kernel matrix
 * (`batch.ts`), so the same bytes can be shared with every node of a distributed run.
 *
 * @module
 */

/** Images (row-major bytes, one image after another) with one class label each. */
export interface ImageDataset {
  /** Where it came from, e.g. "mnist/train" or "synthetic/test (seed 1)". */
  readonly name: string;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Number of classes; labels are 0 ≤ y < classes. */
  readonly classes: number;
  /** `count × height × width` pixel bytes, image after image, row-major inside an image. */
  readonly pixels: Uint8Array;
  /** `count` labels. */
  readonly labels: Uint8Array;
}

/** Pixels per image (the input width of the network). */
export function featuresOf(data: ImageDataset): number {
  return data.height * data.width;
}

/** The first `count` images of `data`, sharing its memory. Throws a RangeError if there are fewer. */
export function takeFirst(data: ImageDataset, count: number): ImageDataset {
  if (!(Number.isInteger(count) && count >= 0 && count <= data.count)) {
    throw new RangeError(`cannot take ${count} images from ${data.name}, which has ${data.count}`);
  }
  if (count === data.count) return data;
  const f = featuresOf(data);
  return {
    ...data,
    count,
    pixels: data.pixels.subarray(0, count * f),
    labels: data.labels.subarray(0, count),
  };
}

/**
 * Checks the invariants of a data set (sizes agree, labels in range) and returns it; used by every
 * loader so that a malformed source fails where it is read, not in the middle of training.
 */
export function checkDataset(data: ImageDataset): ImageDataset {
  const f = featuresOf(data);
  if (data.pixels.length !== data.count * f) {
    throw new RangeError(`${data.name}: ${data.pixels.length} pixel bytes for ${data.count} images of ${f}`);
  }
  if (data.labels.length !== data.count) {
    throw new RangeError(`${data.name}: ${data.labels.length} labels for ${data.count} images`);
  }
  for (let i = 0; i < data.count; i++) {
    if (data.labels[i] >= data.classes) {
      throw new RangeError(
        `${data.name}: label ${data.labels[i]} of image ${i} is not below ${data.classes}`,
      );
    }
  }
  return data;
}
