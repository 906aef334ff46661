/**
 * Where the faults of one training trial strike: one stage of one iteration (a uniformly drawn
 * iteration, and a (phase, layer) where the site exists), and t distinct nodes struck at once.
 *
 * | site                | phases (layers)                                      | nodes drawn from     |
 * | ------------------- | ---------------------------------------------------- | -------------------- |
 * | product, message    | forward (all), backward (all but the first)          | distinct symbols     |
 * | stored              | forward, backward as above: distinct symbols;        | distinct symbols /   |
 * |                     | update (all layers): any nodes                       | any nodes            |
 * | received, decode    | forward (all), backward (all but the first)          | any nodes            |
 * | nonlinear           | forward (all), backward (all but the last)           | any nodes            |
 * | update              | update (all)                                         | any nodes            |
 *
 * "Distinct symbols": the t nodes belong to t different symbol groups of the stage (for the grid
 * code, t grid rows forward or columns backward; for replication, t copies), so that the stage has
 * exactly t faulty symbols, as in the standalone stage campaign. Elsewhere t counts nodes: each
 * node's own copy (received, decode, nonlinear) or its update is corrupted.
 *
 * The nodes a phase's strike reaches must take part in it: product, message and stored strikes in
 * the forward or backward phase only happen on nodes active there (see the node program).
 *
 * @module
 */

import type { LayerCode } from "../codes/layer-code.ts";
import type { ForcedFault } from "../faults/injector.ts";
import type { FaultSite, Phase } from "../faults/sites.ts";
import type { Rng } from "../random/rng.ts";

/** A place a site's strike can happen: a phase of a layer, and which nodes it draws from. */
export interface StrikeOption {
  readonly phase: Phase;
  readonly layer: number;
  /** Symbol groups of the stage (nodes are drawn from distinct groups), or null for any node. */
  readonly groups: readonly (readonly number[])[] | null;
}

/** Sites whose strikes change a stage's coded symbols (before the decode). */
const SYMBOL_SITES: readonly FaultSite[] = ["product", "message", "stored"];

/** Every place a strike at `site` can happen in a network of `layers` layers. */
export function strikeOptions(code: LayerCode, layers: number, site: FaultSite): StrikeOption[] {
  const options: StrikeOption[] = [];
  const symbols = SYMBOL_SITES.includes(site);
  const forward = symbols ? code.forwardGroups() : null;
  const backward = symbols ? code.backwardGroups() : null;
  const stages = site !== "update";
  for (let l = 0; l < layers && stages; l++) options.push({ phase: "forward", layer: l, groups: forward });
  const backwardLayers = site === "nonlinear"
    ? Array.from({ length: layers - 1 }, (_, i) => i)
    : Array.from({ length: layers - 1 }, (_, i) => i + 1);
  for (const l of stages ? backwardLayers : []) {
    options.push({ phase: "backward", layer: l, groups: backward });
  }
  if (site === "update" || site === "stored") {
    for (let l = 0; l < layers; l++) options.push({ phase: "update", layer: l, groups: null });
  }
  return options;
}

/** Most nodes one strike at `site` can hit (distinct symbols where that matters). */
export function strikeCapacity(code: LayerCode, layers: number, site: FaultSite): number {
  const options = strikeOptions(code, layers, site);
  return Math.min(...options.map((o) => o.groups?.length ?? code.nodes));
}

/**
 * The forced faults of one trial: `t` nodes at `site` in one stage of an iteration below
 * `iterations`, drawn from `rng`. `t` must be at most {@link strikeCapacity}.
 */
export function drawStrike(
  code: LayerCode,
  layers: number,
  iterations: number,
  site: FaultSite,
  t: number,
  rng: Rng,
): ForcedFault[] {
  const options = strikeOptions(code, layers, site);
  const option = options[rng.int(options.length)];
  const iteration = rng.int(iterations);
  let nodes: number[];
  if (option.groups === null) {
    if (t > code.nodes) throw new RangeError(`${t} faulty nodes of ${code.nodes}`);
    nodes = rng.sample(code.nodes, t);
  } else {
    const groups = option.groups;
    if (t > groups.length) throw new RangeError(`${t} faulty symbols of ${groups.length}`);
    nodes = rng.sample(groups.length, t).map((g) => groups[g][rng.int(groups[g].length)]);
  }
  return nodes.sort((a, b) => a - b).map((node) => ({
    iteration,
    layer: option.layer,
    phase: option.phase,
    node,
    site,
  }));
}
