/**
 * Per-instance working memory inside the arena: a scratch region for packed panels, and staging
 * for operands that do not live in the arena (they are copied in, the kernel runs in wasm, and
 * outputs are copied back). Regions are reused across calls and replaced by a larger one when a
 * call needs more; the old one is abandoned (the arena never frees), so the waste stays below
 * the final size.
 *
 * @module
 */

import type { Float, Matrix } from "../matrix.ts";
import type { Arena } from "./arena.ts";

/** A reusable region of at least the requested size. */
export class ScratchRegion {
  #address = 0;
  #capacity = 0;

  constructor(private readonly arena: Arena) {}

  /** Address of a region of at least `bytes` bytes (contents unspecified). */
  ensure(bytes: number): number {
    if (bytes > this.#capacity) {
      const capacity = Math.max(bytes, 2 * this.#capacity);
      this.#address = this.arena.alloc(capacity);
      this.#capacity = capacity;
    }
    return this.#address;
  }
}

/**
 * Stages foreign operands for one kernel call. Use as: `begin()`, then `matrix()`/`vector()` for
 * every operand (each returns an arena-resident equivalent), run the kernel, then `end()`.
 */
export class Staging {
  #region = 0;
  #capacity = 0;
  #cursor = 0;
  #writeBacks: (() => void)[] = [];

  constructor(private readonly arena: Arena) {}

  /** Starts a call, reusing the staging region. */
  begin(): void {
    this.#cursor = 0;
    this.#writeBacks = [];
  }

  /** `m` itself when it lives in the arena, else a contiguous copy there (copied back at `end` if `output`). */
  matrix(m: Matrix, output = false): Matrix {
    if (this.arena.owns(m.data)) return m;
    const staged = this.arena.matrixAt(
      this.#take(m.rows * m.cols * m.data.BYTES_PER_ELEMENT),
      m.rows,
      m.cols,
      m.dtype,
    );
    staged.copyFrom(m);
    if (output) this.#writeBacks.push(() => m.copyFrom(staged));
    return staged;
  }

  /** `x` itself when it lives in the arena, else a copy there (copied back at `end` if `output`). */
  vector(x: Float, output = false): Float {
    if (this.arena.owns(x)) return x;
    const dtype = x instanceof Float32Array ? "float32" : "float64";
    const staged = this.arena.view(this.#take(x.byteLength), x.length, dtype);
    staged.set(x);
    if (output) this.#writeBacks.push(() => x.set(staged));
    return staged;
  }

  /** Copies staged outputs back to their owners. */
  end(): void {
    for (const writeBack of this.#writeBacks) writeBack();
    this.#writeBacks = [];
  }

  /** Reserves `bytes` (16-byte aligned) in the staging region, replacing it by a larger one if full. */
  #take(bytes: number): number {
    const size = Math.ceil(bytes / 16) * 16;
    if (this.#cursor + size > this.#capacity) {
      // Operands staged earlier in this call stay valid in the old region: nothing is freed.
      this.#capacity = Math.max(size, 2 * this.#capacity);
      this.#region = this.arena.alloc(this.#capacity);
      this.#cursor = 0;
    }
    const address = this.#region + this.#cursor;
    this.#cursor += size;
    return address;
  }
}
