/**
 * Seeded MNIST-style synthetic digits for fast tests: 28×28 grey images of ten stroke templates
 * (digit-like polylines), each drawn with a random affine distortion (scale, aspect, rotation,
 * shear, shift of up to 3 pixels), jittered control points, random stroke thickness and ink, a
 * stray stroke now and then, and pixel noise. A small MLP learns it well above chance within a
 * few hundred steps but does not reach 100 %.
 *
 * Sample `i` of a split is a pure function of (seed, split, i): it is drawn from its own window of
 * the split's random stream, so the first n samples do not depend on how many are generated.
 *
 * @example
 * ```ts
 * import { syntheticDigits } from "./synthetic.ts";
 * const train = syntheticDigits({ seed: 1, split: "train", count: 1000 });
 * train.pixels.length; // 1000 * 784
 * ```
 *
 * @module
 */

import { Rng } from "../lib/random/rng.ts";
import { checkDataset, type ImageDataset } from "./dataset.ts";

/** Image side in pixels. */
const SIDE = 28;
/** The digit box inside the image (as in MNIST: a 20×20 box centred in 28×28). */
const BOX = 20;
/** Random blocks reserved per sample in the split's stream (far more than one sample draws). */
const BLOCKS_PER_SAMPLE = 2 ** 20;

type Point = readonly [number, number];
type Stroke = readonly Point[];

/** A closed ellipse as a polyline of `n` segments. */
function ellipse(cx: number, cy: number, rx: number, ry: number, n = 12): Stroke {
  return Array.from({ length: n + 1 }, (_, k) => {
    const a = (2 * Math.PI * k) / n;
    return [cx + rx * Math.sin(a), cy - ry * Math.cos(a)] as Point;
  });
}

/** Ten digit-like templates in the unit square (x to the right, y down). */
const TEMPLATES: readonly (readonly Stroke[])[] = [
  [ellipse(0.5, 0.5, 0.3, 0.42)],
  [[[0.35, 0.22], [0.52, 0.08], [0.52, 0.92]]],
  [[[0.22, 0.3], [0.35, 0.12], [0.55, 0.08], [0.75, 0.2], [0.72, 0.42], [0.2, 0.92], [0.82, 0.92]]],
  [[[0.22, 0.16], [0.5, 0.07], [0.74, 0.2], [0.66, 0.4], [0.45, 0.48], [0.72, 0.58], [0.78, 0.78], [
    0.55,
    0.93,
  ], [0.22, 0.84]]],
  [[[0.66, 0.92], [0.66, 0.08], [0.18, 0.64], [0.86, 0.64]]],
  [[[0.78, 0.08], [0.3, 0.08], [0.25, 0.45], [0.55, 0.4], [0.78, 0.55], [0.75, 0.82], [0.5, 0.93], [
    0.22,
    0.85,
  ]]],
  [[[0.72, 0.08], [0.4, 0.35], [0.26, 0.66], [0.4, 0.92], [0.66, 0.88], [0.74, 0.66], [0.55, 0.52], [
    0.3,
    0.62,
  ]]],
  [[[0.2, 0.1], [0.8, 0.1], [0.42, 0.92]], [[0.38, 0.5], [0.72, 0.5]]],
  [ellipse(0.5, 0.27, 0.2, 0.19, 10), ellipse(0.5, 0.7, 0.25, 0.22, 10)],
  [ellipse(0.48, 0.3, 0.21, 0.21, 10), [[0.69, 0.3], [0.64, 0.92]]],
];

/** Options of {@link syntheticDigits}. */
export interface SyntheticOptions {
  /** Seed of every draw. */
  readonly seed: number;
  /** Which split: train and test come from independent streams. */
  readonly split: "train" | "test";
  /** Number of images. */
  readonly count: number;
}

