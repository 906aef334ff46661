/**
 * A barrier for the P nodes of a run, in shared memory: blocking `Atomics.wait`, no spinning (P is
 * often far above the number of cores). A wait that exceeds its timeout throws a
 * {@link BarrierTimeout} naming the nodes that did not arrive; the main thread can abort every
 * waiter at once when one node has failed, so that nobody hangs.
 *
 * Nodes can die (their Worker terminated): the main thread calls {@link SharedBarrier.markDead}
 * and the barrier stops waiting for them, including a wait already in progress. Every barrier
 * generation records which nodes were dead when it completed, so that all nodes leaving the same
 * barrier agree on the set ({@link SharedBarrier.deadAtLastWait}): the exchanges erase the dead
 * nodes' symbols and the votes skip their rows from the same set at every node.
 *
 * Completion: a node arrives by stamping its slot with `generation + 1`, then scans the stamps;
 * whoever (node or main thread) sees every live node stamped closes the generation with a
 * compare-exchange on CLOSE (exactly one closer), copies the dead set into the generation's
 * snapshot, then advances GENERATION and wakes the waiters.
 *
 * A terminated Worker does not stop while it runs a synchronous loop of `Atomics.wait` (Deno
 * handles `terminate` only when the Worker returns to its event loop): such a zombie must not take
 * part any more. Each node's slot has an incarnation number, bumped by `markDead`; an instance
 * remembers the incarnation of its first wait, and a wait of an older incarnation throws
 * {@link NodeSuperseded} instead of arriving.
 *
 * Layout of the Int32Array: [generation, close, aborted, deaths, stamp × P, dead × P, snapshot × 2P,
 * incarnation × P].
 *
 * @module
 */

const GENERATION = 0;
const CLOSE = 1;
const ABORTED = 2;
/** Number of {@link SharedBarrier.markDead} calls so far (0 in every run without a death). */
const DEATHS = 3;
const STAMPS = 4;

/** Int32 words of a barrier's state for `nodes` nodes. */
export function barrierWords(nodes: number): number {
  return STAMPS + 5 * nodes;
}

/** Thrown in a node that was declared dead but still runs (a zombie, see the module documentation). */
export class NodeSuperseded extends Error {
  constructor(node: number) {
    super(`node ${node} was declared dead and may not take part any more`);
    this.name = "NodeSuperseded";
  }
}

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

/** The empty node list, shared. */
const NO_NODES: readonly number[] = Object.freeze([]);

/** A reusable barrier over a SharedArrayBuffer; see the module documentation. */
export class SharedBarrier {
  /** The shared state (post `state.buffer` to workers and rebuild with `new SharedBarrier(state, nodes)`). */
  readonly state: Int32Array;
  /** Generation this instance last passed (−1: none yet). */
  #passed = -1;
  /** Incarnation of the node this instance waits for (set by the constructor or the first wait). */
  #incarnation = -1;

  /**
   * An instance over `state`; `member`, when given, is the node this instance waits for, whose
   * incarnation it takes now (otherwise at its first wait).
   */
  constructor(state: Int32Array, readonly nodes: number, member?: number) {
    if (state.length < barrierWords(nodes)) {
      throw new RangeError(`barrier state too small for ${nodes} nodes`);
    }
    this.state = state;
    if (member !== undefined) this.#incarnation = Atomics.load(state, this.#incarnationAt(member));
  }

  /** A fresh barrier for `nodes` nodes in its own SharedArrayBuffer. */
  static create(nodes: number): SharedBarrier {
    return new SharedBarrier(new Int32Array(new SharedArrayBuffer(4 * barrierWords(nodes))), nodes);
  }

