/**
 * Monte-Carlo simulation of training with checkpoints under the authors' fault model, node by
 * node, to check the closed form of checkpoint-model.ts (same model, no shared formula).
 *
 * Every iteration runs, for each layer, the forward read (decode) then the forward-active nodes'
 * draws; for each layer in reverse, the backward read then the backward-active nodes' draws; then
 * every node's draw after the update. A draw strikes with probability p (drawn as geometric gaps
 * between faults, so quiet stretches cost nothing) and leaves a pending fault on the node's block
 * of that layer. A read marks a symbol corrupted when any of its nodes has a pending fault; a
 * decoding group with more corrupted symbols than it corrects fails (roll back: every pending
 * fault disappears with the restored state), otherwise the corrupted symbols' blocks are
 * regenerated (their pending faults cleared). After k successful iterations a verification pass
 * reads every layer (forward, then backward) and, if it passes, the checkpoint is taken.
 * Blocks no stage reads (uncoded) never roll back: their faults are counted as silent.
 *
 * Time: T per iteration run, R per roll-back, C per verification pass reached. Each successful
 * segment is a renewal cycle, so the cycles' times are independent and give a standard error.
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { CheckpointCosts } from "./checkpoint-model.ts";
import type { FaultExposure, ReadStage } from "./fault-exposure.ts";

/** What to simulate. */
export interface SimulationOptions {
  readonly exposure: FaultExposure;
  /** Per-node fault rate p. */
  readonly rate: number;
  /** Checkpoint interval k. */
  readonly interval: number;
  readonly costs: CheckpointCosts;
  /** Useful iterations to simulate (rounded up to whole segments). */
  readonly usefulIterations: number;
  /** Seed of the fault draws. */
  readonly seed: number;
}

/** Measured outcome of a simulation. */
export interface SimulationResult {
  /** Mean time per useful iteration. */
  readonly secondsPerUsefulIteration: number;
  /** Its standard error (from the spread of the segments' times). */
  readonly standardError: number;
  readonly rollbacksPerUsefulIteration: number;
  /** Iterations run (useful and re-run) per useful iteration. */
  readonly iterationsPerUsefulIteration: number;
  readonly usefulIterations: number;
  readonly rollbacks: number;
  /** Faults struck, and those on blocks no stage checks. */
  readonly faults: number;
  readonly silentFaults: number;
}

/** The simulation state of one run; see the module documentation. */
class Simulator {
  readonly #e: FaultExposure;
  readonly #rng: Rng;
  readonly #logClean: number;
  readonly #pending: Uint8Array;
  readonly #checked: boolean[];
  readonly #forwardNodes: number[];
  readonly #backwardNodes: number[];
  readonly #allNodes: number[];
  readonly #drawsPerIteration: number;
  #pendingCount = 0;
  #slot = 0;
  #nextFault = 0;
  faults = 0;
  silentFaults = 0;

  constructor(e: FaultExposure, rate: number, seed: number) {
    this.#e = e;
    this.#rng = Rng.named(seed, "checkpoint-simulation");
    this.#logClean = Math.log1p(-rate);
    this.#pending = new Uint8Array(e.layers * e.nodes);
    const ids = Array.from({ length: e.nodes }, (_, i) => i);
    this.#checked = ids.map((n) =>
      (e.forwardActive[n] && e.forward !== undefined) || (e.backwardActive[n] && e.backward !== undefined)
    );
    this.#forwardNodes = ids.filter((n) => e.forwardActive[n]);
    this.#backwardNodes = ids.filter((n) => e.backwardActive[n]);
    this.#allNodes = ids;
    this.#drawsPerIteration = e.layers *
      (this.#forwardNodes.length + this.#backwardNodes.length + this.#allNodes.length);
    this.#nextFault = this.#gap();
  }

