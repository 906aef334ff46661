/**
 * `attack --replay` of training campaigns: a recorded campaign (tiny synthetic runs) re-runs with
 * exactly the recorded faults and reproduces every outcome and every fault, also from a log
 * written before faults carried their changed entries (re-derived from the fault seeds); a
 * tampered log (a fault removed, an outcome or an old value changed) is reported as a mismatch
 * with exit 1; bad replay input exits 2 with one line; the injector writes recorded values on the
 * recorded pass of their place.
 */

import { join } from "node:path";
import {
  checkRecordedTrainTrials,
  hasRecordedValues,
  parseTrainInjectionLog,
  replayTrainCampaign,
} from "../lib/attack/mod.ts";
import { planTrainRows } from "../lib/attack/train-config.ts";
import { FaultInjector } from "../lib/faults/injector.ts";
import { trainHeaderLine, trainTrialLines } from "../lib/attack/train-output.ts";
import { assert } from "./assert.ts";
import { CODENET, REPLICATION, trainCampaign } from "./attack_train_fixtures.ts";
import { runCli } from "./cli_capture.ts";

/** A log without the fields that depend on timing. */
function timeless(log: string): string {
  return log.replace(/"(modelled_)?seconds":[0-9.e+-]+/g, '"$1seconds":0');
}

/** The log with every line parsed, passed through `edit` (which changes it in place) and re-written. */
function editLines(log: string, edit: (o: Record<string, unknown>, i: number) => void): string {
  return log.trim().split("\n").map((line, i) => {
    const o = JSON.parse(line);
    edit(o, i);
    return JSON.stringify(o);
  }).join("\n") + "\n";
}

Deno.test("a recorded training campaign replays with every outcome and fault reproduced, also from an old log", async () => {
  const cases = [
    // codenet, one fault per stage: additive and exponent bit flips, every trial corrected.
    { train: CODENET, trials: 1, overrides: { models: ["additive", "bitflip"] }, rerun: false },
    // replication r = 2, random faults in the stored blocks: roll-backs re-run iterations.
    {
      train: REPLICATION,
      trials: 2,
      overrides: { sites: ["stored" as const], errors: undefined, rates: [0.05] },
      rerun: true,
    },
  ];
  for (const { train, trials, overrides, rerun } of cases) {
    const what = `${train.split("--strategy ")[1]} ${JSON.stringify(overrides)}`;
    const recorded = await trainCampaign(train, trials, overrides);
    const faults = recorded.trials.reduce((s, t) => s + t.faults.length, 0);
    assert.ok(faults > 0, `${what}: no fault struck`);
    const log = parseTrainInjectionLog(recorded.log);
    assert.deepEqual(log.config, JSON.parse(JSON.stringify(recorded.config)), what);
    assert.ok(log.trials.every(hasRecordedValues), what);
    if (rerun) {
      const again = log.trials.some((t) => t.faults.some((f) => f.attempt! > 0));
      assert.ok(again, `${what}: no fault struck in an iteration re-run after a roll-back`);
    }
    checkRecordedTrainTrials(recorded.config, recorded.target, log.trials, "log");

    const lines = [trainHeaderLine(recorded.config, planTrainRows(recorded.config))];
    const replay = await replayTrainCampaign(recorded.config, recorded.target, log.trials, {
      onTrial: (row, r) => lines.push(...trainTrialLines(row, r)),
    });
    assert.equal(replay.replayed, recorded.trials.length, what);
    assert.deepEqual(replay.mismatches, [], what);
    assert.deepEqual(replay.rows.map((r) => r.counts), recorded.result.rows.map((r) => r.counts), what);
    // The replay writes back the same log (timings aside): same faults, same values, same outcomes.
    assert.equal(timeless(lines.join("\n") + "\n"), timeless(recorded.log), what);

    // A log whose faults lack their changed entries is re-derived from the fault seeds.
    const old = editLines(recorded.log, (o) => delete o.changes);
    const oldLog = parseTrainInjectionLog(old);
    assert.ok(oldLog.trials.some((t) => t.faults.length > 0 && !hasRecordedValues(t)), what);
    const rederived = await replayTrainCampaign(recorded.config, recorded.target, oldLog.trials);
    assert.deepEqual(rederived.mismatches, [], `${what} (old log)`);
    assert.deepEqual(rederived.rows.map((r) => r.counts), recorded.result.rows.map((r) => r.counts), what);
  }
});

