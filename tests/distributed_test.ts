import type { ForcedFault } from "../lib/faults/injector.ts";
import { FAULT_SITES } from "../lib/train/config.ts";
import { assert } from "./assert.ts";
import { createDistributed } from "../lib/strategies/distributed.ts";
import { configOf, contextOf, stateDifference, trainToEnd } from "./distributed_fixture.ts";

const NET = ["--layers", "784,32,16,10", "--test-samples", "100", "--lr", "0.05", "--seed", "3"];
const GRID = ["--strategy", "codenet", "--pr", "4", "--qr", "2", "--pc", "4", "--qc", "2"]; // 12 nodes
const STRATEGIES: Record<string, string[]> = {
  "codenet grid": GRID,
  "codenet polydot": ["--strategy", "codenet", "--code", "polydot", "--m", "2", "--n", "2", "--p", "8"],
  "replication r=2": ["--strategy", "replication", "--qr", "2", "--qc", "2"],
  "uncoded 2×3": ["--strategy", "uncoded", "--grid-rows", "2", "--grid-cols", "3"],
};

/** Trains `argv` to the end, closes it, and returns its weights and metrics. */
async function run(argv: string[], forced?: ForcedFault[]) {
  const { strategy, state } = await trainToEnd(configOf(argv), { forced });
  const metrics = strategy.metrics();
  const summary = strategy.summary();
  const evaluation = await strategy.evaluate();
  await strategy.close();
  return { state, metrics, summary, evaluation };
}

for (const [dtype, tolerance] of [["float64", 1e-9], ["float32", 1e-4]] as const) {
  for (const batch of ["1", "8"]) {
    Deno.test(`no fault: every strategy ends with the centralized weights (${dtype}, B = ${batch})`, async () => {
      const base = [
        ...NET,
        "--dtype",
        dtype,
        "--batch",
        batch,
        "--train-samples",
        batch === "1" ? "300" : "800",
      ];
      const reference = await run([...base, "--strategy", "uncoded", "--workers", "1", "--fault-rate", "0"]);
      const names = dtype === "float32" && batch === "8" ? ["codenet grid"] : Object.keys(STRATEGIES);
      for (const name of names) {
        const r = await run([...base, ...STRATEGIES[name], "--fault-rate", "0", "--checkpoint-every", "50"]);
        const d = stateDifference(r.state, reference.state);
        assert.ok(d <= tolerance, `${name}: relative difference ${d.toExponential(2)} > ${tolerance}`);
        assert.equal(r.metrics.rollbacks, 0, `${name}: a clean run rolled back`);
        assert.equal(r.metrics.faults_detected, 0, `${name}: false alarm`);
      }
    });
  }
}

Deno.test("no fault: the authors' 7×6 grid (38 nodes) follows the centralized weights and evaluation", async () => {
  const base = [
    ...NET,
    "--layers",
    "784,40,20,10",
    "--dtype",
    "float32",
    "--train-samples",
    "60",
    "--test-samples",
    "620", // evaluation batches of 500 (the largest) and 120: a partial last batch
    "--batch",
    "1",
  ];
  const reference = await run([...base, "--strategy", "uncoded", "--workers", "1", "--fault-rate", "0"]);
  const r = await run([...base, "--strategy", "codenet", "--fault-rate", "0"]);
  assert.equal(r.summary.nodes, 38);
  const d = stateDifference(r.state, reference.state);
  assert.ok(d <= 1e-4, `relative difference ${d.toExponential(2)}`);
  assert.equal(r.evaluation.samples, 620);
  const loss = Math.abs(r.evaluation.loss - reference.evaluation.loss) / reference.evaluation.loss;
  assert.ok(loss <= 1e-4, `test loss ${r.evaluation.loss} vs ${reference.evaluation.loss}`);
  // A sample whose two best logits are within float32 noise may change class: at most one here.
  assert.ok(Math.abs(r.evaluation.accuracy - reference.evaluation.accuracy) <= 1 / 620);
});

Deno.test("faults at every site, at most one faulty symbol per stage: codenet ends as if there were none", async () => {
  const base = [
    ...NET,
    ...GRID,
    "--dtype",
    "float64",
    "--batch",
    "1",
    "--train-samples",
    "160",
    "--checkpoint-every",
    "20",
  ];
  const clean = await run([...base, "--fault-rate", "0"]);
  // One fault every 7 iterations, cycling through the sites. Each strikes a node active in its
  // phase: in the 4×4 grid, nodes 0–7 are rows 0–1 (backward-active), nodes 8–11 rows 2–3;
  // columns 0–1 are forward-active (0, 1, 4, 5, 8–11). 5 is systematic, 9 row parity, 3 and 6
  // column parity.
  const plan: ForcedFault[] = [];
  const forwardNodes = [5, 9, 0, 10];
  const backwardNodes = [5, 3, 6, 0];
  let k = 0;
  for (let iteration = 3; iteration < 150; iteration += 7, k++) {
    const site = FAULT_SITES[k % FAULT_SITES.length];
    const phase = site === "update" ? "update" : k % 2 === 0 ? "forward" : "backward";
    const nodes = phase === "backward" ? backwardNodes : forwardNodes;
    // Backward stages run for layers 1–2; the ReLU′ output they feed belongs to layer 0–1.
    const layer = phase !== "backward" ? k % 3 : site === "nonlinear" ? k % 2 : 1 + (k % 2);
    plan.push({ iteration, layer, phase, node: nodes[k % nodes.length], site });
  }
  const faulty = await run([...base, "--fault-rate", "0"], plan);
  assert.equal(faulty.metrics.faults_injected, plan.length);
  assert.equal(faulty.metrics.rollbacks, 0, "one faulty symbol per stage must be corrected, not rolled back");
  assert.ok(faulty.metrics.faults_corrected > 0 && faulty.metrics.blocks_regenerated > 0);
  const d = stateDifference(faulty.state, clean.state);
  assert.ok(d <= 1e-9, `relative difference to the fault-free run ${d.toExponential(2)}`);
});

