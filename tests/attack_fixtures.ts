/**
 * Shared helpers of the attack tests: a small seeded campaign configuration on the authors' grid
 * stages (short symbols, so a few hundred trials take well under a second), a one-line
 * summary of a row's non-zero counts for assertion messages, and `codenet attack` as a subprocess.
 *
 * @module
 */

import type { RowResult } from "../lib/attack/campaign.ts";
import { type CampaignConfig, validateCampaign } from "../lib/attack/config.ts";
import { type ProcessResult, runCliProcess } from "./cli_capture.ts";

/** A validated campaign on the (7,5) and (6,4) grid stages; `overrides` replace any field. */
export function smallCampaign(overrides: Partial<CampaignConfig> = {}): CampaignConfig {
  return validateCampaign({
    code: { code: "grid", pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 },
    stages: ["forward", "backward"],
    lengths: { forward: 160, backward: 128 },
    models: ["additive"],
    parameters: {},
    errors: [0, 1, 2, 3],
    erasures: 0,
    schedule: "transient",
    sequence: 20,
    activity: 0.5,
    trials: 150,
    mode: "probabilistic",
    dtype: "float32",
    datasets: 4,
    toleranceScale: 1,
    seed: 7,
    budgetSeconds: 30,
    ...overrides,
  });
}

/** "forward additive t=1: corrected=150" */
export function describeRow(row: RowResult): string {
  const counts = Object.entries(row.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${row.stage} ${row.model} ${row.t !== undefined ? `t=${row.t}` : `rate=${row.rate}`}: ${counts}`;
}

/** `codenet attack …` in a subprocess: its exit code and output. */
export function attack(...args: string[]): Promise<ProcessResult> {
  return runCliProcess(["attack", ...args]);
}
