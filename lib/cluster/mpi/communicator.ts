/**
 * A typed wrapper of one MPI communicator: rank, size, split, and the collectives a transport needs
 * (barrier, broadcast, reduce, all-reduce, all-gather with equal or uneven counts, gather and
 * scatter to and from one root), on the typed
 * arrays the kernels use, passed to MPI without copies. Every collective must be called by every
 * rank of the communicator in the same order with matching sizes, as in MPI; the lengths each
 * rank can check locally are checked before the call (so that MPI never writes past an array),
 * and a failing call throws an {@link MpiError}.
 *
 * @module
 */

import { MPI_UNDEFINED } from "./constants.ts";
import { checkMpi } from "./error.ts";
import { datatypeOf, inPlace, type MpiArray, opOf, type ReduceOp } from "./handles.ts";
import type { MpiSymbols } from "./symbols.ts";

/** Largest element count of one call (MPI counts are C ints). */
const MAX_COUNT = 0x7fffffff;

function count(data: MpiArray, what: string): number {
  if (data.length > MAX_COUNT) throw new RangeError(`${what} holds ${data.length} > 2³¹−1 elements`);
  return data.length;
}

function sameType(a: MpiArray, b: MpiArray): void {
  if (a.constructor !== b.constructor) {
    throw new TypeError(
      `send and receive arrays differ in type (${a.constructor.name}, ${b.constructor.name})`,
    );
  }
}

/** One MPI communicator (`MPI_COMM_WORLD` from {@link Mpi.world}, or one made by {@link split}). */
export class Communicator {
  /** This process's rank in the communicator. */
  readonly rank: number;
  /** Number of ranks in the communicator. */
  readonly size: number;
  readonly #symbols: MpiSymbols;
  /** Holds the `MPI_Comm` value, for `MPI_Comm_free`; undefined for `MPI_COMM_WORLD`. */
  readonly #cell: BigUint64Array | undefined;
  #handle: Deno.PointerValue;
  #freed = false;

  /** Wraps an existing handle; use {@link Mpi.world} and {@link split} instead. */
  constructor(symbols: MpiSymbols, handle: Deno.PointerValue, cell?: BigUint64Array) {
    this.#symbols = symbols;
    this.#handle = handle;
    this.#cell = cell;
    const out = new Int32Array(1);
    checkMpi(symbols, "MPI_Comm_rank", symbols.MPI_Comm_rank(handle, out));
    this.rank = out[0];
    checkMpi(symbols, "MPI_Comm_size", symbols.MPI_Comm_size(handle, out));
    this.size = out[0];
  }

