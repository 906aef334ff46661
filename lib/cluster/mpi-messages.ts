/**
 * Messages of varying length between MPI ranks, for what the {@link Communicator} moves only as
 * fixed-size arrays: plain data (numbers, strings, booleans, arrays, objects) as UTF-8 JSON bytes,
 * to every rank from every rank ({@link allgatherJson}), from one rank to all ({@link bcastJson})
 * and from all to one ({@link gatherJson}); byte arrays from all to one ({@link gatherBytes}) and
 * back ({@link scatterBytes}). Non-finite numbers (NaN, ±Infinity) survive the JSON trip as tagged
 * strings. Every function is collective over the communicator.
 *
 * @module
 */

import type { Communicator } from "./mpi/communicator.ts";

/** Non-finite numbers travel as tagged strings. */
const NON_FINITE = "\u0000number:";

/** `value` as UTF-8 JSON bytes, non-finite numbers tagged. */
function encode(value: unknown): Uint8Array {
  const text = JSON.stringify(
    value,
    (_, v) => typeof v === "number" && !Number.isFinite(v) ? NON_FINITE + String(v) : v,
  );
  return new TextEncoder().encode(text);
}

/** The value of bytes from {@link encode}. */
function decode<T>(bytes: Uint8Array): T {
  return JSON.parse(
    new TextDecoder().decode(bytes),
    (_, v) => typeof v === "string" && v.startsWith(NON_FINITE) ? Number(v.slice(NON_FINITE.length)) : v,
  );
}

/** `all` cut into consecutive pieces of `lengths`. */
function pieces(all: Uint8Array, lengths: Int32Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(all.subarray(at, at + n));
    at += n;
  }
  return out;
}

/**
 * Every rank's `value`, in rank order on every rank: JSON bytes through `MPI_Allgather` (lengths)
 * and `MPI_Allgatherv` (bytes).
 */
export function allgatherJson<T>(world: Communicator, value: T): T[] {
  const mine = encode(value);
  const lengths = new Int32Array(world.size);
  world.allgather(Int32Array.of(mine.length), lengths);
  const all = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
  world.allgatherv(mine, all, lengths);
  return pieces(all, lengths).map((p) => decode<T>(p));
}

/**
 * Rank `root`'s `value` on every rank (`MPI_Bcast` of the length, then of the bytes); the other
 * ranks' `value` is ignored (pass anything, e.g. undefined).
 * @example
 * ```ts
 * const config = bcastJson(world, world.rank === 0 ? readConfig() : undefined, 0);
 * ```
 */
export function bcastJson<T>(world: Communicator, value: T | undefined, root: number): T {
  const mine = world.rank === root ? encode(value ?? null) : new Uint8Array(0);
  const length = Int32Array.of(mine.length);
  world.bcast(length, root);
  const bytes = world.rank === root ? mine : new Uint8Array(length[0]);
  world.bcast(bytes, root);
  return decode<T>(bytes);
}

/**
 * Every rank's bytes on rank `root`, in rank order (`MPI_Gather` of the lengths, `MPI_Gatherv` of
 * the bytes); undefined on the other ranks. The total must stay below 2³¹ bytes (MPI's int
 * displacements).
 */
export function gatherBytes(world: Communicator, mine: Uint8Array, root: number): Uint8Array[] | undefined {
  const isRoot = world.rank === root;
  const lengths = isRoot ? new Int32Array(world.size) : null;
  world.gather(Int32Array.of(mine.length), lengths, root);
  if (lengths === null) {
    world.gatherv(mine, null, null, root);
    return undefined;
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total > 0x7fffffff) {
    // Every rank is already in the gatherv: end the job rather than leave them waiting.
    throw new RangeError(`${total} bytes to gather on rank ${root}: more than MPI's 2³¹ − 1`);
  }
  const all = new Uint8Array(total);
  world.gatherv(mine, all, lengths, root);
  return pieces(all, lengths);
}

/** Every rank's `value` on rank `root`, in rank order (see {@link gatherBytes}); undefined elsewhere. */
export function gatherJson<T>(world: Communicator, value: T, root: number): T[] | undefined {
  return gatherBytes(world, encode(value), root)?.map((p) => decode<T>(p));
}

/**
 * The inverse of {@link gatherBytes}: rank `root` passes one byte array per rank (`parts`, in rank
 * order; the other ranks pass undefined), and every rank gets its own (`MPI_Bcast` of the
 * lengths, `MPI_Scatterv` of the bytes).
 */
export function scatterBytes(
  world: Communicator,
  parts: readonly Uint8Array[] | undefined,
  root: number,
): Uint8Array {
  const isRoot = world.rank === root;
  if (isRoot && parts?.length !== world.size) {
    throw new RangeError(`scatter from rank ${root}: ${parts?.length ?? 0} parts for ${world.size} ranks`);
  }
  const lengths = new Int32Array(world.size);
  if (isRoot) parts!.forEach((p, r) => (lengths[r] = p.length));
  world.bcast(lengths, root);
  const mine = new Uint8Array(lengths[world.rank]);
  if (!isRoot) {
    world.scatterv(null, null, mine, root);
    return mine;
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total > 0x7fffffff) {
    throw new RangeError(`${total} bytes to scatter from rank ${root}: more than MPI's 2³¹ − 1`);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts!) {
    all.set(p, at);
    at += p.length;
  }
  world.scatterv(all, lengths, mine, root);
  return mine;
}
