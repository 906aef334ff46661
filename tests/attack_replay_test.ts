/**
 * `--replay`: a recorded campaign, written to injections.jsonl exactly as the CLI writes it and
 * parsed back, re-runs trial by trial with the same outcomes (every model family, every schedule,
 * erasures); values JSON cannot hold survive; a log that does not match its data is refused.
 */

import { replayCampaign, runCampaign } from "../lib/attack/campaign.ts";
import { type CampaignConfig, planRows } from "../lib/attack/config.ts";
import {
  decodeNumber,
  encodeNumber,
  headerLine,
  parseInjectionLog,
  trialLines,
} from "../lib/attack/injection-log.ts";
import { UsageError } from "../lib/errors.ts";
import { assert } from "./assert.ts";
import { smallCampaign } from "./attack_fixtures.ts";

/** Runs a campaign and returns it with its injections.jsonl text. */
function recorded(config: CampaignConfig) {
  const lines = [headerLine(config, planRows(config))];
  const result = runCampaign(config, {
    onTrial: (row, trial, r, faulty) => lines.push(...trialLines(row, trial, r, faulty)),
  });
  return { result, text: lines.join("\n") + "\n" };
}

Deno.test("replaying injections.jsonl reproduces every outcome, for every model and schedule", () => {
  const cases: Partial<CampaignConfig>[] = [
    {
      models: ["additive", "bitflip", "in-span", "colluding", "crash", "nan", "sign-flip"],
      errors: [0, 1, 2, 3],
    },
    {
      models: ["stuck-at-0", "scale", "zero"],
      schedule: "permanent",
      sequence: 7,
      erasures: 1,
      errors: [0, 1, 2],
    },
    {
      models: ["mercurial", "bitflip"],
      parameters: { probability: 0.3, bitClass: "exponent", flips: 2, inner: "bitflip" },
      schedule: "intermittent",
      errors: [1, 2],
      dtype: "float64",
      mode: "adversarial",
    },
    { models: ["random-value", "inf"], errors: undefined, rates: [0.1, 0.4] },
  ];
  for (const overrides of cases) {
    const config = smallCampaign({ trials: 20, ...overrides });
    const { result, text } = recorded(config);
    const log = parseInjectionLog(text);
    assert.deepEqual(log.config, JSON.parse(JSON.stringify(config)));
    const replay = replayCampaign(log.config, log.trials);
    const what = JSON.stringify(overrides);
    assert.equal(replay.replayed, result.rows.reduce((s, r) => s + r.trials, 0), what);
    assert.deepEqual(replay.mismatches, [], what);
    assert.deepEqual(replay.rows.map((r) => r.counts), result.rows.map((r) => r.counts), what);
    assert.deepEqual(replay.rows.map((r) => r.skipped), result.rows.map((r) => r.skipped), what);
    if (overrides !== cases[0]) continue;
    // Replaying gives the same log again (decode times aside).
    const lines = [headerLine(config, planRows(config))];
    replayCampaign(log.config, log.trials, {
      onTrial: (row, trial, r, f) => lines.push(...trialLines(row, trial, r, f)),
    });
    const timeless = (t: string) => t.replace(/"decode_us":[0-9.e+-]+/g, '"decode_us":0');
    assert.equal(timeless(lines.join("\n") + "\n"), timeless(text), what);
  }
});

Deno.test("injection records hold old and new values exactly, NaN, ±Infinity and −0 included", () => {
  for (const v of [0, -0, 1.5, -2.25e-300, NaN, Infinity, -Infinity, Math.fround(0.1)]) {
    const back = decodeNumber(JSON.parse(JSON.stringify(encodeNumber(v))));
    assert.ok(Object.is(back, v), `${v} → ${back}`);
  }
  const config = smallCampaign({ models: ["sign-flip", "nan"], errors: [1], stages: ["forward"], trials: 5 });
  const { text } = recorded(config);
  const injections = text.split("\n").filter((l) => l.includes('"type":"injection"')).map((l) =>
    JSON.parse(l)
  );
  assert.equal(injections.length, 10);
  for (const inj of injections) {
    assert.equal(inj.site, "received");
    assert.equal(inj.entries.length, 1);
    const e = inj.entries[0];
    if (inj.model === "nan") assert.equal(e.new, "NaN");
    else assert.equal(e.new, -e.old);
  }
});

Deno.test("a log that does not match its data, or is malformed, is refused with its line", () => {
  const config = smallCampaign({ errors: [1], stages: ["forward"], trials: 3 });
  const { text } = recorded(config);
  const tampered = text.replace(/"old":(-?[0-9.e-]+)/, '"old":123.5');
  const log = parseInjectionLog(tampered);
  assert.throws(() => replayCampaign(log.config, log.trials), /holds .*, the record says 123\.5/);
  const bad: [string, RegExp][] = [
    ["", /empty/],
    ['{"type":"trial"}\n', /first line must be the campaign header/],
    [text.split("\n")[0] + "\n{oops\n", /injections\.jsonl:2: not JSON/],
    [text.replace(/"outcome":"corrected"}\n$/, '"outcome":"fine"}\n'), /unknown outcome fine/],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => parseInjectionLog(input),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  }
});
