/**
 * The attack section of the benchmark: standalone campaign trials per second on the authors'
 * (7,5) forward stage (float32 symbols of 2,000 and 256 entries), per model and number of faulty
 * symbols, and the engine's own cost per trial beside the decoder's. Goal (issue 5): thousands of
 * trials per second. Each figure is the best of three campaigns of `trials` trials.
 *
 * @module
 */

import { runCampaign } from "../lib/attack/campaign.ts";
import { validateCampaign } from "../lib/attack/config.ts";
import type { BenchRow, BenchSection } from "./harness.ts";

/** One measured campaign row: best trials/s and engine µs per trial over `rounds` runs. */
function measure(model: string, t: number, length: number, trials: number, rounds = 3) {
  const config = validateCampaign({
    code: { code: "grid", pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 },
    stages: ["forward"],
    lengths: { forward: length, backward: length },
    models: [model],
    parameters: {},
    errors: [t],
    erasures: 0,
    schedule: "transient",
    sequence: 100,
    activity: 0.5,
    trials,
    mode: "probabilistic",
    dtype: "float32",
    datasets: 16,
    toleranceScale: 1,
    seed: 1,
    budgetSeconds: 10,
  });
  let best = { rate: 0, engineMicros: Infinity };
  for (let r = 0; r < rounds; r++) {
    const row = runCampaign(config).rows[0];
    const rate = row.trials / row.seconds;
    if (rate > best.rate) {
      best = { rate, engineMicros: (1e6 * (row.seconds - row.decodeSeconds)) / row.trials };
    }
  }
  return best;
}

/** The attack benchmark section. */
export const attackSection: BenchSection = {
  name: "attack",
  run(report: (row: BenchRow) => void): Promise<void> {
    const cases: [string, number, number, number][] = [
      ["additive", 0, 2000, 3000],
      ["additive", 1, 2000, 1000],
      ["additive", 2, 2000, 1000],
      ["bitflip", 1, 2000, 1000],
      ["in-span", 3, 2000, 1000],
      ["additive", 0, 256, 5000],
      ["additive", 1, 256, 2000],
    ];
    for (const [model, t, length, trials] of cases) {
      const { rate, engineMicros } = measure(model, t, length, trials);
      const name = `(7,5) ${length} f32, ${model} t=${t}`;
      report({ name: `${name}: trials/s`, value: rate, unit: "trials/s", goal: 1000 });
      report({ name: `${name}: engine per trial`, value: engineMicros, unit: "µs" });
    }
    return Promise.resolve();
  },
};
