/**
 * A counting semaphore in shared memory that lets at most `cores` nodes compute at once.
 *
 * A run has P nodes (38 for the paper's grid) on a machine with few cores. Without the gate, every
 * node's product would be time-sliced with the others and its measured time would include the
 * others' work; with it, the time a node measures inside the gate is its own compute time, which
 * is what the modelled cluster time (Σ over phases of the slowest node) needs. It also keeps the
 * working set of the running products small.
 *
 * Never hold the gate while waiting at a barrier (the holder would block the others forever).
 *
 * A node that dies holding a token would take it with it: holders flag themselves (`state[1 + p]`)
 * while they hold or wait for a token, and the main thread gives a dead node's token back with
 * {@link ComputeGate.releaseDead}. (A node killed while still waiting leaves one token too many,
 * which only lets one more node compute at once.)
 *
 * @module
 */

/** The semaphore; `state[0]` is the number of free tokens, `state[1 + p]` node p's holder flag. */
export class ComputeGate {
  /** Shared state (post `state.buffer` to workers and rebuild with `new ComputeGate(state)`). */
  readonly state: Int32Array;

  constructor(state: Int32Array) {
    this.state = state;
  }

  /** A gate with `cores` tokens for `holders` flagged holders, in its own SharedArrayBuffer. */
  static create(cores: number, holders = 0): ComputeGate {
    if (!(cores >= 1)) throw new RangeError(`a compute gate needs at least one token, got ${cores}`);
    const state = new Int32Array(new SharedArrayBuffer(4 * (1 + holders)));
    state[0] = cores;
    return new ComputeGate(state);
  }

  /** Takes a token, blocking (no spinning) while none is free. */
  acquire(): void {
    const s = this.state;
    for (;;) {
      const free = Atomics.load(s, 0);
      if (free > 0) {
        if (Atomics.compareExchange(s, 0, free, free - 1) === free) return;
        continue;
      }
      Atomics.wait(s, 0, free, 1000);
    }
  }

  /** Gives a token back and wakes one waiter. */
  release(): void {
    Atomics.add(this.state, 0, 1);
    Atomics.notify(this.state, 0, 1);
  }

  /**
   * Runs `work` holding a token; returns its result and the milliseconds spent inside. `holder`
   * (a node id below the gate's holder count) flags who holds it, see {@link releaseDead}.
   */
  run<T>(work: () => T, holder = -1): { result: T; ms: number } {
    const flag = holder >= 0 && 1 + holder < this.state.length ? 1 + holder : 0;
    if (flag) Atomics.store(this.state, flag, 1);
    this.acquire();
    const t0 = performance.now();
    try {
      const result = work();
      return { result, ms: performance.now() - t0 };
    } finally {
      this.release();
      if (flag) Atomics.store(this.state, flag, 0);
    }
  }

  /** Main thread, after node `holder` died: gives back the token it may have held. */
  releaseDead(holder: number): void {
    if (1 + holder < this.state.length && Atomics.exchange(this.state, 1 + holder, 0) === 1) this.release();
  }
}
