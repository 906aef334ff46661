/**
 * Where a fault can strike during training, and the phases in which nodes draw faults.
 *
 * - `stored`: the node's stored weight block (persistent until regenerated or rolled back): the
 *   authors' model;
 * - `product`: the output of the node's local product (transient);
 * - `message`: the partial as sent into the exchange (every receiver sees it);
 * - `received`: the group sums as one node received them (only that node sees it);
 * - `decode`: the vector a node decoded;
 * - `nonlinear`: the node's activations after bias/ReLU/softmax (or δ after the ReLU′ product);
 * - `update`: the encoded vectors δ̂ and x̂ a node applies to its block.
 *
 * @module
 */

import { FAULT_SITES } from "../train/config.ts";
import { UsageError } from "../errors.ts";
import { closest } from "../config/suggest.ts";

/** A fault site. */
export type FaultSite = typeof FAULT_SITES[number];

/** Phases of an iteration after which a node active in them draws faults (the authors' schedule). */
export const PHASES = ["forward", "backward", "update"] as const;
/** A phase of an iteration. */
export type Phase = typeof PHASES[number];

/** Parses `--fault-sites` ("stored,message" or "all"). */
export function parseSites(text: string): FaultSite[] {
  if (text.trim() === "all") return [...FAULT_SITES];
  const sites: FaultSite[] = [];
  for (const raw of text.split(",")) {
    const s = raw.trim();
    if (!(FAULT_SITES as readonly string[]).includes(s)) {
      const hint = closest(s, FAULT_SITES);
      throw new UsageError(
        `--fault-sites: unknown site "${s}"${hint ? ` (did you mean ${hint}?)` : ""}; sites: ${
          FAULT_SITES.join(", ")
        }, all`,
      );
    }
    if (!sites.includes(s as FaultSite)) sites.push(s as FaultSite);
  }
  return sites;
}
