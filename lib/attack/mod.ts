/**
 * The attack engine's public API in one import (see each module for details):
 *
 * - a campaign as plain JSON ({@link CampaignConfig}: code, stages, models and their parameters,
 *   t or per-node rates, erasures, schedule, trials, decoder mode, precision, seed), checked by
 *   {@link validateCampaign} and split into rows by {@link planRows};
 * - {@link runCampaign}: the standalone stage target (a coded stage's P symbols, no training),
 *   one {@link TrialResult} per trial through `onTrial`, {@link RowResult}s with outcome counts,
 *   Clopper–Pearson intervals and the theory's bounds; {@link replayCampaign} re-runs recorded
 *   injections;
 * - the outcome classes ({@link OUTCOMES}, {@link classify}), schedules ({@link SCHEDULES},
 *   {@link RowDraws}), intervals ({@link clopperPearson}), the injection log
 *   ({@link headerLine}, {@link trialLines}, {@link parseInjectionLog}) and the outputs
 *   ({@link toleranceCsv}, {@link attackJson}, {@link formatAttackTable}).
 *
 * - the training-run target ({@link runTrainCampaign}): short seeded training runs of a
 *   distributed strategy with faults at chosen sites, each judged against the fault-free run with
 *   the same training seed; its rows are (site, model, t or rate) and its outputs use the same
 *   formats ({@link trainToleranceCsv}, {@link trainAttackJson}, {@link formatTrainTable},
 *   {@link trainHeaderLine}, {@link trainTrialLines}); {@link replayTrainCampaign} re-runs a
 *   recorded training campaign's faults ({@link parseTrainInjectionLog}).
 *
 * The fault models live in lib/faults/ (`buildFaultModel` for one buffer, `buildStageAttack` for
 * a stage); the training target passes a buffer model's name and parameters to every node
 * (lib/faults/node-injector.ts), which builds it for its `FaultInjector`.
 *
 * @example
 * ```ts
 * import { runCampaign, toleranceCsv, validateCampaign } from "./mod.ts";
 * const config = validateCampaign({
 *   code: { code: "grid", pr: 7, qr: 5, pc: 6, qc: 4 }, stages: ["forward"], lengths: { forward: 2000, backward: 2500 },
 *   models: ["additive"], parameters: {}, errors: [0, 1, 2, 3], erasures: 0, schedule: "transient",
 *   sequence: 100, activity: 0.5, trials: 3000, mode: "probabilistic", dtype: "float32", datasets: 16,
 *   toleranceScale: 1, seed: 1, budgetSeconds: 1,
 * });
 * const result = runCampaign(config);
 * result.rows[1].counts.corrected; // 3000
 * toleranceCsv(result, { code: "grid", parameters: "Pr=7 qr=5 Pc=6 qc=4" });
 * ```
 *
 * @module
 */

export {
  type CampaignHooks,
  type CampaignResult,
  type RecordedTrial,
  replayCampaign,
  type ReplayResult,
  type RowResult,
  runCampaign,
  type StageSummary,
} from "./campaign.ts";
export {
  buildCampaign,
  type CampaignConfig,
  planRows,
  type RowPlan,
  STAGE_NAMES,
  type StageName,
  stageOf,
  validateCampaign,
} from "./config.ts";
export { formatAttackTable } from "./format.ts";
export { headerLine, parseInjectionLog, trialLines } from "./injection-log.ts";
export { clopperPearson, type Interval } from "./interval.ts";
export { classify, type Outcome, OUTCOMES } from "./outcome.ts";
export { RowDraws, type Schedule, SCHEDULES } from "./schedule.ts";
export type { SymbolInjection, TrialResult } from "./stage-runner.ts";
export { type Theory, theoryFor } from "./theory.ts";
export {
  attackJson,
  type CodeLabel,
  falseAlarms,
  TOLERANCE_COLUMNS,
  toleranceCsv,
} from "./tolerance-table.ts";
export {
  runTrainCampaign,
  type TrainCampaignHooks,
  type TrainCampaignResult,
  type TrainReference,
  type TrainRowResult,
  type TrainTrialResult,
} from "./train-campaign.ts";
export {
  defaultWeightTolerance,
  planTrainRows,
  resolveTrainTarget,
  type TrainCampaignConfig,
  type TrainRowPlan,
  type TrainTarget,
  validateTrainCampaign,
} from "./train-config.ts";
export { classifyTrainTrial, weightDifference } from "./train-outcome.ts";
export {
  runTrainAttack,
  type TrainReplaySummary,
  type TrainRunOptions,
  type TrainRunOutcome,
} from "./train-run.ts";
export {
  injectionLogTarget,
  parseTrainInjectionLog,
  type RecordedTrainFault,
  type RecordedTrainTrial,
  type TrainInjectionLog,
} from "./train-injection-log.ts";
export {
  checkRecordedTrainTrials,
  hasRecordedValues,
  replayTrainCampaign,
  type TrainReplayMismatch,
  type TrainReplayResult,
} from "./train-replay.ts";
export {
  formatTrainTable,
  trainAttackJson,
  trainCodeLabel,
  trainHeaderLine,
  trainToleranceCsv,
  trainTrialLines,
} from "./train-output.ts";
