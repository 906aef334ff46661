/**
 * Standalone stage campaigns: outcome counts of small seeded campaigns are stable and agree with
 * the theory (no false alarm, nothing silent within the bounds, in-span errors undetectable by
 * construction, colluding errors win exactly beyond the adversarial bound), schedules and rates
 * do what they say, erasures cost redundancy, and the outcome classifier's rules hold.
 */

import { runCampaign } from "../lib/attack/campaign.ts";
import type { RowPlan } from "../lib/attack/config.ts";
import { classify, type TrialFacts } from "../lib/attack/outcome.ts";
import type { TrialResult } from "../lib/attack/stage-runner.ts";
import { assert } from "./assert.ts";
import { describeRow, smallCampaign } from "./attack_fixtures.ts";

Deno.test("additive faults on the (7,5) and (6,4) stages: the same counts every run, as the theory says", () => {
  const config = smallCampaign();
  const a = runCampaign(config);
  const b = runCampaign(config);
  assert.deepEqual(
    a.rows.map((r) => r.counts),
    b.rows.map((r) => r.counts),
    "seeded campaigns repeat exactly",
  );
  const expected = ["clean", "corrected", "detected", "detected"] as const;
  for (const row of a.rows) {
    assert.equal(row.trials, 150);
    assert.equal(row.counts[expected[row.t!]], 150, describeRow(row));
    assert.equal(row.theory.correctable_probabilistic, 1);
    assert.equal(row.theory.correctable_adversarial, 1);
    assert.equal(row.theory.detectable, 2);
    assert.equal(row.theory.expected, ["clean", "corrected", "detected", "no guarantee"][row.t!]);
    // 150 of 150: the interval's lower end is (α/2)^(1/150) ≈ 0.9757.
    assert.ok(Math.abs(row.intervals[expected[row.t!]].low - 0.025 ** (1 / 150)) < 1e-9);
  }
});

Deno.test("random-valued faults: no false alarm, nothing silent within P − Q − 1, nothing silent at P − Q", () => {
  const models = ["bitflip", "nan", "inf", "scale", "zero", "sign-flip", "random-value", "stuck-at-1"];
  const result = runCampaign(smallCampaign({ models, errors: [0, 1, 2], trials: 100 }));
  for (const row of result.rows) {
    const what = describeRow(row);
    assert.equal(row.counts.silent + row.counts.crash + row.counts["false-alarm"], 0, what);
    if (row.t === 0) assert.equal(row.counts.clean, 100, what);
    // One faulty symbol: corrected, or too small to see (below the tolerance) and harmless.
    if (row.t === 1) assert.equal(row.counts.corrected + row.counts.masked, 100, what);
    if (row.t === 1 && ["nan", "inf", "scale", "zero", "sign-flip"].includes(row.model)) {
      assert.equal(row.counts.corrected, 100, what);
    }
  }
});

Deno.test("a one-entry error above the stated detection threshold is never masked; masked ones are below it", () => {
  let masked = 0;
  let seen = 0;
  const config = smallCampaign({
    models: ["bitflip"],
    parameters: { bitClass: "any" },
    errors: [1],
    trials: 200,
  });
  runCampaign(config, {
    onTrial: (_row, _trial, r) => {
      const [inj] = r.injections;
      if (inj.entries.length === 0) return;
      const delta = Math.abs(inj.entries[0].new - inj.entries[0].old);
      if (r.outcome === "masked") {
        masked++;
        assert.ok(delta <= inj.detect, `masked change ${delta} above the threshold ${inj.detect}`);
      } else {
        seen++;
        // Seen: corrected, or (near the noise) blamed on another symbol with the result still right.
        const near = r.outcome === "mislocated" && delta <= 4 * inj.detect;
        assert.ok(
          r.outcome === "corrected" || near,
          `${r.outcome}: change ${delta}, threshold ${inj.detect}`,
        );
      }
    },
  });
  assert.ok(masked > 10 && seen > 10, `flips of any bit: ${masked} masked, ${seen} corrected`);
});