  /** Draws until the next fault (geometric, support 0, 1, …). */
  #gap(): number {
    if (this.#logClean === 0) return Infinity;
    if (this.#logClean === -Infinity) return 0;
    return Math.floor(Math.log1p(-this.#rng.next()) / this.#logClean);
  }

  #draw(nodes: readonly number[], layer: number): void {
    const end = this.#slot + nodes.length;
    while (this.#nextFault < end) {
      const n = nodes[this.#nextFault - this.#slot];
      this.faults++;
      if (!this.#checked[n]) this.silentFaults++;
      else if (this.#pending[layer * this.#e.nodes + n] === 0) {
        this.#pending[layer * this.#e.nodes + n] = 1;
        this.#pendingCount++;
      }
      this.#nextFault += 1 + this.#gap();
    }
    this.#slot = end;
  }

  /** Decodes one stage of one layer; false when a group has more corrupted symbols than it corrects. */
  #read(stage: ReadStage | undefined, layer: number): boolean {
    if (stage === undefined || this.#pendingCount === 0) return true;
    const base = layer * this.#e.nodes;
    const corrupted = stage.symbols.map((nodes) => nodes.some((n) => this.#pending[base + n] !== 0));
    for (const g of stage.groups) {
      let count = 0;
      for (const s of g.symbols) if (corrupted[s]) count++;
      if (count > g.correctable) return false;
    }
    stage.symbols.forEach((nodes, s) => {
      if (!corrupted[s]) return;
      for (const n of nodes) {
        if (this.#pending[base + n] !== 0) {
          this.#pending[base + n] = 0;
          this.#pendingCount--;
        }
      }
    });
    return true;
  }

  /** One training iteration; false on an uncorrectable event. */
  iteration(): boolean {
    const e = this.#e;
    if (this.#pendingCount === 0 && this.#nextFault >= this.#slot + this.#drawsPerIteration) {
      this.#slot += this.#drawsPerIteration;
      return true;
    }
    let ok = true;
    for (let l = 0; l < e.layers; l++) {
      ok &&= this.#read(e.forward, l);
      this.#draw(this.#forwardNodes, l);
    }
    for (let l = e.layers - 1; l >= 0; l--) {
      ok &&= this.#read(e.backward, l);
      this.#draw(this.#backwardNodes, l);
    }
    for (let l = 0; l < e.layers; l++) this.#draw(this.#allNodes, l);
    return ok;
  }

  /** The verification pass before a checkpoint (no draws); false on an uncorrectable event. */
  verify(): boolean {
    const e = this.#e;
    for (let l = 0; l < e.layers; l++) if (!this.#read(e.forward, l)) return false;
    for (let l = 0; l < e.layers; l++) if (!this.#read(e.backward, l)) return false;
    return true;
  }

  /** Restores a verified state: no fault pending. */
  rollBack(): void {
    this.#pending.fill(0);
    this.#pendingCount = 0;
  }
}

/**
 * Simulates `usefulIterations` useful iterations (whole segments of `interval`) and measures the
 * time per useful iteration.
 *
 * @example
 * ```ts
 * import { gridCode } from "../codes/grid.ts";
 * import { codedExposure } from "./fault-exposure.ts";
 * const r = simulateCheckpointing({
 *   exposure: codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3), rate: 3e-3, interval: 20,
 *   costs: { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 }, usefulIterations: 1e5, seed: 1,
 * });
 * r.secondsPerUsefulIteration; // ± r.standardError
 * ```
 */
export function simulateCheckpointing(o: SimulationOptions): SimulationResult {
  const { interval: k, costs } = o;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`checkpoint interval ${k}: need an integer ≥ 1`);
  if (!(o.rate >= 0 && o.rate <= 1)) throw new RangeError(`fault rate ${o.rate} outside [0, 1]`);
  const sim = new Simulator(o.exposure, o.rate, o.seed);
  const segments = Math.max(1, Math.ceil(o.usefulIterations / k));
  let sum = 0;
  let sumSquares = 0;
  let rollbacks = 0;
  let iterations = 0;
  for (let seg = 0; seg < segments; seg++) {
    let time = 0;
    for (;;) {
      let done = 0;
      let ok = true;
      while (ok && done < k) {
        ok = sim.iteration();
        iterations++;
        time += costs.iterationSeconds;
        if (ok) done++;
      }
      if (ok) {
        time += costs.checkpointSeconds;
        ok = sim.verify();
      }
      sim.rollBack(); // after a checkpoint nothing is pending either
      if (ok) break;
      rollbacks++;
      time += costs.rollbackSeconds;
    }
    sum += time;
    sumSquares += time * time;
  }
  const useful = segments * k;
  const mean = sum / segments;
  const variance = segments > 1 ? Math.max(0, (sumSquares - segments * mean * mean) / (segments - 1)) : 0;
  return {
    secondsPerUsefulIteration: sum / useful,
    standardError: Math.sqrt(variance / segments) / k,
    rollbacksPerUsefulIteration: rollbacks / useful,
    iterationsPerUsefulIteration: iterations / useful,
    usefulIterations: useful,
    rollbacks,
    faults: sim.faults,
    silentFaults: sim.silentFaults,
  };
}
