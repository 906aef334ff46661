/**
 * A node's verified checkpoint as bytes, for writing it to disk and reading it back on resume: per
 * layer, the snapshot of the coded block, of the bias and of the tracked row and column norms,
 * concatenated in that order (native little-endian element bytes).
 *
 * @module
 */

import type { FaultCounters } from "./program.ts";
import type { InjectorState } from "../../faults/injector.ts";
import type { Float } from "../../tensor/matrix.ts";
import type { NodeLayer } from "./layer.ts";

/** What a node persists: JSON-able position and counters, and the bytes of its layers. */
export interface NodeSnapshot {
  /** Iteration of the checkpoint. */
  readonly iteration: number;
  /** Updates applied since the blocks were encoded (drift term of the tolerance). */
  readonly updates: number;
  readonly counters: FaultCounters;
  readonly injector: InjectorState;
  readonly modelledSeconds: number;
  readonly phaseTotals: readonly number[];
  /** {@link snapshotBytes} of the node's layers. */
  readonly bytes: Uint8Array;
}

/** The arrays of one layer's snapshot, in file order. */
function arraysOf(L: NodeLayer): Float[] {
  const b = L.blockSnapshot;
  return [
    b.data.subarray(b.offset, b.offset + b.rows * b.ld),
    L.biasSnapshot,
    L.normsSnapshot.rowSq,
    L.normsSnapshot.colSq,
  ];
}

/** The layers' snapshots as one byte array. */
export function snapshotBytes(layers: readonly NodeLayer[]): Uint8Array {
  const arrays = layers.flatMap(arraysOf);
  const out = new Uint8Array(arrays.reduce((s, a) => s + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** Writes bytes from {@link snapshotBytes} into the layers' snapshots, then rolls the layers back to them. */
export function loadSnapshotBytes(layers: readonly NodeLayer[], bytes: Uint8Array): void {
  const arrays = layers.flatMap(arraysOf);
  const need = arrays.reduce((s, a) => s + a.byteLength, 0);
  if (bytes.length !== need) {
    throw new Error(`the node's checkpoint holds ${bytes.length} bytes, its layers need ${need}`);
  }
  let at = 0;
  for (const a of arrays) {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(bytes.subarray(at, at + a.byteLength));
    at += a.byteLength;
  }
  for (const L of layers) L.rollBack();
}
