/**
 * A bump allocator over a shared `WebAssembly.Memory`: the memory the wasm kernels run on.
 *
 * The allocator's state (a magic word and the bump pointer) lives in the first bytes of the memory
 * itself and is updated atomically, so every thread that attaches an `Arena` to the same memory
 * (the main thread and any Worker it was posted to) allocates disjoint regions. Nothing is ever
 * freed: allocate weights, activations and scratch once and reuse them.
 *
 * The memory must be created `shared: true` with a maximum (see {@link createSharedMemory}): its
 * buffer is a SharedArrayBuffer, so views never detach when the memory grows. Every view this
 * arena hands out is recorded, which is how the kernels recognise operands that live here.
 *
 * @example
 * ```ts
 * import { Arena, createSharedMemory } from "./arena.ts";
 * const arena = new Arena(createSharedMemory());
 * const w = arena.matrix(256, 784, "float32"); // zeroed, 64-byte aligned, in wasm memory
 * const at = arena.addressOf(w); // byte address, e.g. to post to a Worker
 * arena.matrixAt(at, 256, 784, "float32").set(0, 0, 1); // a second view of the same elements
 * w.get(0, 0); // 1
 * ```
 *
 * @module
 */

import { type DType, type Float, Matrix } from "../matrix.ts";

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;
/** Pages addressable by wasm32: 4 GiB. */
export const MAX_PAGES = 65536;
/** Bytes reserved at address 0 for the allocator header. */
export const HEADER_BYTES = 64;
/** Default alignment of every allocation: one cache line (also v128-aligned). */
export const ALIGN = 64;

/** "CNAR" in little-endian: marks a memory whose header this module initialised. */
const MAGIC = 0x52414e43;
const MAGIC_WORD = 0;
const BUMP_WORD = 1;

/**
 * A new shared memory for the kernels. `maximumBytes` bounds how far it may grow (default and
 * upper limit: the 4 GiB wasm32 limit); V8 reserves that much address space up front but commits
 * pages only as they are used.
 */
export function createSharedMemory(
  { initialBytes = PAGE_BYTES, maximumBytes = MAX_PAGES * PAGE_BYTES }: {
    initialBytes?: number;
    maximumBytes?: number;
  } = {},
): WebAssembly.Memory {
  const maximum = Math.ceil(maximumBytes / PAGE_BYTES);
  const initial = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
  if (!(maximum >= initial && maximum <= MAX_PAGES)) {
    throw new RangeError(
      `shared memory: need 1 ≤ initial (${initial} pages) ≤ maximum (${maximum} pages) ≤ ${MAX_PAGES} pages (4 GiB)`,
    );
  }
  return new WebAssembly.Memory({ initial, maximum, shared: true });
}

/** Bytes per element of a precision. */
export function bytesOf(dtype: DType): 4 | 8 {
  return dtype === "float32" ? 4 : 8;
}

/** Bump allocator over a shared wasm memory; see the module documentation. */
export class Arena {
  /** Every SharedArrayBuffer this arena created views on (one per size the memory had). */
  readonly #buffers = new WeakSet<ArrayBufferLike>();

