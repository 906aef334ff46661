/**
 * What coding theory promises for a campaign row: the stage's bounds with e erasures, and the
 * outcome expected for t faulty symbols under the decoder's mode.
 *
 * - MDS (P, Q) stage with e erasures (P' = P − e): corrects P' − Q − 1 errors (probabilistic),
 *   ⌊(P' − Q)/2⌋ (adversarial), detects P' − Q;
 * - replication with r copies per message row (worst case: all erasures in the faulty row's
 *   group, r' = r − e): corrects r' − 2 / ⌊(r' − 1)/2⌋, detects r' − 1;
 * - crashes are erasures: recovered while at least Q + 1 symbols remain (two copies for
 *   replication), detected otherwise;
 * - in-span errors are undetectable; colluding errors beyond the adversarial bound may be
 *   accepted wrong ("silent possible"); other errors beyond the detection bound have no guarantee.
 *
 * @module
 */

import type { DecodeMode } from "../codes/decoder.ts";
import type { StageCode } from "../codes/stage.ts";

/** The theory columns of a row. */
export interface Theory {
  readonly correctable_probabilistic: number;
  readonly correctable_adversarial: number;
  readonly detectable: number;
  /** `clean`, `corrected`, `detected`, `undetectable`, `silent possible`, `no guarantee`, or `per-node rate`. */
  readonly expected: string;
}

/** The kind of faults a row injects, as far as the theory cares. */
export type FaultKind = "errors" | "erasures" | "in-span" | "colluding";

/** The theory of a row; `t` undefined for per-node-rate rows. */
export function theoryFor(
  stage: StageCode,
  replicated: boolean,
  mode: DecodeMode,
  kind: FaultKind,
  t: number | undefined,
  erasures: number,
): Theory {
  // Symbols per independent group: all P for an MDS stage, the copies of a row for replication.
  const group = replicated ? stage.P / stage.Q : stage.P;
  const q = replicated ? 1 : stage.Q;
  const n = group - erasures;
  const bounds = {
    correctable_probabilistic: Math.max(0, n - q - 1),
    correctable_adversarial: Math.max(0, Math.floor((n - q) / 2)),
    detectable: Math.max(0, n - q),
  };
  const expect = (expected: string): Theory => ({ ...bounds, expected });
  if (t === undefined) return expect("per-node rate");
  if (kind === "in-span" && t > 0) return expect("undetectable");
  if (kind === "erasures" || t === 0) {
    const left = group - erasures - (kind === "erasures" ? t : 0);
    if (left === group) return expect("clean");
    return expect(left >= q + 1 ? "corrected" : "detected");
  }
  // Coordinated errors are not random: only the adversarial radius protects against them.
  if (kind === "colluding") {
    return expect(t <= bounds.correctable_adversarial ? "corrected" : "silent possible");
  }
  const correctable = mode === "probabilistic"
    ? bounds.correctable_probabilistic
    : bounds.correctable_adversarial;
  if (t <= correctable) return expect("corrected");
  return expect(t <= bounds.detectable ? "detected" : "no guarantee");
}
