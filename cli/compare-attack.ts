/**
 * The attack campaigns of an experiment, run by `compare`: each campaign is an `attack` run (the
 * `attack` command itself, with the campaign's flags) in `<compare folder>/attack/<label>`, whose
 * `tolerance.csv` is read back for the README table and the tolerance plot.
 *
 * @module
 */

import { join } from "node:path";
import { parseOptions } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import type { ProgressMode } from "../lib/results/progress.ts";
import { parseToleranceCsv, type ToleranceRow } from "../lib/results/tolerance-csv.ts";
import type { AttackCampaign } from "../lib/train/experiment-config.ts";
import { attackCommand, attackSchema } from "./attack.ts";

/** A finished campaign: its folder (relative to the compare folder) and its tolerance rows. */
export interface CampaignOutcome {
  readonly label: string;
  readonly directory: string;
  readonly rows: readonly ToleranceRow[];
}

/**
 * Runs one campaign into `<dir>/attack/<label>` (the attack table goes to stdout, its progress to
 * stderr) and returns its tolerance rows. A campaign that fails is an Error naming it.
 */
export async function runAttackCampaign(
  dir: string,
  campaign: AttackCampaign,
  progress: ProgressMode,
): Promise<CampaignOutcome> {
  const directory = join("attack", campaign.label);
  const out = join(dir, directory);
  const { values } = parseOptions(attackSchema, [], campaign.flags, `attack campaign "${campaign.label}"`);
  const given = Object.keys(campaign.flags).map((k) => `--${k}`);
  const code = await attackCommand.run(
    { ...values, out, progress: progress as typeof values.progress },
    given,
  );
  if (code !== 0) throw new Error(`attack campaign "${campaign.label}" ended with exit code ${code}`);
  const file = join(out, "tolerance.csv");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new Error(`attack campaign "${campaign.label}" wrote no ${file} (${(e as Error).message})`);
  }
  try {
    return { label: campaign.label, directory, rows: parseToleranceCsv(text, file) };
  } catch (e) {
    if (e instanceof UsageError) throw new Error(e.message);
    throw e;
  }
}
