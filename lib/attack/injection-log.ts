/**
 * `injections.jsonl`: every injection of a campaign, one JSON object per line, and what
 * `--replay` reads back.
 *
 * - line 1, `{"type": "campaign", "version": 1, "config": {...}, "rows": [...]}`: the campaign's
 *   configuration (enough to rebuild code, data and rows) and its rows;
 * - per injected symbol, `{"type": "injection", "row", "stage", "model", "trial", "symbol",
 *   "site": "received", "erased", "max_abs_delta", "detect", "entries": [{"index", "old", "new",
 *   "bits"?}], "outcome"}`: every changed entry with its old and new value (and the bits, for
 *   bit-level models), the largest change and the decoder's detection threshold for that symbol
 *   (a change below it in one entry may be masked);
 * - per trial, after its injections, `{"type": "trial", "row", "stage", "model", "t" | "rate",
 *   "trial", "dataset", "faulty", "attempted", "verdict", "located", "margin", "bound",
 *   "output_error", "decode_us", "outcome", "reason"?}`.
 *
 * Numbers JSON cannot hold are strings: "NaN", "Infinity", "-Infinity", and "-0" (so that a sign
 * flip of a zero survives). Values are written with JavaScript's shortest round-trip form, so a
 * replay writes back exactly the recorded bits (NaN payloads aside, which no decoder tells apart).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { EntryChange } from "../faults/model.ts";
import type { RecordedTrial } from "./campaign.ts";
import type { CampaignConfig, RowPlan } from "./config.ts";
import { type Outcome, OUTCOMES } from "./outcome.ts";
import type { TrialResult } from "./stage-runner.ts";

/** Version of the format. */
export const INJECTION_LOG_VERSION = 1;

/** A number for JSON: non-finite values and −0 as strings. */
export function encodeNumber(v: number): number | string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return v;
}

/** The inverse of {@link encodeNumber}; undefined for anything else. */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  switch (v) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0":
      return -0;
  }
  return undefined;
}

/** Largest |new − old| over entries (NaN when a value is or became non-finite); 0 for none. */
function maxAbsDelta(entries: readonly EntryChange[]): number {
  let worst = 0;
  for (const e of entries) {
    const d = Math.abs(e.new - e.old);
    if (!(d <= worst)) worst = d !== d || worst !== worst ? NaN : d;
  }
  return worst;
}

/** The first line. */
export function headerLine(config: CampaignConfig, rows: readonly RowPlan[]): string {
  return JSON.stringify({
    type: "campaign",
    version: INJECTION_LOG_VERSION,
    config,
    rows: rows.map(({ index, stage, model, t, rate }) => ({ index, stage, model, t, rate })),
  });
}

/** The lines of one trial: its injections, then the trial. */
export function trialLines(row: RowPlan, trial: number, r: TrialResult, faulty: readonly number[]): string[] {
  const lines = r.injections.map((inj) =>
    JSON.stringify({
      type: "injection",
      row: row.index,
      stage: row.stage,
      model: row.model,
      trial,
      symbol: inj.symbol,
      site: "received",
      erased: inj.erased,
      max_abs_delta: encodeNumber(maxAbsDelta(inj.entries)),
      detect: encodeNumber(inj.detect),
      entries: inj.entries.map((e) => ({
        index: e.index,
        old: encodeNumber(e.old),
        new: encodeNumber(e.new),
        ...(e.bits !== undefined ? { bits: e.bits } : {}),
      })),
      outcome: r.outcome,
    })
  );
  lines.push(JSON.stringify({
    type: "trial",
    row: row.index,
    stage: row.stage,
    model: row.model,
    ...(row.t !== undefined ? { t: row.t } : { rate: row.rate }),
    trial,
    dataset: r.dataset,
    faulty,
    attempted: r.attempted,
    verdict: r.verdict,
    located: r.located,
    margin: encodeNumber(r.margin),
    bound: encodeNumber(r.bound),
    output_error: encodeNumber(r.outputError),
    decode_us: Math.round(r.seconds * 1e7) / 10,
    outcome: r.outcome,
    ...(r.reason !== "" ? { reason: r.reason } : {}),
  }));
  return lines;
}

/** A parsed `injections.jsonl`. */
export interface InjectionLog {
  readonly config: CampaignConfig;
  readonly trials: RecordedTrial[];
}

