/**
 * A barrier for the P nodes of a run, in shared memory: blocking `Atomics.wait`, no spinning (P is
 * often far above the number of cores). A wait that exceeds its timeout throws a
 * {@link BarrierTimeout} naming the nodes that did not arrive; the main thread can abort every
 * waiter at once when one node has failed, so that nobody hangs.
 *
 * Layout of the Int32Array: [count, generation, expected, aborted, stamp(node 0), stamp(node 1), …]
 * where stamp(p) is the generation of the last barrier node p arrived at, plus one.
 *
 * @module
 */

const COUNT = 0;
const GENERATION = 1;
const EXPECTED = 2;
const ABORTED = 3;
const STAMPS = 4;

/** Thrown when a barrier wait times out; lists the nodes that had not arrived. */
export class BarrierTimeout extends Error {
  constructor(readonly missing: number[], readonly seconds: number) {
    super(`no answer within ${seconds} s from node${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`);
    this.name = "BarrierTimeout";
  }
}

/** Thrown in every waiter when the run was aborted (another node failed). */
export class BarrierAborted extends Error {
  constructor(reason: number) {
    super(reason >= 0 ? `aborted: node ${reason} failed` : "aborted");
    this.name = "BarrierAborted";
  }
}

/** A reusable barrier over a SharedArrayBuffer; see the module documentation. */
export class SharedBarrier {
  /** The shared state (post `state.buffer` to workers and rebuild with `new SharedBarrier(state, nodes)`). */
  readonly state: Int32Array;

  constructor(state: Int32Array, readonly nodes: number) {
    if (state.length < STAMPS + nodes) throw new RangeError(`barrier state too small for ${nodes} nodes`);
    this.state = state;
  }

  /** A fresh barrier for `nodes` nodes in its own SharedArrayBuffer. */
  static create(nodes: number): SharedBarrier {
    const state = new Int32Array(new SharedArrayBuffer(4 * (STAMPS + nodes)));
    state[EXPECTED] = nodes;
    state[ABORTED] = 0;
    return new SharedBarrier(state, nodes);
  }

  /**
   * Arrives at the barrier as `node` and blocks until every node has arrived.
   * @throws BarrierTimeout after `timeoutMs`; BarrierAborted if the run was aborted.
   */
  wait(node: number, timeoutMs: number): void {
    const s = this.state;
    this.#checkAborted();
    const generation = Atomics.load(s, GENERATION);
    Atomics.store(s, STAMPS + node, generation + 1);
    const arrived = Atomics.add(s, COUNT, 1) + 1;
    if (arrived === Atomics.load(s, EXPECTED)) {
      Atomics.store(s, COUNT, 0);
      Atomics.add(s, GENERATION, 1);
      Atomics.notify(s, GENERATION);
      return;
    }
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(s, GENERATION) === generation) {
      const left = deadline - performance.now();
      if (left <= 0) throw new BarrierTimeout(this.missing(generation + 1), timeoutMs / 1000);
      Atomics.wait(s, GENERATION, generation, left);
      this.#checkAborted();
    }
  }

  /** Nodes whose last arrival is older than `stamp`. */
  missing(stamp = Atomics.load(this.state, GENERATION) + 1): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.nodes; p++) if (Atomics.load(this.state, STAMPS + p) < stamp) out.push(p);
    return out;
  }

  /** Wakes every waiter with a BarrierAborted (`reason`: the failed node, or −1). */
  abort(reason = -1): void {
    Atomics.store(this.state, ABORTED, reason + 2);
    Atomics.add(this.state, GENERATION, 1);
    Atomics.notify(this.state, GENERATION);
  }

  /** True once {@link abort} was called. */
  get aborted(): boolean {
    return Atomics.load(this.state, ABORTED) !== 0;
  }

  #checkAborted(): void {
    const a = Atomics.load(this.state, ABORTED);
    if (a !== 0) throw new BarrierAborted(a - 2);
  }
}
