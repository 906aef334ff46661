/**
 * A node's fault schedule: after each phase of each layer, for each enabled site, the node draws
 * from its own seeded stream whether a fault strikes (probability `rate`), and if so corrupts the
 * target with its fault model (default: the authors' additive U(−5, 5) on `density` of the entries). Forced faults (a fault plan) strike at exact places,
 * for tests and attack campaigns. Every fault is recorded.
 *
 * @module
 */

import { Rng, type RngState } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";
import { additiveModel } from "./additive.ts";
import { buildFaultModel } from "./registry.ts";
import type { Change, FaultModel } from "./model.ts";
import type { FaultSite, Phase } from "./sites.ts";

/** One injected fault, as written to faults.jsonl. */
export interface FaultEvent extends Change {
  readonly iteration: number;
  readonly node: number;
  readonly layer: number;
  readonly phase: Phase;
  readonly site: FaultSite;
  /** True when the fault came from the fault plan rather than the random draw. */
  readonly forced: boolean;
}

/** A fault placed exactly (fault plan entry). */
export interface ForcedFault {
  readonly iteration: number;
  readonly layer: number;
  readonly phase: Phase;
  readonly node: number;
  readonly site: FaultSite;
  /**
   * A buffer model of lib/faults/registry.ts for this fault (e.g. "nan", "inf", "bitflip"),
   * instead of the run's model; `density` is its fraction of entries (default: the model's).
   */
  readonly model?: string;
  readonly density?: number;
}

/** Settings of a node's injector. */
export interface InjectorOptions {
  /** Probability per node, layer, phase and site. */
  readonly rate: number;
  /** Fraction of the target's entries a fault changes (the default model's density). */
  readonly density: number;
  /** How a fault corrupts its target (default: `additiveModel({ density })`, the authors' model). */
  readonly model?: FaultModel;
  /** Sites where random faults may strike. */
  readonly sites: readonly FaultSite[];
  /** Faults at exact places (any site). */
  readonly forced: readonly ForcedFault[];
}

/** A saved injector (plain JSON). */
export interface InjectorState {
  readonly rng: RngState;
  readonly pending: readonly string[];
}

/** The fault schedule of one node. */
export class FaultInjector {
  #rng: Rng;
  readonly #forced: Set<string>;
  /** Models of the planned faults that name their own. */
  readonly #forcedModels = new Map<string, ForcedFault>();
  readonly #model: FaultModel;
  /** Faults injected since the last {@link FaultInjector.drain}. */
  #events: FaultEvent[] = [];
  /** Suspends injection (verification passes, evaluation). */
  enabled = true;

  constructor(readonly node: number, seed: number, readonly options: InjectorOptions) {
    this.#rng = Rng.named(seed, `faults/${node}`);
    this.#model = options.model ?? additiveModel({ density: options.density });
    const mine = options.forced.filter((f) => f.node === node);
    this.#forced = new Set(mine.map((f) => key(f.iteration, f.layer, f.phase, f.site)));
    for (const f of mine) {
      if (f.model !== undefined) this.#forcedModels.set(key(f.iteration, f.layer, f.phase, f.site), f);
    }
  }

  /**
   * Draws whether a fault strikes `site` now; if so, corrupts `target` in place, records the
   * event and returns true.
   */
  strike(iteration: number, layer: number, phase: Phase, site: FaultSite, target: Float): boolean {
    if (!this.enabled) return false;
    // The key is built only while planned faults remain (no allocation per strike otherwise).
    const k = this.#forced.size > 0 ? key(iteration, layer, phase, site) : "";
    const forced = k !== "" && this.#forced.delete(k); // a planned fault strikes once, even if the iteration re-runs
    const drawn = this.options.rate > 0 && this.options.sites.includes(site) &&
      this.#rng.bernoulli(this.options.rate);
    if (!forced && !drawn) return false;
    const planned = forced ? this.#forcedModels.get(k) : undefined;
    const model = planned?.model === undefined ? this.#model : buildFaultModel(
      planned.model,
      { density: planned.density },
      target instanceof Float32Array ? "float32" : "float64",
    );
    const change = model.corrupt(target, this.#rng);
    this.#events.push({ iteration, node: this.node, layer, phase, site, forced, ...change });
    return true;
  }

  /**
   * Whether {@link strike} could inject at this place (a planned fault, or random faults enabled
   * at `site`); draws nothing.
   */
  mayStrike(iteration: number, layer: number, phase: Phase, site: FaultSite): boolean {
    if (!this.enabled) return false;
    return (this.#forced.size > 0 && this.#forced.has(key(iteration, layer, phase, site))) ||
      (this.options.rate > 0 && this.options.sites.includes(site));
  }

  /** The events since the last call, oldest first. */
  drain(): FaultEvent[] {
    const out = this.#events;
    this.#events = [];
    return out;
  }

  /** Stream position and the planned faults still to come, for checkpoints. */
  save(): InjectorState {
    return { rng: this.#rng.save(), pending: [...this.#forced] };
  }

  /** Continues from a saved state. */
  restore(state: InjectorState): void {
    this.#rng = Rng.restore(state.rng);
    this.#forced.clear();
    for (const k of state.pending) this.#forced.add(k);
  }
}

function key(iteration: number, layer: number, phase: Phase, site: FaultSite): string {
  return `${iteration}/${layer}/${phase}/${site}`;
}