/** A synthetic digits data set (same type as MNIST). */
export function syntheticDigits(options: SyntheticOptions): ImageDataset {
  const { seed, split, count } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`bad sample count ${count}`);
  const pixels = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  const stream = Rng.named(seed, `synthetic/${split}`);
  const ink = new Float64Array(SIDE * SIDE);
  for (let i = 0; i < count; i++) {
    const rng = stream.at(i * BLOCKS_PER_SAMPLE);
    labels[i] = rng.int(TEMPLATES.length);
    drawSample(rng, labels[i], ink);
    for (let p = 0; p < ink.length; p++) pixels[i * ink.length + p] = Math.round(255 * ink[p]);
  }
  return checkDataset({
    name: `synthetic/${split} (seed ${seed})`,
    count,
    height: SIDE,
    width: SIDE,
    classes: TEMPLATES.length,
    pixels,
    labels,
  });
}

/** Draws one distorted, noisy instance of template `label` into `ink` (values in [0, 1]). */
function drawSample(rng: Rng, label: number, ink: Float64Array): void {
  const scale = rng.uniform(0.75, 1.1);
  const aspect = rng.uniform(0.8, 1.2);
  const angle = rng.uniform(-0.3, 0.3);
  const shear = rng.uniform(-0.3, 0.3);
  const dx = rng.uniform(-3, 3);
  const dy = rng.uniform(-3, 3);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const toPixels = (x: number, y: number): Point => {
    const u = (x - 0.5) * scale * aspect + shear * (y - 0.5) * scale;
    const v = (y - 0.5) * scale / aspect;
    return [SIDE / 2 + BOX * (cos * u - sin * v) + dx, SIDE / 2 + BOX * (sin * u + cos * v) + dy];
  };
  const segments: number[] = [];
  for (const stroke of TEMPLATES[label]) {
    let prev: Point | undefined;
    for (const [x, y] of stroke) {
      const p = toPixels(x + 0.035 * rng.normal(), y + 0.035 * rng.normal());
      if (prev) segments.push(prev[0], prev[1], p[0], p[1]);
      prev = p;
    }
  }
  if (rng.bernoulli(0.25)) {
    const a = [rng.uniform(2, SIDE - 2), rng.uniform(2, SIDE - 2)];
    const angleStray = rng.uniform(0, 2 * Math.PI);
    const length = rng.uniform(3, 9);
    segments.push(a[0], a[1], a[0] + length * Math.cos(angleStray), a[1] + length * Math.sin(angleStray));
  }
  const radius = rng.uniform(0.7, 1.9);
  const peak = rng.uniform(0.65, 1);
  const noise = rng.uniform(0, 0.3) / 255;
  const distance = nearestDistances(segments, radius + 0.5);
  let word = 0;
  for (let p = 0; p < ink.length; p++) {
    // Triangular pixel noise in (−1, 1) from two random bytes (cheaper than a normal per pixel).
    if (p % 2 === 0) word = rng.nextUint32();
    const bytes = p % 2 === 0 ? word & 0xffff : word >>> 16;
    const jitter = (bytes & 0xff) + (bytes >>> 8) - 255;
    const v = peak * Math.min(1, Math.max(0, radius + 0.5 - distance[p])) + noise * jitter;
    ink[p] = Math.min(1, Math.max(0, v));
  }
}

/**
 * Per pixel centre, the distance to the nearest of the segments (x0, y0, x1, y1, ...), computed
 * only within `reach` of a segment's bounding box (farther pixels stay at Infinity).
 */
function nearestDistances(s: readonly number[], reach: number): Float64Array {
  const best = new Float64Array(SIDE * SIDE).fill(Infinity);
  for (let k = 0; k < s.length; k += 4) {
    const ax = s[k], ay = s[k + 1], bx = s[k + 2], by = s[k + 3];
    const ex = bx - ax, ey = by - ay;
    const len2 = ex * ex + ey * ey;
    const c0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
    const c1 = Math.min(SIDE - 1, Math.ceil(Math.max(ax, bx) + reach));
    const r0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
    const r1 = Math.min(SIDE - 1, Math.ceil(Math.max(ay, by) + reach));
    for (let r = r0; r <= r1; r++) {
      const py = r + 0.5;
      for (let c = c0; c <= c1; c++) {
        const px = c + 0.5;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * ex + (py - ay) * ey) / len2));
        const qx = ax + t * ex - px, qy = ay + t * ey - py;
        const d = Math.sqrt(qx * qx + qy * qy);
        if (d < best[r * SIDE + c]) best[r * SIDE + c] = d;
      }
    }
  }
  return best;
}
