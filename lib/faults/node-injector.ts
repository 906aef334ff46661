/**
 * The fault injector of one node of a training run, built from the run's (plain-JSON) fault
 * settings: the Worker cannot receive a {@link FaultModel} object, so the settings name the model
 * ({@link FaultModelSpec}: a `--model` name and its parameters) and every node builds it itself
 * with `buildFaultModel`. Without a spec the node uses the authors' additive model at the run's
 * density; without a fault seed it draws from the training seed's fault streams.
 *
 * @example
 * ```ts
 * import { createNodeInjector } from "./node-injector.ts";
 * const injector = createNodeInjector(3, { seed: 1, dtype: "float32" }, {
 *   rate: 0, density: 0.005, sites: ["product"], forced: [],
 *   model: { name: "bitflip", params: { bitClass: "exponent" } }, seed: 77,
 * });
 * ```
 *
 * @module
 */

import type { DType } from "../tensor/matrix.ts";
import { FaultInjector, type ForcedFault } from "./injector.ts";
import { buildFaultModel, type ModelParameters } from "./registry.ts";
import type { FaultSite } from "./sites.ts";

/** A buffer fault model by name (a `--model` value of `buildFaultModel`) and its parameters. */
export interface FaultModelSpec {
  readonly name: string;
  readonly params: ModelParameters;
}

/** The fault settings a node receives (plain JSON). */
export interface NodeFaultSettings {
  /** Probability per node, layer, phase and site. */
  readonly rate: number;
  /** Density of the default additive model. */
  readonly density: number;
  readonly sites: readonly FaultSite[];
  readonly forced: readonly ForcedFault[];
  /** The fault model (default: additive U(−5, 5) on `density` of the entries). */
  readonly model?: FaultModelSpec;
  /** Seed of the fault streams (default: the training seed). */
  readonly seed?: number;
  /** Record every changed entry of every fault (`FaultEvent.changes`; attack campaigns). */
  readonly record?: boolean;
}

/** Node `node`'s injector for a run seeded `training.seed` with storage precision `training.dtype`. */
export function createNodeInjector(
  node: number,
  training: { readonly seed: number; readonly dtype: DType },
  faults: NodeFaultSettings,
): FaultInjector {
  const model = faults.model === undefined
    ? undefined
    : buildFaultModel(faults.model.name, faults.model.params, training.dtype);
  return new FaultInjector(node, faults.seed ?? training.seed, { ...faults, model });
}