Deno.test("attack --replay of a training run folder: reproduced exits 0; tampered faults or outcomes exit 1; bad input exits 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "attack-train-replay-" });
  const quiet = ["--progress", "none"];
  try {
    const run = join(dir, "run");
    const made = await runCli([
      "attack",
      `--train=${CODENET}`,
      "--errors",
      "1",
      "--trials",
      "2",
      "--out",
      run,
      ...quiet,
    ]);
    assert.equal(made.code, 0, made.err.join("\n"));
    const text = await Deno.readTextFile(join(run, "injections.jsonl"));
    assert.equal(parseTrainInjectionLog(text).trials.map((t) => t.outcome).join(), "corrected,corrected");

    const again = await runCli(["attack", "--replay", run, "--out", join(dir, "again"), "--json", ...quiet]);
    assert.equal(again.code, 0, again.err.join("\n"));
    assert.match(again.err.at(-1)!, /^replay: all 2 recorded outcomes reproduced$/);
    const json = JSON.parse(again.out.join("\n"));
    assert.equal(json.target, "train");
    assert.deepEqual(
      [json.replay.replayed, json.replay.mismatches, json.replay.first_mismatches],
      [2, 0, []],
    );
    assert.equal(json.rows[0].counts.corrected, 2);

    /** Writes a tampered copy of the log; replays it; the exit code, stderr and attack.json. */
    const replayTampered = async (name: string, edit: (o: Record<string, unknown>, i: number) => void) => {
      const source = join(dir, `${name}.jsonl`);
      const tampered = editLines(text, edit);
      assert.notEqual(tampered, editLines(text, () => {}), `${name}: the edit changed nothing`);
      await Deno.writeTextFile(source, tampered);
      const out = join(dir, `${name}-replay`);
      const r = await runCli(["attack", "--replay", source, "--out", out, ...quiet]);
      const attackJson = JSON.parse(await Deno.readTextFile(join(out, "attack.json")));
      return { ...r, replay: attackJson.replay };
    };
    const firstInjection = text.split("\n").findIndex((l) => l.includes('"type":"injection"'));

    // The first trial's fault writes back its old values: nothing is corrected any more.
    const removed = await replayTampered("removed", (o, i) => {
      if (i !== firstInjection) return;
      for (const c of o.changes as { old: unknown; new: unknown }[]) c.new = c.old;
    });
    assert.equal(removed.code, 1);
    assert.equal(removed.replay.mismatches, 1);
    assert.deepEqual(removed.replay.first_mismatches, [
      { row: 0, trial: 0, recorded: "corrected", replayed: "masked" },
    ]);
    assert.match(
      removed.err.at(-1)!,
      /^replay: 1 of 2 trials gave another outcome than recorded \(see attack\.json/,
    );

    // A changed recorded outcome.
    const relabelled = await replayTampered("relabelled", (o) => {
      if (o.type === "trial" && o.trial === 1) o.outcome = "silent";
    });
    assert.equal(relabelled.code, 1);
    assert.deepEqual(relabelled.replay.first_mismatches, [
      { row: 0, trial: 1, recorded: "silent", replayed: "corrected" },
    ]);

    // A recorded old value the run does not hold there: the fault differs, the outcome does not.
    const moved = await replayTampered("old-value", (o, i) => {
      if (i === firstInjection) (o.changes as { old: number }[])[0].old += 0.25;
    });
    assert.equal(moved.code, 1);
    assert.equal(moved.replay.fault_mismatches, 1);
    const [m] = moved.replay.first_mismatches;
    assert.deepEqual([m.trial, m.recorded, m.replayed], [0, "corrected", "corrected"]);
    assert.match(m.faults, /^node \d+ fault 1: entry \d+: recorded /);
    assert.match(moved.err.at(-1)!, /another outcome or other faults than recorded/);

    // Bad input: one line, exit 2, nothing run.
    const header = JSON.parse(text.split("\n")[0]);
    const withHeader = (h: unknown) => JSON.stringify(h) + "\n" + text.split("\n").slice(1).join("\n");
    const noTrain = structuredClone(header);
    delete noTrain.config.train;
    const badLr = structuredClone(header);
    badLr.config.train.lr = -1;
    const noSites = structuredClone(header);
    delete noSites.config.sites;
    const bad: [string, string, RegExp][] = [
      ["missing", "", /--replay .*missing\.jsonl: no such file or folder/],
      ["not-json", "{oops\n", /not-json\.jsonl:1: not JSON/],
      ["no-train", withHeader(noTrain), /lacks the train flags/],
      ["bad-lr", withHeader(badLr), /its campaign header: .*lr/],
      ["no-sites", withHeader(noSites), /malformed campaign header|its campaign header/],
      ["no-seed", text.replace(/"train_seed":\d+,/, ""), /train_seed must be an integer/],
      ["bad-row", text.replace(/"row":0,/g, '"row":3,'), /row 3 trial 0: the campaign header has 1 rows/],
    ];
    const both = await runCli(["attack", `--train=${CODENET}`, "--replay", run, ...quiet]);
    assert.equal(both.code, 2);
    assert.match(both.err.join("\n"), /--replay re-runs the recorded campaign .*drop --train$/);
    for (const [name, content, message] of bad) {
      const file = join(dir, `${name}.jsonl`);
      if (content !== "") await Deno.writeTextFile(file, content);
      const r = await runCli(["attack", "--replay", file, ...quiet]);
      assert.equal(r.code, 2, `${name}: exit ${r.code} ${r.err.join("\n")}`);
      assert.equal(r.err.length, 1, `${name}: ${r.err.join("\n")}`);
      assert.match(r.err[0], message, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("injector: recorded values are written exactly on the named pass of their place; other plans strike once each", () => {
  const place = { iteration: 2, layer: 0, phase: "forward" as const, site: "product" as const };
  const injector = new FaultInjector(1, 9, {
    rate: 0,
    density: 0.25,
    sites: [],
    record: true,
    forced: [
      { ...place, node: 1, attempt: 1, values: [{ index: 3, new: 7.5 }, { index: 5, new: 1 }] },
      { ...place, node: 1 },
      { ...place, node: 0, values: [{ index: 0, new: 2 }] },
    ],
  });
  const first = new Float32Array(8).fill(1);
  assert.ok(injector.strike(2, 0, "forward", "product", first), "the plan without a pass strikes first");
  const drawn = injector.drain()[0];
  assert.deepEqual([drawn.attempt, drawn.forced, drawn.entries, drawn.changes!.length], [0, true, 2, 2]);
  const second = new Float32Array(8).fill(1);
  assert.ok(injector.strike(2, 0, "forward", "product", second), "the recorded values strike on pass 2");
  assert.deepEqual(Array.from(second), [1, 1, 1, 7.5, 1, 1, 1, 1]);
  const replayed = injector.drain()[0];
  assert.deepEqual(replayed.changes, [{ index: 3, old: 1, new: 7.5 }], "an unchanged entry is no change");
  assert.deepEqual([replayed.attempt, replayed.entries, replayed.index, replayed.maxAbsDelta], [
    1,
    1,
    3,
    6.5,
  ]);
  assert.equal(injector.strike(2, 0, "forward", "product", second), false);

  // Two plans at one place without a pass: one strikes, the other is saved as pending and strikes after a restore.
  const twice = { rate: 0, density: 0.25, sites: [], forced: [{ ...place, node: 0 }, { ...place, node: 0 }] };
  const a = new FaultInjector(0, 9, twice);
  assert.ok(a.strike(2, 0, "forward", "product", new Float64Array(4)));
  const saved = a.save();
  assert.deepEqual(saved.pending, ["2/0/forward/product"]);
  const b = new FaultInjector(0, 9, twice);
  b.restore(saved);
  assert.ok(b.strike(2, 0, "forward", "product", new Float64Array(4)));
  assert.equal(b.strike(2, 0, "forward", "product", new Float64Array(4)), false);
  assert.equal(b.drain()[0].changes, undefined, "entries are recorded only when asked");
});