  /** Attaches to `memory`, initialising its allocator header unless another arena already did. */
  constructor(readonly memory: WebAssembly.Memory) {
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError("Arena needs a WebAssembly.Memory created with shared: true (and a maximum)");
    }
    const header = this.#header();
    if (Atomics.compareExchange(header, MAGIC_WORD, 0, MAGIC) === 0) {
      Atomics.store(header, BUMP_WORD, HEADER_BYTES);
    } else if (Atomics.load(header, MAGIC_WORD) !== MAGIC) {
      throw new Error("Arena: this memory's first bytes are in use by something else (no arena header)");
    }
  }

  /** First byte not yet allocated (by any thread). */
  get used(): number {
    return Atomics.load(this.#header(), BUMP_WORD);
  }

  /**
   * Reserves `bytes` bytes aligned to `align` (a power of two) and returns their address, growing
   * the memory as needed. Throws a RangeError when the region would pass the 4 GiB wasm32 limit
   * or the memory's own maximum. New regions are zero unless the caller's bytes were used before
   * (they never are: nothing is freed).
   */
  alloc(bytes: number, align = ALIGN): number {
    if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError(`Arena.alloc: bad size ${bytes}`);
    const header = this.#header();
    for (;;) {
      const start = Atomics.load(header, BUMP_WORD);
      const aligned = Math.ceil(start / align) * align;
      const end = aligned + bytes;
      // The bump pointer is a u32, so the last usable byte is 2³² − 2.
      if (end >= MAX_PAGES * PAGE_BYTES) {
        throw new RangeError(
          `wasm memory: allocating ${formatBytes(bytes)} would pass the 4 GiB wasm32 limit ` +
            `(${formatBytes(start)} already in use); use smaller blocks or more workers`,
        );
      }
      // Grow first: a failed grow leaves the header untouched; a lost race only over-grows.
      this.#ensure(end);
      if (Atomics.compareExchange(header, BUMP_WORD, start, end) === start) return aligned;
    }
  }

  /** A zero `length`-element typed array of `dtype` in this memory. */
  vector(length: number, dtype: DType): Float {
    const address = this.alloc(length * bytesOf(dtype));
    return this.view(address, length, dtype);
  }

  /** A zero `rows × cols` matrix (ld = cols) in this memory. */
  matrix(rows: number, cols: number, dtype: DType): Matrix {
    return new Matrix(this.vector(rows * cols, dtype), rows, cols);
  }

  /**
   * A typed-array view of `length` elements at byte `address`, e.g. an address received from
   * another thread. The region must have been allocated (by any thread).
   */
  view(address: number, length: number, dtype: DType): Float {
    const bytes = bytesOf(dtype);
    if (address % bytes !== 0) throw new RangeError(`address ${address} is not ${bytes}-byte aligned`);
    const end = address + length * bytes;
    if (address < HEADER_BYTES || end > this.used) {
      throw new RangeError(
        `bytes ${address}..${end} are not allocated in this arena (it ends at ${this.used})`,
      );
    }
    const buffer = this.memory.buffer;
    this.#buffers.add(buffer);
    return dtype === "float32"
      ? new Float32Array(buffer, address, length)
      : new Float64Array(buffer, address, length);
  }

  /** A matrix view at byte `address` (element (0,0)) with row stride `ld`. */
  matrixAt(address: number, rows: number, cols: number, dtype: DType, ld = cols): Matrix {
    const length = rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
    return new Matrix(this.view(address, length, dtype), rows, cols, ld);
  }

  /** True when `data` is a view this arena created (so it lives in this memory). */
  owns(data: Float): boolean {
    return this.#buffers.has(data.buffer);
  }

  /**
   * Byte address of element `index` of `data` (or of element (0,0) of a matrix), or throws when
   * the operand does not live in this arena's memory.
   */
  addressOf(operand: Float | Matrix, index = 0): number {
    const data = operand instanceof Matrix ? operand.data : operand;
    const offset = operand instanceof Matrix ? operand.offset + index : index;
    if (!this.owns(data)) throw new RangeError("operand does not live in this arena's memory");
    return data.byteOffset + offset * data.BYTES_PER_ELEMENT;
  }

  #header(): Uint32Array {
    return new Uint32Array(this.memory.buffer, 0, HEADER_BYTES / 4);
  }

  /** Grows the memory until it holds `end` bytes (other threads may grow it concurrently). */
  #ensure(end: number): void {
    for (;;) {
      const have = this.memory.buffer.byteLength;
      if (have >= end) return;
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch (cause) {
        throw new RangeError(
          `wasm memory: cannot grow from ${formatBytes(have)} to ${formatBytes(end)}; ` +
            `the memory's maximum is lower (create it with a larger maximumBytes)`,
          { cause },
        );
      }
    }
  }
}

/** "12.0 MiB"-style size for error messages. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
