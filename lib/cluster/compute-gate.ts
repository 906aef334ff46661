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
 * @module
 */

/** The semaphore; `state[0]` is the number of free tokens. */
export class ComputeGate {
  /** Shared state (post `state.buffer` to workers and rebuild with `new ComputeGate(state)`). */
  readonly state: Int32Array;

  constructor(state: Int32Array) {
    this.state = state;
  }

  /** A gate with `cores` tokens in its own SharedArrayBuffer. */
  static create(cores: number): ComputeGate {
    if (!(cores >= 1)) throw new RangeError(`a compute gate needs at least one token, got ${cores}`);
    const state = new Int32Array(new SharedArrayBuffer(4));
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

  /** Runs `work` holding a token; returns its result and the milliseconds spent inside. */
  run<T>(work: () => T): { result: T; ms: number } {
    this.acquire();
    const t0 = performance.now();
    try {
      const result = work();
      return { result, ms: performance.now() - t0 };
    } finally {
      this.release();
    }
  }
}
