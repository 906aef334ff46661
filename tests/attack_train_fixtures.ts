/**
 * Shared helpers of the training-target attack tests: tiny train configurations (synthetic data,
 * a 784-8-10 net, 8 iterations; codenet, replication r = 2 and the uncoded grid), a seeded
 * campaign runner that also returns the campaign's injections.jsonl text.
 *
 * @module
 */

import {
  resolveTrainTarget,
  runTrainCampaign,
  type TrainCampaignConfig,
  type TrainTrialResult,
  validateTrainCampaign,
} from "../lib/attack/mod.ts";
import { planTrainRows } from "../lib/attack/train-config.ts";
import { trainHeaderLine, trainTrialLines } from "../lib/attack/train-output.ts";

/** Train flags of a tiny run: synthetic data, 784-8-10, float64, 8 iterations, checkpoint every 4. */
export const NET = "--dataset synthetic --layers 784,8,10 --train-samples 8 --test-samples 10 --lr 0.05 " +
  "--dtype float64 --checkpoint-every 4 --seed 5";
/** CodeNet with (3,1) stages: 5 nodes. */
export const CODENET = `${NET} --strategy codenet --pr 3 --qr 1 --pc 3 --qc 1`;
/** Replication r = 2: 2 nodes. */
export const REPLICATION = `${NET} --strategy replication --qr 1 --qc 1`;
/** The uncoded 1×2 grid: 2 nodes. */
export const UNCODED = `${NET} --strategy uncoded --grid-rows 1 --grid-cols 2`;

/**
 * Runs a campaign on `train` (default: one additive fault, t = 1, at the product site, seed 11,
 * one training seed, weight tolerance 1e-9; `overrides` replace any field) and returns its result,
 * every trial, and its injections.jsonl as the CLI writes it.
 */
export async function trainCampaign(
  train: string,
  trials: number,
  overrides: Partial<TrainCampaignConfig> = {},
) {
  const target = resolveTrainTarget(train);
  const config = validateTrainCampaign({
    train: target.flags,
    sites: ["product"],
    models: ["additive"],
    parameters: {},
    errors: [1],
    trials,
    trainSeeds: 1,
    seed: 11,
    weightTolerance: 1e-9,
    ...overrides,
  }, target);
  const trialResults: TrainTrialResult[] = [];
  const lines = [trainHeaderLine(config, planTrainRows(config))];
  const result = await runTrainCampaign(config, target, {
    onTrial: (row, r) => {
      trialResults.push(r);
      lines.push(...trainTrialLines(row, r));
    },
  });
  return { config, target, result, row: result.rows[0], trials: trialResults, log: lines.join("\n") + "\n" };
}
