/**
 * Which implementation runs a configuration. Today only the centralized reference exists; the
 * distributed strategies (codenet, replication, uncoded over several nodes; issue 4) are refused
 * with a clear message instead of being imitated.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { createCentralized } from "./centralized.ts";
import type { TrainConfig } from "./config.ts";
import type { StrategyFactory } from "./strategy.ts";

/** The factory for a resolved configuration, or a UsageError if that strategy is not available. */
export function selectStrategy(config: TrainConfig): StrategyFactory {
  if (config.strategy === "uncoded" && config.workers === 1) return createCentralized;
  const what = config.strategy === "uncoded"
    ? `--strategy uncoded with ${config.workers} workers`
    : `--strategy ${config.strategy}`;
  throw new UsageError(
    `${what} is not available yet (distributed training is being implemented); use --strategy uncoded --workers 1, the centralized reference`,
  );
}
