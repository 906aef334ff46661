/**
 * A node's fault schedule: after each phase of each layer, for each enabled site, the node draws
 * from its own seeded stream whether a fault strikes (probability `rate`), and if so corrupts the
 * target with its fault model (default: the authors' additive U(−5, 5) on `density` of the entries). Forced faults (a fault plan) strike at exact places,
 * for tests and attack campaigns; a forced fault with recorded `values` writes exactly those
 * entries instead of drawing a corruption (`attack --replay` of a training campaign). Every fault
 * is recorded, with every changed entry when `record` is set.
 *
 * @module
 */

import { Rng, type RngState } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";
import { additiveModel } from "./additive.ts";
import { buildFaultModel } from "./registry.ts";
import { type Change, ChangeTally, type EntryChange, type FaultModel } from "./model.ts";
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
  /** Every changed entry (only when the injector's `record` option is set). */
  readonly changes?: readonly EntryChange[];
  /**
   * Which visit of its place (iteration, layer, phase, site) the fault struck on: 0 the first, 1
   * after a roll-back re-ran the iteration, … (only when `record` is set).
   */
  readonly attempt?: number;
}

/** An entry a replayed fault writes: its index and the recorded new value (and bits, if any). */
export interface RecordedEntry {
  readonly index: number;
  readonly new: number;
  readonly bits?: readonly number[];
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
  /**
   * Recorded entries to write instead of a drawn corruption (a replay): the fault changes exactly
   * these entries to exactly these values and draws nothing from the fault stream.
   */
  readonly values?: readonly RecordedEntry[];
  /**
   * Strike on this visit of the place only (0: the first pass, 1: after a roll-back re-ran the
   * iteration, …; counted since the injector was built). Without it, a planned fault strikes on
   * the first visit after the faults planned before it at the same place.
   */
  readonly attempt?: number;
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
  /**
   * Faults at exact places (any site). Several at the same place strike one after the other when
   * the iteration re-runs (a roll-back), in the order given.
   */
  readonly forced: readonly ForcedFault[];
  /** Record every changed entry and the visit of the place in the events (`changes`, `attempt`). */
  readonly record?: boolean;
}

/** A saved injector (plain JSON). */
export interface InjectorState {
  readonly rng: RngState;
  readonly pending: readonly string[];
}

/** The fault schedule of one node. */
export class FaultInjector {
  #rng: Rng;
  /** This node's planned faults by place, in the order they strike. */
  readonly #planned = new Map<string, ForcedFault[]>();
  /** How many of each place's planned faults without an `attempt` have struck. */
  readonly #struck = new Map<string, number>();
  /** Visits of each place (counted when recording, or when a planned fault names its attempt). */
  readonly #visits = new Map<string, number>();
  /** Whether some planned fault names its attempt. */
  readonly #attempts: boolean;
  readonly #model: FaultModel;
  /** Faults injected since the last {@link FaultInjector.drain}. */
  #events: FaultEvent[] = [];
  /** Suspends injection (verification passes, evaluation). */
  enabled = true;

  constructor(readonly node: number, seed: number, readonly options: InjectorOptions) {
    this.#rng = Rng.named(seed, `faults/${node}`);
    this.#model = options.model ?? additiveModel({ density: options.density });
    for (const f of options.forced) {
      if (f.node !== node) continue;
      const k = key(f.iteration, f.layer, f.phase, f.site);
      const list = this.#planned.get(k);
      if (list === undefined) this.#planned.set(k, [f]);
      else list.push(f);
    }
    this.#attempts = options.forced.some((f) => f.node === node && f.attempt !== undefined);
  }

