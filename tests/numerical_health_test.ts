/**
 * Numerical health: NaN and ±Infinity in stored weights, products, messages, decoded values or the
 * loss never pass silently. Coded strategies locate them as errors (corrected, or rolled back when
 * the code cannot), uncoded stops with the run marked diverged, and a divergence that a roll-back
 * reproduces (not a soft error) stops instead of rolling back for ever.
 */
import { join } from "node:path";
import type { ForcedFault } from "../lib/faults/injector.ts";
import type { MlpState } from "../lib/nn/state.ts";
import { createDistributed } from "../lib/strategies/distributed.ts";
import { assert } from "./assert.ts";
import { runCli } from "./cli_capture.ts";
import { configOf, contextOf, stateDifference } from "./distributed_fixture.ts";

const NET = [
  "--layers",
  "784,16,8,10",
  "--test-samples",
  "50",
  "--lr",
  "0.05",
  "--seed",
  "3",
  "--dtype",
  "float64",
  "--batch",
  "2",
  "--train-samples",
  "60",
  "--checkpoint-every",
  "10",
  "--fault-rate",
  "0",
];
const GRID = ["--strategy", "codenet", "--pr", "4", "--qr", "2", "--pc", "4", "--qc", "2"]; // 12 nodes

/** Trains to the end (or until it stops) and returns the span result, weights and counters. */
async function run(argv: string[], forced: ForcedFault[] = []) {
  const context = await contextOf(configOf(argv));
  const strategy = await createDistributed(context, { forced });
  try {
    const span = await strategy.train(0, context.schedule.totalIterations);
    const state = await strategy.exportState();
    const evaluation = await strategy.evaluate();
    return { span, state, metrics: strategy.metrics(), evaluation, total: context.schedule.totalIterations };
  } finally {
    await strategy.close();
  }
}

/** The fault-free codenet run, shared by the tests that compare with it. */
let cleanRun: ReturnType<typeof run> | undefined;
function clean() {
  cleanRun ??= run([...NET, ...GRID]);
  return cleanRun;
}

function allFinite(state: MlpState): boolean {
  return [...state.weights, ...state.biases].every((a) => a.every((v) => Number.isFinite(v)));
}

Deno.test("codenet: NaN and Inf at every site are located and corrected or rolled back, never kept", async () => {
  const reference = await clean();
  assert.ok(!reference.span.diverged && Number.isFinite(reference.span.lossSum));
  // Node 5 is systematic (active in both phases), node 9 row parity, node 3 column parity.
  const plan: ForcedFault[] = [
    { iteration: 2, layer: 0, phase: "forward", node: 5, site: "stored", model: "nan" },
    { iteration: 5, layer: 1, phase: "forward", node: 9, site: "product", model: "inf" },
    { iteration: 8, layer: 2, phase: "backward", node: 3, site: "message", model: "neg-inf" },
    { iteration: 12, layer: 1, phase: "backward", node: 5, site: "received", model: "nan", density: 1 },
    { iteration: 15, layer: 0, phase: "update", node: 5, site: "update", model: "nan" },
    { iteration: 18, layer: 1, phase: "forward", node: 0, site: "decode", model: "nan" },
    { iteration: 21, layer: 2, phase: "forward", node: 0, site: "nonlinear", model: "inf" },
    { iteration: 24, layer: 0, phase: "backward", node: 6, site: "nonlinear", model: "nan" },
  ];
  const faulty = await run([...NET, ...GRID], plan);
  assert.equal(faulty.metrics.faults_injected, plan.length);
  assert.ok(!faulty.span.diverged, "a coded run must not stop on a soft error");
  assert.equal(faulty.span.reached, faulty.total);
  assert.ok(Number.isFinite(faulty.span.lossSum), `loss sum ${faulty.span.lossSum}`);
  assert.ok(allFinite(faulty.state), "non-finite weights or biases at the end");
  assert.ok(Number.isFinite(faulty.evaluation.loss));
  assert.ok(faulty.metrics.faults_detected >= 1);
  const d = stateDifference(faulty.state, reference.state);
  assert.ok(d <= 1e-9, `relative difference to the fault-free run ${d.toExponential(2)}`);
});