Deno.test("in-span errors are undetectable by construction, reported as such and never as silent", () => {
  for (const mode of ["probabilistic", "adversarial"] as const) {
    const result = runCampaign(
      smallCampaign({ models: ["in-span"], errors: [0, 1, 2, 3, 4], mode, trials: 60 }),
    );
    for (const row of result.rows) {
      const what = `${mode} ${describeRow(row)}`;
      assert.equal(row.counts.silent, 0, what);
      if (row.t === 1 || row.t === 2) {
        assert.match(
          row.skipped ?? "",
          /no codeword has exactly \d nonzero symbols? \(the lightest found has 3;/,
          what,
        );
        assert.equal(row.trials, 0);
      } else if (row.t! >= 3) {
        assert.equal(row.counts.undetectable, 60, what);
        assert.equal(row.theory.expected, "undetectable");
      }
    }
  }
});

Deno.test("in-span errors on replication: both copies of a row, undetectable; one copy is no codeword", () => {
  const config = smallCampaign({
    code: { code: "replication", r: 2, qr: 5, qc: 4 },
    models: ["in-span"],
    trials: 30,
  });
  for (const row of runCampaign({ ...config, errors: [1, 2] }).rows) {
    if (row.t === 1) assert.match(row.skipped ?? "", /the lightest found has 2/, describeRow(row));
    else assert.equal(row.counts.undetectable, 30, describeRow(row));
  }
});

Deno.test("colluding errors: corrected within the adversarial bound, accepted wrong beyond it", () => {
  const result = runCampaign(smallCampaign({ models: ["colluding"], errors: [1, 2], trials: 60 }));
  for (const row of result.rows) {
    const what = describeRow(row);
    if (row.t === 1) assert.equal(row.counts.corrected, 60, what);
    else {
      assert.equal(row.counts.silent, 60, what);
      assert.equal(row.theory.expected, "silent possible");
    }
  }
});

/** Runs one row and collects each trial's faulty symbols and injections. */
function traces(overrides: Parameters<typeof smallCampaign>[0]) {
  const trials: { faulty: readonly number[]; result: TrialResult }[] = [];
  const result = runCampaign(smallCampaign({ stages: ["forward"], errors: [1], ...overrides }), {
    onTrial: (_row: RowPlan, _trial: number, r: TrialResult, faulty: readonly number[]) =>
      trials.push({ faulty, result: r }),
  });
  return { row: result.rows[0], trials };
}

/** The struck symbol, entry indices and (rounded) deltas of a trial, as a string. */
function fingerprint(r: TrialResult): string {
  return r.injections.map((i) =>
    `${i.symbol}:${i.entries.map((e) => `${e.index}/${(e.new - e.old).toPrecision(5)}`).join(",")}`
  ).join(";");
}

Deno.test("schedules: permanent repeats a fault through its sequence, intermittent idles, transient moves", () => {
  const permanent = traces({ schedule: "permanent", sequence: 10, trials: 40 });
  for (let s = 0; s < 4; s++) {
    const prints = permanent.trials.slice(10 * s, 10 * s + 10).map((t) => fingerprint(t.result));
    assert.equal(new Set(prints).size, 1, `sequence ${s}: ${prints}`);
    assert.notEqual(prints[0], fingerprint(permanent.trials[(10 * s + 10) % 40].result));
  }
  assert.equal(permanent.row.counts.corrected, 40);

  const transient = traces({ trials: 40 });
  assert.ok(new Set(transient.trials.map((t) => fingerprint(t.result))).size > 35);

  const intermittent = traces({ schedule: "intermittent", sequence: 50, activity: 0.3, trials: 200 });
  const struck = intermittent.trials.filter((t) => t.result.attempted).length;
  assert.ok(struck > 40 && struck < 80, `activity 0.3: ${struck} of 200 struck`);
  assert.equal(intermittent.row.counts.clean, 200 - struck);
  assert.equal(intermittent.row.counts.corrected, struck);
  const faultySets = new Set(intermittent.trials.slice(0, 50).map((t) => t.faulty.join(",")));
  assert.equal(faultySets.size, 1, "one node set per sequence");

  const mercurial = traces({
    models: ["mercurial"],
    parameters: { probability: 0.25, inner: "sign-flip" },
    sequence: 200,
    trials: 200,
  });
  assert.equal(new Set(mercurial.trials.map((t) => t.faulty.join(","))).size, 1, "the same mercurial node");
  const wrong = mercurial.trials.filter((t) => t.result.attempted);
  assert.ok(wrong.length > 30 && wrong.length < 72, `p = 0.25: wrong in ${wrong.length} of 200`);
  assert.ok(new Set(wrong.map((t) => fingerprint(t.result))).size > wrong.length / 2, "fresh corruption");
});

Deno.test("per-node rates: the number of faulty symbols is binomial, and a zero rate leaves data clean", () => {
  const result = runCampaign(
    smallCampaign({ stages: ["forward"], errors: undefined, rates: [0, 0.2], trials: 400 }),
  );
  const [zero, some] = result.rows;
  assert.equal(zero.counts.clean, 400);
  assert.deepEqual(zero.faultyHistogram, [400, 0, 0, 0, 0, 0, 0, 0]);
  const h = some.faultyHistogram!;
  assert.equal(h.reduce((a, b) => a + b, 0), 400);
  const mean = h.reduce((s, n, t) => s + n * t, 0) / 400;
  assert.ok(Math.abs(mean - 1.4) < 0.2, `mean faulty symbols ${mean}, expected 7 · 0.2`);
  assert.equal(some.counts.silent, 0);
  assert.equal(some.counts.clean, h[0]);
  assert.equal(some.counts.corrected, h[1]);
  assert.equal(some.theory.expected, "per-node rate");
});

Deno.test("erasures cost one symbol of redundancy each; replication's bounds are per copy group", () => {
  const crash = runCampaign(
    smallCampaign({
      stages: ["forward"],
      models: ["crash", "additive"],
      errors: [0, 1],
      erasures: 1,
      trials: 50,
    }),
  );
  for (const row of crash.rows) {
    const what = describeRow(row);
    // (7,5) with one erasure: 6 symbols, 0 correctable, 1 detectable.
    assert.deepEqual(
      [row.theory.correctable_probabilistic, row.theory.correctable_adversarial, row.theory.detectable],
      [0, 0, 1],
    );
    const expected = row.t === 0 ? "corrected" : "detected";
    assert.equal(row.theory.expected, expected, what);
    assert.equal(row.counts[expected], 50, what);
  }
  const rep = runCampaign(
    smallCampaign({ code: { code: "replication", r: 3, qr: 5, qc: 4 }, errors: [1, 2], trials: 50 }),
  );
  for (const row of rep.rows) {
    assert.deepEqual(
      [row.theory.correctable_probabilistic, row.theory.correctable_adversarial, row.theory.detectable],
      [1, 1, 2],
    );
    assert.equal(row.counts.silent, 0, describeRow(row));
    if (row.t === 1) assert.equal(row.counts.corrected, 50, describeRow(row));
  }
});

Deno.test("the classifier: each outcome from its defining facts", () => {
  const base: TrialFacts = {
    attempted: true,
    changed: [2],
    erased: 0,
    threw: false,
    verdict: "corrected",
    located: [2],
    outputError: 1e-9,
    bound: 1e-6,
    seconds: 1e-4,
    budgetSeconds: 1,
    undetectableByConstruction: false,
  };
  const cases: [Partial<TrialFacts>, string][] = [
    [{}, "corrected"],
    [{ verdict: "clean", located: [] }, "masked"],
    [{ attempted: false, changed: [], verdict: "clean", located: [] }, "clean"],
    [{ attempted: false, changed: [], located: [4] }, "false-alarm"],
    [{ attempted: false, changed: [], verdict: "uncorrectable" }, "false-alarm"],
    [{ verdict: "uncorrectable" }, "detected"],
    [{ located: [2, 5] }, "mislocated"],
    [{ outputError: 1e-3 }, "silent"],
    [{ outputError: 1e-3, undetectableByConstruction: true }, "undetectable"],
    [{ outputError: NaN }, "crash"],
    [{ threw: true }, "crash"],
    [{ seconds: 2 }, "hang"],
    [{ changed: [], erased: 1, verdict: "clean", located: [] }, "corrected"],
    [{ changed: [], erased: 2, verdict: "uncorrectable" }, "detected"],
  ];
  for (const [facts, outcome] of cases) {
    assert.equal(classify({ ...base, ...facts }), outcome, JSON.stringify(facts));
  }
});
