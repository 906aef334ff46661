/**
 * Which implementation runs a configuration: the centralized reference for
 * `--strategy uncoded --workers 1`, the distributed strategies otherwise (one Worker per node, or
 * one MPI rank per node with `--transport mpi`).
 *
 * @module
 */

import { buildLayerCode } from "../codes/build.ts";
import { UsageError } from "../errors.ts";
import { readFaultPlan } from "../faults/plan.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import { createDistributed } from "../strategies/distributed.ts";
import { createMpiDistributed } from "../strategies/mpi-distributed.ts";
import { createCentralized } from "./centralized.ts";
import type { TrainConfig } from "./config.ts";
import type { StrategyFactory } from "./strategy.ts";

/**
 * The factory for a resolved configuration. What can be refused before nodes start is refused
 * here (impossible code parameters, a bad fault plan), before the run directory exists.
 */
export function selectStrategy(config: TrainConfig): StrategyFactory {
  if (config.strategy === "uncoded" && config.workers === 1) return createCentralized;
  const code = buildLayerCode(codeSpecOf(config));
  for (let l = 0; l + 1 < config.layers.length; l++) {
    try {
      code.layout(config.layers[l + 1], config.layers[l]);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      throw new UsageError(
        `--layers ${config.layers.join(",")}: layer ${l + 1} (${config.layers[l]} → ${
          config.layers[l + 1]
        }): ${e.message}`,
      );
    }
  }
  const forced = config.faultPlan
    ? readFaultPlan(config.faultPlan, code.nodes, config.layers.length - 1)
    : [];
  return config.transport === "mpi"
    ? (context) => createMpiDistributed(context, { forced })
    : (context) => createDistributed(context, { forced });
}