Deno.test("two faulty symbols in one (7,5) stage: the run rolls back and ends with the fault-free weights", async () => {
  const base = [
    ...NET,
    "--layers",
    "784,40,20,10",
    "--strategy",
    "codenet",
    "--dtype",
    "float64",
    "--batch",
    "1",
    "--train-samples",
    "40",
    "--checkpoint-every",
    "10",
    "--fault-rate",
    "0",
  ];
  const clean = await run(base);
  // Nodes 0 and 6 are (0, 0) and (1, 0) (rows 0–4 hold 6 nodes each): two grid rows, so two
  // faulty forward symbols.
  const plan: ForcedFault[] = [0, 6].map((node) => ({
    iteration: 13,
    layer: 0,
    phase: "forward",
    node,
    site: "product",
  }));
  const faulty = await run(base, plan);
  assert.equal(faulty.metrics.faults_injected, 2);
  assert.equal(faulty.metrics.rollbacks, 1);
  assert.equal(faulty.metrics.iterations_lost, 4);
  const d = stateDifference(faulty.state, clean.state);
  assert.ok(d <= 1e-9, `relative difference to the fault-free run ${d.toExponential(2)}`);
});

Deno.test("replication r = 2 rolls back on every fault; uncoded with faults ends measurably worse", async () => {
  const base = [
    ...NET,
    "--dtype",
    "float64",
    "--batch",
    "1",
    "--train-samples",
    "120",
    "--checkpoint-every",
    "10",
  ];
  const plan: ForcedFault[] = [4, 26, 47, 88].map((iteration, i) => ({
    iteration,
    layer: i % 3,
    phase: "forward",
    node: i,
    site: "stored",
  }));
  const replication = await run([...base, ...STRATEGIES["replication r=2"], "--fault-rate", "0"], plan);
  assert.equal(replication.metrics.faults_injected, plan.length);
  assert.equal(replication.metrics.rollbacks, plan.length);

  const uncoded = [
    ...NET,
    ...STRATEGIES["uncoded 2×3"],
    "--dtype",
    "float64",
    "--batch",
    "1",
    "--train-samples",
    "400",
    "--test-samples",
    "200",
    "--lr",
    "0.02",
  ];
  const clean = await run([...uncoded, "--fault-rate", "0"]);
  const faulty = await run([...uncoded, "--fault-rate", "0.003"]);
  assert.ok(Number(faulty.metrics.faults_injected) > 10);
  assert.equal(faulty.metrics.rollbacks, 0);
  assert.ok(
    faulty.evaluation.loss > clean.evaluation.loss + 0.1 &&
      faulty.evaluation.accuracy < clean.evaluation.accuracy,
    `with faults: loss ${faulty.evaluation.loss.toFixed(3)}, accuracy ${faulty.evaluation.accuracy}; ` +
      `without: ${clean.evaluation.loss.toFixed(3)}, ${clean.evaluation.accuracy}`,
  );
});

Deno.test("initial weights drawn a band of rows at a time: the same training as with one band", async () => {
  const base = [...NET, "--dtype", "float32", "--batch", "1", "--train-samples", "40", "--fault-rate", "0"];
  for (const name of ["codenet grid", "codenet polydot"]) {
    const argv = [...base, ...STRATEGIES[name]];
    const results = [];
    // 1 byte: bands of one row of every row block (many bands, shares of the nodes uneven).
    for (const initBandBytes of [undefined, 1]) {
      const { strategy, state } = await trainToEnd(configOf(argv), { initBandBytes });
      results.push({ state, metrics: strategy.metrics() });
      await strategy.close();
    }
    const [one, banded] = results;
    assert.equal(stateDifference(banded.state, one.state), 0, `${name}: weights differ`);
    assert.equal(banded.metrics.faults_detected, 0, `${name}: a block was encoded wrong (false alarm)`);
  }
});

Deno.test("a restored run keeps its nodes' CPU time so far (node_cpu_seconds carries over a resume)", async () => {
  const config = configOf([
    ...NET,
    ...GRID,
    "--train-samples",
    "40",
    "--batch",
    "1",
    "--checkpoint-every",
    "20",
  ]);
  const { strategy } = await trainToEnd(config);
  const saved = await strategy.saveState();
  const before = strategy.summary().node_cpu_seconds;
  await strategy.close();
  assert.ok(saved !== undefined, "no verified checkpoint to save");
  assert.ok(before !== null, "this system reports no thread CPU time");
  // The header goes through JSON in a checkpoint file.
  const header = JSON.parse(JSON.stringify(saved.header));
  const restored = await createDistributed(await contextOf(config));
  try {
    await restored.restoreState({ header, sections: saved.sections });
    assert.deepEqual(restored.summary().node_cpu_seconds, before);
  } finally {
    await restored.close();
  }
});