Deno.test("codenet: a NaN loss on one node rolls the run back; the re-run ends with the fault-free weights", async () => {
  const reference = await clean();
  // The logits of node 0 (after the bias): its loss is NaN, the others' finite.
  const plan: ForcedFault[] = [
    { iteration: 14, layer: 2, phase: "forward", node: 0, site: "nonlinear", model: "nan", density: 1 },
  ];
  const faulty = await run([...NET, ...GRID], plan);
  assert.equal(faulty.metrics.rollbacks, 1);
  assert.ok(!faulty.span.diverged);
  assert.ok(Number.isFinite(faulty.span.lossSum), `loss sum ${faulty.span.lossSum}`);
  assert.ok(stateDifference(faulty.state, reference.state) <= 1e-9);
});

Deno.test("replication r = 2: a NaN block is a mismatch and rolls back", async () => {
  const argv = [...NET, "--strategy", "replication", "--qr", "2", "--qc", "2"];
  const reference = await run(argv);
  const plan: ForcedFault[] = [{
    iteration: 7,
    layer: 1,
    phase: "forward",
    node: 2,
    site: "stored",
    model: "nan",
  }];
  const faulty = await run(argv, plan);
  assert.equal(faulty.metrics.rollbacks, 1);
  assert.ok(!faulty.span.diverged && allFinite(faulty.state));
  assert.ok(stateDifference(faulty.state, reference.state) <= 1e-9);
});

Deno.test("uncoded over nodes: a NaN stops the run clearly (diverged), it is not trained on", async () => {
  const argv = [...NET, "--strategy", "uncoded", "--grid-rows", "2", "--grid-cols", "3"];
  const plan: ForcedFault[] = [{
    iteration: 7,
    layer: 0,
    phase: "forward",
    node: 1,
    site: "stored",
    model: "nan",
  }];
  const faulty = await run(argv, plan);
  assert.ok(faulty.span.diverged, "uncoded must stop on a non-finite value");
  assert.ok(faulty.span.reached <= 9, `stopped at ${faulty.span.reached}: the NaN struck in iteration 7`);
});

Deno.test("codenet: a divergence that a roll-back reproduces stops the run instead of looping", async () => {
  const r = await run([...NET, ...GRID, "--lr", "1e200"]);
  assert.ok(r.span.diverged, "a reproducible NaN loss is a divergence, not a soft error");
  assert.ok(r.span.reached < r.total);
});

Deno.test("train CLI, uncoded with a planned NaN: exit 1, one line saying it diverged, summary says so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-nan-" });
  try {
    const plan = join(dir, "plan.json");
    await Deno.writeTextFile(
      plan,
      JSON.stringify([{ iteration: 4, layer: 1, phase: "forward", node: 0, site: "stored", model: "nan" }]),
    );
    const out = join(dir, "run");
    const r = await runCli([
      "train",
      "--dataset",
      "synthetic",
      ...NET.filter((_, i) => NET[i] !== "--fault-rate" && NET[i - 1] !== "--fault-rate"),
      "--strategy",
      "uncoded",
      "--grid-rows",
      "2",
      "--grid-cols",
      "2",
      "--fault-rate",
      "0",
      "--fault-plan",
      plan,
      "--progress",
      "none",
      "--out",
      out,
    ]);
    assert.equal(r.code, 1, r.err.join("\n"));
    assert.equal(r.err.length, 1, r.err.join("\n"));
    assert.match(
      r.err[0],
      /^codenet train: error: training diverged: the loss or the weights became NaN or infinite/,
    );
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.status, "diverged");
    assert.ok(summary.iterations < 30);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