/** Throws the one-line UsageError of a malformed log: `<file>:<line>: <what>`. */
export function fail(where: string, what: string): never {
  throw new UsageError(`${where}: ${what}`);
}

/** `v` as an integer ≥ 0, or a {@link fail} naming `what`. */
export function integer(v: unknown, where: string, what: string): number {
  if (!(typeof v === "number" && Number.isInteger(v) && v >= 0)) {
    fail(where, `${what} must be an integer ≥ 0`);
  }
  return v as number;
}

/** `v` as a number (finite, or NaN/±Inf as {@link encodeNumber} writes them), or a {@link fail}. */
export function number(v: unknown, where: string, what: string): number {
  const n = decodeNumber(v);
  if (n === undefined) fail(where, `${what} must be a number`);
  return n;
}

/** One changed entry `{index, old, new, bits?}` of a log line. */
export function entryChange(v: unknown, where: string): EntryChange {
  const e = v as Record<string, unknown>;
  if (typeof e !== "object" || e === null) fail(where, "a changed entry must be an object {index, old, new}");
  const index = integer(e.index, where, "entry index");
  const old = number(e.old, where, "an entry's old value");
  const now = number(e.new, where, "an entry's new value");
  if (e.bits === undefined) return { index, old, new: now };
  if (!(Array.isArray(e.bits) && e.bits.every((b) => Number.isInteger(b) && b >= 0 && b < 64))) {
    fail(where, "entry bits must be a list of bit indices");
  }
  return { index, old, new: now, bits: e.bits as number[] };
}

/** Parses the text of an `injections.jsonl` (UsageError with the file and line on malformed input). */
export function parseInjectionLog(text: string, file = "injections.jsonl"): InjectionLog {
  const lines = text.split("\n");
  let config: CampaignConfig | undefined;
  const trials: RecordedTrial[] = [];
  let pending: RecordedTrial["injections"][number][] = [];
  let pendingKey = "";
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${file}:${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch (e) {
      fail(where, `not JSON (${(e as Error).message})`);
    }
    if (typeof o !== "object" || o === null) fail(where, "expected a JSON object");
    if (config === undefined) {
      if (o.type !== "campaign" || typeof o.config !== "object") {
        fail(where, "the first line must be the campaign header (is this an attack injections.jsonl?)");
      }
      if (o.target === "train") {
        fail(
          where,
          "a training campaign's log; read it with parseTrainInjectionLog (train-injection-log.ts)",
        );
      }
      if (o.version !== INJECTION_LOG_VERSION) {
        fail(where, `format version ${o.version}, this codenet reads ${INJECTION_LOG_VERSION}`);
      }
      config = o.config as CampaignConfig;
      return;
    }
    const row = integer(o.row, where, "row");
    const trial = integer(o.trial, where, "trial");
    const key = `${row}/${trial}`;
    if (o.type === "injection") {
      if (pending.length > 0 && key !== pendingKey) {
        fail(where, "injection of another trial before its trial line");
      }
      pendingKey = key;
      if (!Array.isArray(o.entries)) fail(where, "entries must be a list");
      pending.push({
        symbol: integer(o.symbol, where, "symbol"),
        erased: o.erased === true,
        entries: (o.entries as unknown[]).map((e) => entryChange(e, where)),
        detect: decodeNumber(o.detect) ?? NaN,
      });
    } else if (o.type === "trial") {
      if (pending.length > 0 && key !== pendingKey) fail(where, "trial line does not match its injections");
      if (!(OUTCOMES as readonly unknown[]).includes(o.outcome)) fail(where, `unknown outcome ${o.outcome}`);
      if (!Array.isArray(o.faulty)) fail(where, "faulty must be a list");
      trials.push({
        row,
        trial,
        dataset: integer(o.dataset, where, "dataset"),
        injections: pending,
        faulty: (o.faulty as unknown[]).map((p) => integer(p, where, "faulty symbol")),
        outcome: o.outcome as Outcome,
      });
      pending = [];
    } else {
      fail(where, `unknown line type ${JSON.stringify(o.type)}`);
    }
  });
  if (config === undefined) throw new UsageError(`${file}: empty; expected an attack injections.jsonl`);
  if (pending.length > 0) throw new UsageError(`${file}: ends with injections but no trial line`);
  return { config, trials };
}
