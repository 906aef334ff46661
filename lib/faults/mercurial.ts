/**
 * A mercurial node ("cores that don't count"): it usually computes right, but each time it is
 * asked it is wrong with probability `probability`, and then its output is corrupted by an inner
 * model. Used on its own (training), it draws the coin and then corrupts; the attack campaign
 * keeps the same node(s) faulty across a sequence of trials and uses the coin as the per-trial
 * activity, drawing fresh corruption each time.
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { additiveModel } from "./additive.ts";
 * import { MercurialModel } from "./mercurial.ts";
 * const m = new MercurialModel(additiveModel({ density: 0.01 }), 0.1);
 * m.corrupt(new Float32Array(100), Rng.named(1, "f")).entries; // 0 nine times in ten
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";
import { type Change, type ChangeSink, type FaultModel, type ModelParam, NO_CHANGE } from "./model.ts";

/** A model that strikes with probability `probability`; see the module documentation. */
export class MercurialModel implements FaultModel {
  readonly name = "mercurial";
  readonly label: string;
  readonly params: Readonly<Record<string, ModelParam>>;

  constructor(readonly inner: FaultModel, readonly probability: number) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`mercurial probability must be in [0, 1], got ${probability}`);
    }
    this.label = `mercurial p=${probability}: ${inner.label}`;
    this.params = { probability, inner: inner.name, ...inner.params };
  }

  corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change {
    if (!rng.bernoulli(this.probability)) return NO_CHANGE;
    return this.inner.corrupt(target, rng, sink);
  }
}