  /**
   * The planned fault of visit `visit` of place `k`: the one naming that attempt, else the next of
   * those naming none (consumed: it strikes once, even if the iteration re-runs).
   */
  #takePlanned(k: string, visit: number): ForcedFault | undefined {
    const list = this.#planned.get(k);
    if (list === undefined) return undefined;
    const named = list.find((f) => f.attempt === visit);
    if (named !== undefined) return named;
    const free = list.filter((f) => f.attempt === undefined);
    const used = this.#struck.get(k) ?? 0;
    if (used >= free.length) return undefined;
    this.#struck.set(k, used + 1);
    return free[used];
  }

  /**
   * Draws whether a fault strikes `site` now; if so, corrupts `target` in place, records the
   * event and returns true.
   */
  strike(iteration: number, layer: number, phase: Phase, site: FaultSite, target: Float): boolean {
    if (!this.enabled) return false;
    // The key is built only when planned faults exist or visits are counted (no allocation per
    // strike otherwise).
    const counted = this.options.record || this.#attempts;
    const k = this.#planned.size > 0 || counted ? key(iteration, layer, phase, site) : "";
    let visit = 0;
    if (counted) {
      visit = this.#visits.get(k) ?? 0;
      this.#visits.set(k, visit + 1);
    }
    const planned = this.#planned.size > 0 ? this.#takePlanned(k, visit) : undefined;
    const forced = planned !== undefined;
    const drawn = this.options.rate > 0 && this.options.sites.includes(site) &&
      this.#rng.bernoulli(this.options.rate);
    if (!forced && !drawn) return false;
    const changes: EntryChange[] | undefined = this.options.record ? [] : undefined;
    const sink = changes === undefined ? undefined : (e: EntryChange) => changes.push(e);
    let change: Change;
    if (planned?.values !== undefined) {
      change = writeRecorded(target, planned.values, sink);
    } else {
      const model = planned?.model === undefined ? this.#model : buildFaultModel(
        planned.model,
        { density: planned.density },
        target instanceof Float32Array ? "float32" : "float64",
      );
      change = model.corrupt(target, this.#rng, sink);
    }
    this.#events.push({
      iteration,
      node: this.node,
      layer,
      phase,
      site,
      forced,
      ...change,
      ...(changes !== undefined ? { changes, attempt: visit } : {}),
    });
    return true;
  }

  /**
   * Whether {@link strike} could inject at this place (a planned fault, or random faults enabled
   * at `site`); draws nothing.
   */
  mayStrike(iteration: number, layer: number, phase: Phase, site: FaultSite): boolean {
    if (!this.enabled) return false;
    return (this.#planned.size > 0 && this.#planned.has(key(iteration, layer, phase, site))) ||
      (this.options.rate > 0 && this.options.sites.includes(site));
  }

  /** The events since the last call, oldest first. */
  drain(): FaultEvent[] {
    const out = this.#events;
    this.#events = [];
    return out;
  }

  /**
   * Stream position and the planned faults still to come (a place once per fault), for checkpoints.
   * Faults that name their attempt are not saved: visits are counted since the injector was built.
   */
  save(): InjectorState {
    const pending: string[] = [];
    for (const [k, list] of this.#planned) {
      const free = list.filter((f) => f.attempt === undefined).length;
      for (let i = this.#struck.get(k) ?? 0; i < free; i++) pending.push(k);
    }
    return { rng: this.#rng.save(), pending };
  }

  /** Continues from a saved state. */
  restore(state: InjectorState): void {
    this.#rng = Rng.restore(state.rng);
    const left = new Map<string, number>();
    for (const k of state.pending) left.set(k, (left.get(k) ?? 0) + 1);
    this.#struck.clear();
    for (const [k, list] of this.#planned) {
      const free = list.filter((f) => f.attempt === undefined).length;
      this.#struck.set(k, Math.max(0, free - (left.get(k) ?? 0)));
    }
  }
}

/**
 * Writes recorded entries into `target` (a replayed fault): each entry's recorded new value, read
 * back after the storage rounding; an index outside the target is skipped (the replay then sees a
 * fault that differs from the record).
 */
function writeRecorded(
  target: Float,
  values: readonly RecordedEntry[],
  sink?: (e: EntryChange) => void,
): Change {
  const tally = new ChangeTally(sink);
  for (const e of values) {
    if (!(Number.isInteger(e.index) && e.index >= 0 && e.index < target.length)) continue;
    const old = target[e.index];
    target[e.index] = e.new;
    tally.note(e.index, old, target[e.index], e.bits);
  }
  return tally.change();
}

function key(iteration: number, layer: number, phase: Phase, site: FaultSite): string {
  return `${iteration}/${layer}/${phase}/${site}`;
}