  /** The `MPI_Comm` handle. */
  get handle(): Deno.PointerValue {
    if (this.#freed) throw new Error("the communicator was freed");
    return this.#handle;
  }

  /**
   * Splits the communicator (`MPI_Comm_split`, collective): ranks with the same `color` form one new
   * communicator, ordered by `key` (then by their rank here). A rank whose color is `null` joins
   * none and gets `null`.
   * @example
   * ```ts
   * // grid rows and columns of a Pr × Pc grid, rank = r·Pc + c
   * const row = world.split(Math.floor(world.rank / pc))!;
   * const column = world.split(world.rank % pc)!;
   * ```
   */
  split(color: number | null, key: number = this.rank): Communicator | null {
    if (color !== null && (!Number.isInteger(color) || color < 0)) {
      throw new RangeError(`split color must be a non-negative integer or null, got ${color}`);
    }
    const cell = new BigUint64Array(1);
    const s = this.#symbols;
    checkMpi(s, "MPI_Comm_split", s.MPI_Comm_split(this.handle, color ?? MPI_UNDEFINED, key, cell));
    if (color === null) return null;
    return new Communicator(s, Deno.UnsafePointer.create(cell[0]), cell);
  }

  /** Frees a communicator made by {@link split} (`MPI_Comm_free`, collective); `MPI_COMM_WORLD` is never freed. */
  free(): void {
    if (this.#cell === undefined) throw new Error("MPI_COMM_WORLD cannot be freed");
    if (this.#freed) return;
    checkMpi(this.#symbols, "MPI_Comm_free", this.#symbols.MPI_Comm_free(this.#cell));
    this.#freed = true;
    this.#handle = null;
  }

  /** Blocks until every rank of the communicator has arrived (`MPI_Barrier`). */
  barrier(): void {
    checkMpi(this.#symbols, "MPI_Barrier", this.#symbols.MPI_Barrier(this.handle));
  }

  /** Copies `data` of rank `root` into `data` on every rank (`MPI_Bcast`); every rank passes the same length. */
  bcast(data: MpiArray, root: number): void {
    const s = this.#symbols;
    const n = count(data, "bcast buffer");
    checkMpi(s, "MPI_Bcast", s.MPI_Bcast(data, n, datatypeOf(s, data), root, this.handle));
  }

  /** Element-wise reduction of every rank's `data`, written into `data` on every rank (`MPI_Allreduce`, `MPI_IN_PLACE`). */
  allreduceInPlace(data: MpiArray, op: ReduceOp = "sum"): void {
    const s = this.#symbols;
    const n = count(data, "allreduce buffer");
    checkMpi(
      s,
      "MPI_Allreduce",
      s.MPI_Allreduce_in_place(inPlace(), data, n, datatypeOf(s, data), opOf(s, op, data), this.handle),
    );
  }

  /** Element-wise reduction of every rank's `send` into `recv` on every rank (`MPI_Allreduce`); same length and type. */
  allreduce(send: MpiArray, recv: MpiArray, op: ReduceOp = "sum"): void {
    sameType(send, recv);
    const n = count(send, "allreduce send buffer");
    if (recv.length < n) throw new RangeError(`allreduce receive buffer holds ${recv.length} < ${n}`);
    const s = this.#symbols;
    checkMpi(
      s,
      "MPI_Allreduce",
      s.MPI_Allreduce(send, recv, n, datatypeOf(s, send), opOf(s, op, send), this.handle),
    );
  }

  /**
   * Element-wise reduction of every rank's `data` into `data` of rank `root` (`MPI_Reduce`; the root
   * passes `MPI_IN_PLACE`); `data` is unchanged on the other ranks.
   */
  reduceInPlace(data: MpiArray, root: number, op: ReduceOp = "sum"): void {
    const s = this.#symbols;
    const n = count(data, "reduce buffer");
    const type = datatypeOf(s, data);
    const rc = this.rank === root
      ? s.MPI_Reduce_in_place(inPlace(), data, n, type, opOf(s, op, data), root, this.handle)
      : s.MPI_Reduce(data, null, n, type, opOf(s, op, data), root, this.handle);
    checkMpi(s, "MPI_Reduce", rc);
  }

  /** Element-wise reduction of every rank's `send` into `recv` of rank `root` (`MPI_Reduce`); `recv` is ignored elsewhere. */
  reduce(send: MpiArray, recv: MpiArray | null, root: number, op: ReduceOp = "sum"): void {
    const n = count(send, "reduce send buffer");
    if (this.rank === root) {
      if (recv === null) throw new RangeError("the reduce root needs a receive buffer");
      sameType(send, recv);
      if (recv.length < n) throw new RangeError(`reduce receive buffer holds ${recv.length} < ${n}`);
    }
    const s = this.#symbols;
    checkMpi(
      s,
      "MPI_Reduce",
      s.MPI_Reduce(send, recv, n, datatypeOf(s, send), opOf(s, op, send), root, this.handle),
    );
  }

  /** Concatenates every rank's `send` (equal lengths) into `recv` in rank order (`MPI_Allgather`). */
  allgather(send: MpiArray, recv: MpiArray): void {
    sameType(send, recv);
    const n = count(send, "allgather send buffer");
    if (recv.length < n * this.size) {
      throw new RangeError(`allgather receive buffer holds ${recv.length} < ${this.size} × ${n}`);
    }
    const s = this.#symbols;
    const type = datatypeOf(s, send);
    checkMpi(s, "MPI_Allgather", s.MPI_Allgather(send, n, type, recv, n, type, this.handle));
  }

  /**
   * All-gather in place (`MPI_Allgather`, `MPI_IN_PLACE`): `data` holds `size` equal blocks; this
   * rank's block (at `rank · data.length / size`) is sent, the others are received.
   */
  allgatherInPlace(data: MpiArray): void {
    if (data.length % this.size !== 0) {
      throw new RangeError(`allgather buffer of ${data.length} is not ${this.size} equal blocks`);
    }
    const n = count(data, "allgather buffer") / this.size;
    const s = this.#symbols;
    const type = datatypeOf(s, data);
    checkMpi(s, "MPI_Allgather", s.MPI_Allgather_in_place(inPlace(), 0, type, data, n, type, this.handle));
  }

  /**
   * Gathers uneven blocks from every rank into `recv` on every rank (`MPI_Allgatherv`): rank i
   * sends `counts[i]` elements, stored at `recv[displs[i] …]` (`displs` defaults to the running sum
   * of `counts`). `send.length` must equal `counts[rank]`.
   * @example
   * ```ts
   * // rank r contributes r + 1 numbers
   * const counts = Array.from({ length: comm.size }, (_, r) => r + 1);
   * const all = new Float64Array(counts.reduce((a, b) => a + b, 0));
   * comm.allgatherv(new Float64Array(comm.rank + 1).fill(comm.rank), all, counts);
   * ```
   */
  allgatherv(send: MpiArray, recv: MpiArray, counts: ArrayLike<number>, displs?: ArrayLike<number>): void {
    sameType(send, recv);
    const layout = this.#layout(recv, counts, displs);
    if (send.length !== layout.counts[this.rank]) {
      throw new RangeError(`allgatherv: rank ${this.rank} sends ${send.length} ≠ counts[${this.rank}]`);
    }
    const s = this.#symbols;
    const type = datatypeOf(s, send);
    checkMpi(
      s,
      "MPI_Allgatherv",
      s.MPI_Allgatherv(send, send.length, type, recv, layout.counts, layout.displs, type, this.handle),
    );
  }

  /** {@link allgatherv} in place (`MPI_IN_PLACE`): this rank's block is already at `data[displs[rank]]`. */
  allgathervInPlace(data: MpiArray, counts: ArrayLike<number>, displs?: ArrayLike<number>): void {
    const layout = this.#layout(data, counts, displs);
    const s = this.#symbols;
    const type = datatypeOf(s, data);
    checkMpi(
      s,
      "MPI_Allgatherv",
      s.MPI_Allgatherv_in_place(inPlace(), 0, type, data, layout.counts, layout.displs, type, this.handle),
    );
  }

  /**
   * Concatenates every rank's `send` (equal lengths) into `recv` of rank `root`, in rank order
   * (`MPI_Gather`); `recv` is ignored (may be null) on the other ranks.
   */
  gather(send: MpiArray, recv: MpiArray | null, root: number): void {
    const n = count(send, "gather send buffer");
    if (this.rank === root) {
      if (recv === null) throw new RangeError("the gather root needs a receive buffer");
      sameType(send, recv);
      if (recv.length < n * this.size) {
        throw new RangeError(`gather receive buffer holds ${recv.length} < ${this.size} × ${n}`);
      }
    }
    const s = this.#symbols;
    const type = datatypeOf(s, send);
    checkMpi(s, "MPI_Gather", s.MPI_Gather(send, n, type, recv, n, type, root, this.handle));
  }

  /**
   * Gathers uneven blocks into `recv` of rank `root` (`MPI_Gatherv`): rank i sends its whole
   * `send`, which the root stores at `recv[displs[i] …]`; the root passes every rank's `counts`
   * (`displs` defaults to their running sum), the other ranks pass null for `recv` and `counts`.
   * @example
   * ```ts
   * // rank r contributes r + 1 bytes; rank 0 learns the lengths first
   * const mine = new Uint8Array(comm.rank + 1).fill(comm.rank);
   * const lengths = comm.rank === 0 ? new Int32Array(comm.size) : null;
   * comm.gather(Int32Array.of(mine.length), lengths, 0);
   * const all = lengths ? new Uint8Array(lengths.reduce((a, b) => a + b, 0)) : null;
   * comm.gatherv(mine, all, lengths, 0);
   * ```
   */
  gatherv(
    send: MpiArray,
    recv: MpiArray | null,
    counts: ArrayLike<number> | null,
    root: number,
    displs?: ArrayLike<number>,
  ): void {
    const n = count(send, "gatherv send buffer");
    let layout: { counts: Int32Array; displs: Int32Array } | null = null;
    if (this.rank === root) {
      if (recv === null || counts === null) throw new RangeError("the gatherv root needs recv and counts");
      sameType(send, recv);
      layout = this.#layout(recv, counts, displs);
      if (n !== layout.counts[root]) {
        throw new RangeError(`gatherv: the root sends ${n} ≠ counts[${root}] = ${layout.counts[root]}`);
      }
    }
    const s = this.#symbols;
    const type = datatypeOf(s, send);
    checkMpi(
      s,
      "MPI_Gatherv",
      s.MPI_Gatherv(
        send,
        n,
        type,
        recv,
        layout?.counts ?? null,
        layout?.displs ?? null,
        type,
        root,
        this.handle,
      ),
    );
  }

  /**
   * The inverse of {@link gatherv} (`MPI_Scatterv`): rank `root` sends `send[displs[i] …]`
   * (`counts[i]` elements; `displs` defaults to the running sum of `counts`) to rank i, which
   * receives it into `recv` (its length must be `counts[i]`). The other ranks pass null for
   * `send` and `counts`.
   */
  scatterv(
    send: MpiArray | null,
    counts: ArrayLike<number> | null,
    recv: MpiArray,
    root: number,
    displs?: ArrayLike<number>,
  ): void {
    const n = count(recv, "scatterv receive buffer");
    let layout: { counts: Int32Array; displs: Int32Array } | null = null;
    if (this.rank === root) {
      if (send === null || counts === null) throw new RangeError("the scatterv root needs send and counts");
      sameType(send, recv);
      layout = this.#layout(send, counts, displs);
      if (n !== layout.counts[root]) {
        throw new RangeError(`scatterv: the root receives ${n} ≠ counts[${root}] = ${layout.counts[root]}`);
      }
    }
    const s = this.#symbols;
    const type = datatypeOf(s, recv);
    checkMpi(
      s,
      "MPI_Scatterv",
      s.MPI_Scatterv(
        send,
        layout?.counts ?? null,
        layout?.displs ?? null,
        type,
        recv,
        n,
        type,
        root,
        this.handle,
      ),
    );
  }

  /**
   * Ends every process of the job (`MPI_Abort`) with exit code `code`; use on a fatal error so
   * that no rank waits forever in a collective. Does not return.
   */
  abort(code = 1): never {
    this.#symbols.MPI_Abort(this.handle, code);
    throw new Error(`MPI_Abort(${code}) returned`);
  }

  /** Validated `counts` and `displs` as C int arrays, every block inside `recv` (or the scatter's send). */
  #layout(recv: MpiArray, counts: ArrayLike<number>, displs?: ArrayLike<number>) {
    if (counts.length !== this.size) {
      throw new RangeError(`counts has ${counts.length} ≠ ${this.size} entries`);
    }
    if (displs !== undefined && displs.length !== this.size) {
      throw new RangeError(`displs has ${displs.length} ≠ ${this.size} entries`);
    }
    const c = Int32Array.from(counts);
    const d = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      d[i] = displs === undefined ? (i > 0 ? d[i - 1] + c[i - 1] : 0) : displs[i];
    }
    for (let i = 0; i < this.size; i++) {
      if (c[i] !== counts[i] || c[i] < 0 || (displs !== undefined && d[i] !== displs[i]) || d[i] < 0) {
        throw new RangeError(`counts[${i}] and displs[${i}] must be non-negative 32-bit integers`);
      }
      if (d[i] + c[i] > recv.length) {
        throw new RangeError(`block ${i} [${d[i]}, ${d[i] + c[i]}) exceeds the buffer of ${recv.length}`);
      }
    }
    return { counts: c, displs: d };
  }
}
