/**
 * `attack --train`: small seeded campaigns against short distributed training runs (synthetic
 * data, a 784-8-10 net, 8 iterations, a few trials), whose outcome counts must follow the theory:
 * one faulty symbol per stage is corrected by codenet, detected (rolled back) by replication
 * r = 2, and neither by the uncoded baseline; plus the strike placement, the classification and
 * the CLI's refusals and files.
 */

import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { buildLayerCode } from "../lib/codes/build.ts";
import { classifyTrainTrial, resolveTrainTarget, validateTrainCampaign } from "../lib/attack/mod.ts";
import { OUTCOMES } from "../lib/attack/outcome.ts";
import { TOLERANCE_COLUMNS } from "../lib/attack/tolerance-table.ts";
import { drawStrike, strikeCapacity } from "../lib/attack/train-plan.ts";
import { UsageError } from "../lib/errors.ts";
import { FAULT_SITES } from "../lib/train/config.ts";
import { Rng } from "../lib/random/rng.ts";
import { assert } from "./assert.ts";
import { attack } from "./attack_fixtures.ts";
import { CODENET, REPLICATION, trainCampaign, UNCODED } from "./attack_train_fixtures.ts";

Deno.test("training campaign, one additive fault per stage: codenet corrects, replication rolls back, uncoded does neither", async () => {
  const coded = await trainCampaign(CODENET, 3);
  assert.equal(coded.row.trials, 3);
  assert.equal(coded.row.theory.expected, "corrected");
  assert.equal(coded.row.counts.corrected, 3, JSON.stringify(coded.trials.map((t) => [t.outcome, t.reason])));
  assert.equal(coded.row.counts.silent, 0);
  assert.ok(coded.row.maxDifference <= 1e-9);
  for (const t of coded.trials) {
    assert.equal(t.plan.length, 1);
    assert.equal(t.faults.length, 1, "the planned fault strikes exactly once");
    assert.ok(t.faults[0].forced && t.faults[0].entries > 0);
    assert.equal(t.metrics.rollbacks, 0);
  }
  assert.equal(coded.result.references[0].metrics.faults_injected, 0);

  const replicated = await trainCampaign(REPLICATION, 2);
  assert.equal(replicated.row.theory.expected, "detected");
  assert.equal(replicated.row.counts.detected, 2, JSON.stringify(replicated.trials.map((t) => t.reason)));
  for (const t of replicated.trials) assert.ok(t.metrics.rollbacks >= 1);

  const uncoded = await trainCampaign(UNCODED, 2);
  assert.equal(uncoded.row.counts.corrected + uncoded.row.counts.detected, 0);
  assert.equal(uncoded.row.counts.silent + uncoded.row.counts.masked, 2);
  assert.ok(
    uncoded.row.counts.silent >= 1,
    "an additive U(−5, 5) fault in a product must change the weights",
  );
  for (const t of uncoded.trials) assert.equal(t.metrics.rollbacks, 0);
});

