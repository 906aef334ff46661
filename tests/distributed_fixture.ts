/**
 * Shared set-up of the distributed-training tests: a resolved config from flags, synthetic data,
 * and a way to train any strategy for a number of iterations and read its weights.
 */
import { loadRunInputs } from "../lib/train/run-inputs.ts";
import { parseOptions } from "../lib/config/options.ts";
import type { MlpState } from "../lib/nn/state.ts";
import { createDistributed, type DistributedOptions } from "../lib/strategies/distributed.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { createCentralized } from "../lib/train/centralized.ts";
import { type TrainConfig, trainSchema } from "../lib/train/config.ts";
import { prepareTrainConfig } from "../lib/train/prepare.ts";
import type { Strategy, StrategyContext } from "../lib/train/strategy.ts";

/** A resolved train config from flags (synthetic data, no progress output). */
export function configOf(argv: string[]): TrainConfig {
  const { values, sources } = parseOptions(trainSchema, [
    "--dataset",
    "synthetic",
    "--progress",
    "none",
    ...argv,
  ]);
  const explicit = new Set(Object.entries(sources).filter(([, s]) => s !== "default").map(([k]) => k));
  return prepareTrainConfig(values, explicit);
}

/** The strategy context of a config. */
export async function contextOf(config: TrainConfig): Promise<StrategyContext> {
  const { data, schedule } = await loadRunInputs(config);
  return { config, kernels: await createWasmKernels(), train: data.train, test: data.test, schedule };
}

/** Trains `config` for its whole schedule and returns the strategy (open) and its weights. */
export async function trainToEnd(
  config: TrainConfig,
  options: DistributedOptions = {},
): Promise<{ strategy: Strategy; state: MlpState }> {
  const context = await contextOf(config);
  const strategy = config.strategy === "uncoded" && config.workers === 1
    ? await createCentralized(context)
    : await createDistributed(context, options);
  try {
    const r = await strategy.train(0, context.schedule.totalIterations);
    if (r.diverged) throw new Error("diverged");
    return { strategy, state: await strategy.exportState() };
  } catch (e) {
    await strategy.close();
    throw e;
  }
}

/** Largest relative difference between two networks' weights and biases (norm-wise per array). */
export function stateDifference(a: MlpState, b: MlpState): number {
  let worst = 0;
  const arrays = [...a.weights.map((w, i) => [w, b.weights[i]]), ...a.biases.map((w, i) => [w, b.biases[i]])];
  for (const [x, y] of arrays) {
    let num = 0;
    let den = 0;
    for (let i = 0; i < x.length; i++) {
      num = Math.max(num, Math.abs(x[i] - y[i]));
      den = Math.max(den, Math.abs(y[i]));
    }
    worst = Math.max(worst, num / Math.max(den, 1e-30));
  }
  return worst;
}
