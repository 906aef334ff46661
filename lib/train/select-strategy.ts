/**
 * Which implementation runs a configuration: the centralized reference for
 * `--strategy uncoded --workers 1`, the distributed strategies (one Worker per node) otherwise.
 *
 * @module
 */

import { createDistributed } from "../strategies/distributed.ts";
import { createCentralized } from "./centralized.ts";
import type { TrainConfig } from "./config.ts";
import type { StrategyFactory } from "./strategy.ts";

/** The factory for a resolved configuration. */
export function selectStrategy(config: TrainConfig): StrategyFactory {
  if (config.strategy === "uncoded" && config.workers === 1) return createCentralized;
  return (context) => createDistributed(context);
}