Deno.test("strikes: t nodes in distinct symbols at symbol sites, in a phase and layer where the site exists", () => {
  const code = buildLayerCode({ code: "grid", pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
  const forward = code.forwardGroups();
  const backward = code.backwardGroups();
  assert.equal(strikeCapacity(code, 3, "product"), 6); // the (6,4) backward stage has 6 symbols
  assert.equal(strikeCapacity(code, 3, "decode"), 38);
  const rng = Rng.named(1, "test");
  for (const site of FAULT_SITES) {
    for (let k = 0; k < 50; k++) {
      const plan = drawStrike(code, 3, 40, site, 2, rng);
      assert.equal(plan.length, 2);
      const { iteration, layer, phase } = plan[0];
      assert.ok(plan.every((f) => f.iteration === iteration && f.layer === layer && f.phase === phase));
      assert.ok(iteration >= 0 && iteration < 40 && layer >= 0 && layer < 3);
      assert.notEqual(plan[0].node, plan[1].node);
      if (site === "update") assert.equal(phase, "update");
      if (phase === "backward") assert.ok(site === "nonlinear" ? layer <= 1 : layer >= 1, `${site} ${layer}`);
      if (["product", "message", "stored"].includes(site) && phase !== "update") {
        const groups = phase === "forward" ? forward : backward;
        const of = plan.map((f) => groups.findIndex((g) => g.includes(f.node)));
        assert.ok(of.every((g) => g >= 0), `${site}: a node not active in the ${phase} phase`);
        assert.notEqual(of[0], of[1], `${site}: two nodes of one symbol`);
      }
    }
  }
});

Deno.test("training outcomes: hang, crash, silent, false alarm, detected, corrected, masked, clean", () => {
  const base = {
    hung: false,
    diverged: false,
    injected: 1,
    changed: 1,
    corrected: 0,
    rollbacks: 0,
    difference: 0,
    tolerance: 1e-9,
  };
  const o = (f: Partial<typeof base> & { error?: string }) => classifyTrainTrial({ ...base, ...f }).outcome;
  assert.equal(o({ hung: true }), "hang");
  assert.equal(o({ error: "boom" }), "crash");
  assert.equal(o({ diverged: true }), "crash");
  assert.equal(o({ difference: NaN }), "crash");
  assert.equal(o({ difference: 1e-3 }), "silent");
  assert.equal(o({ difference: 1e-3, rollbacks: 1 }), "silent");
  assert.equal(o({ changed: 0, rollbacks: 1 }), "false-alarm");
  assert.equal(o({ rollbacks: 1, corrected: 2 }), "detected");
  assert.equal(o({ corrected: 1 }), "corrected");
  assert.equal(o({}), "masked");
  assert.equal(o({ changed: 0 }), "masked");
  assert.equal(o({ changed: 0, injected: 0 }), "clean");
});

Deno.test("training target: bad train flags and impossible campaigns are one-line usage errors", () => {
  assert.throws(() => resolveTrainTarget("--dataset synthetic --layers 784,8,11"), UsageError);
  assert.throws(
    () => resolveTrainTarget("--dataset synthetic --layers 784,8,10 --strategy uncoded --workers 1"),
    /no nodes to attack/,
  );
  assert.throws(() => resolveTrainTarget('{"dataset": "synthetic", "lr": -1}'), /--train: key "lr"/);
  assert.throws(() => resolveTrainTarget("/nonexistent/train.json"), /file not found/);
  const target = resolveTrainTarget(UNCODED);
  const config = {
    train: target.flags,
    sites: ["product" as const],
    models: ["additive"],
    parameters: {},
    errors: [2],
    trials: 1,
    trainSeeds: 1,
    seed: 1,
    weightTolerance: 0,
  };
  assert.throws(() => validateTrainCampaign(config, target), /only 1 distinct faulty symbols/);
  assert.throws(
    () => validateTrainCampaign({ ...config, errors: [1], models: ["crash"] }, target),
    UsageError,
  );
});

Deno.test("attack --train writes tolerance.csv, injections.jsonl and attack.json; stage flags exit 2", async () => {
  const refused = await attack(`--train=${REPLICATION}`, "--code", "polydot", "--progress", "none");
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--code is a flag of the stage target/);
  assert.equal(refused.stderr.trim().split("\n").length, 1);
  const badSite = await attack(`--train=${REPLICATION}`, "--sites", "prodcut", "--progress", "none");
  assert.equal(badSite.code, 2);
  assert.match(badSite.stderr, /--sites: unknown site "prodcut" \(did you mean product\?\)/);

  const dir = await Deno.makeTempDir({ prefix: "attack-train-" });
  try {
    const out = join(dir, "run");
    const r = await attack(
      `--train=${REPLICATION}`,
      "--sites",
      "message",
      "--errors",
      "0,1",
      "--trials",
      "1",
      "--json",
      "--progress",
      "none",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.target, "train");
    assert.equal(json.strategy, "replication");
    assert.deepEqual(json.rows.map((row: { counts: Record<string, number> }) => row.counts.detected), [0, 1]);
    assert.equal(json.rows[0].counts.clean, 1);
    assert.equal(json.false_alarms.alarms, 0);

    const records = parse(await Deno.readTextFile(join(out, "tolerance.csv")), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(Object.keys(records[0]), [...TOLERANCE_COLUMNS]);
    assert.deepEqual(records.map((x) => [x.code, x.stage, x.t, x.trials, x.expected]), [
      ["replication", "message", "0", "1", "clean"],
      ["replication", "message", "1", "1", "detected"],
    ]);
    assert.equal(OUTCOMES.reduce((s, o) => s + Number(records[1][o.replace("-", "_")]), 0), 1);

    const lines = (await Deno.readTextFile(join(out, "injections.jsonl"))).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(lines[0].type, "campaign");
    assert.equal(lines[0].target, "train");
    const injections = lines.filter((l) => l.type === "injection");
    assert.equal(injections.length, 1);
    assert.equal(injections[0].site, "message");
    assert.equal(injections[0].outcome, "detected");
    assert.equal(lines.filter((l) => l.type === "trial").length, 2);
    const replay = await attack("--replay", out, "--out", join(dir, "replay"), "--progress", "none");
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /replay: all 2 recorded outcomes reproduced/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