  /**
   * Arrives at the barrier as `node` and blocks until every live node has arrived.
   * @throws BarrierTimeout after `timeoutMs`; BarrierAborted if the run was aborted.
   */
  wait(node: number, timeoutMs: number): void {
    const s = this.state;
    this.#checkAborted();
    if (this.#incarnation < 0) this.#incarnation = Atomics.load(s, this.#incarnationAt(node));
    this.#checkIncarnation(node);
    const generation = Atomics.load(s, GENERATION);
    Atomics.store(s, STAMPS + node, generation + 1);
    this.#tryClose(generation);
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(s, GENERATION) === generation) {
      const left = deadline - performance.now();
      if (left <= 0) throw new BarrierTimeout(this.missing(generation + 1), timeoutMs / 1000);
      Atomics.wait(s, GENERATION, generation, left);
      this.#checkAborted();
      this.#checkIncarnation(node);
    }
    this.#passed = generation;
  }

  /** Live nodes whose last arrival is older than `stamp`. */
  missing(stamp = Atomics.load(this.state, GENERATION) + 1): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.nodes; p++) {
      if (!this.isDead(p) && Atomics.load(this.state, STAMPS + p) < stamp) out.push(p);
    }
    return out;
  }

  /**
   * Declares `node` dead (main thread): no barrier waits for it any more, and a wait in progress
   * completes if it was only waiting for this node.
   */
  markDead(node: number): void {
    Atomics.add(this.state, DEATHS, 1);
    Atomics.add(this.state, this.#incarnationAt(node), 1);
    Atomics.store(this.state, this.#deadAt(node), 1);
    this.#tryClose(Atomics.load(this.state, GENERATION));
  }

  /** Declares a respawned `node` alive again; only while no node waits (between requests). */
  revive(node: number): void {
    Atomics.store(this.state, STAMPS + node, Atomics.load(this.state, GENERATION));
    Atomics.store(this.state, this.#deadAt(node), 0);
  }

  /** True while `node` is declared dead. */
  isDead(node: number): boolean {
    return Atomics.load(this.state, this.#deadAt(node)) === 1;
  }

  /**
   * The nodes that were dead when the barrier this instance last passed completed: the same list
   * at every node that passed it. Valid until this instance waits again.
   */
  deadAtLastWait(): readonly number[] {
    // Every exchange asks: no scan and no allocation while no node ever died.
    if (this.#passed < 0 || Atomics.load(this.state, DEATHS) === 0) return NO_NODES;
    const out: number[] = [];
    const base = STAMPS + 2 * this.nodes + (this.#passed & 1) * this.nodes;
    for (let p = 0; p < this.nodes; p++) if (Atomics.load(this.state, base + p) === 1) out.push(p);
    return out;
  }

  /** Wakes every waiter with a BarrierAborted (`reason`: the failed node, or −1). */
  abort(reason = -1): void {
    Atomics.store(this.state, ABORTED, reason + 2);
    Atomics.add(this.state, GENERATION, 1);
    Atomics.store(this.state, CLOSE, Atomics.load(this.state, GENERATION));
    Atomics.notify(this.state, GENERATION);
  }

  /** True once {@link abort} was called. */
  get aborted(): boolean {
    return Atomics.load(this.state, ABORTED) !== 0;
  }

  #deadAt(node: number): number {
    return STAMPS + this.nodes + node;
  }

  #incarnationAt(node: number): number {
    return STAMPS + 4 * this.nodes + node;
  }

  #checkIncarnation(node: number): void {
    if (Atomics.load(this.state, this.#incarnationAt(node)) !== this.#incarnation) {
      throw new NodeSuperseded(node);
    }
  }

  /** Closes `generation` if every live node has arrived at it and nobody closed it yet. */
  #tryClose(generation: number): void {
    const s = this.state;
    for (let p = 0; p < this.nodes; p++) {
      if (!this.isDead(p) && Atomics.load(s, STAMPS + p) < generation + 1) return;
    }
    if (Atomics.compareExchange(s, CLOSE, generation, generation + 1) !== generation) return;
    const base = STAMPS + 2 * this.nodes + (generation & 1) * this.nodes;
    for (let p = 0; p < this.nodes; p++) Atomics.store(s, base + p, this.isDead(p) ? 1 : 0);
    Atomics.store(s, GENERATION, generation + 1);
    Atomics.notify(s, GENERATION);
  }

  #checkAborted(): void {
    const a = Atomics.load(this.state, ABORTED);
    if (a !== 0) throw new BarrierAborted(a - 2);
  }
}
