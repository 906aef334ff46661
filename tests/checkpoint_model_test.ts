/**
 * The checkpointing model: fault counts of DESIGN.md §1.5, the Poisson-binomial tail, the closed
 * form against the node-level Monte-Carlo simulation (within 2 %), Young/Daly for small rates.
 */

import { gridCode } from "../lib/codes/grid.ts";
import { polyDotCode } from "../lib/codes/polydot.ts";
import { replicationCode } from "../lib/codes/replication.ts";
import {
  expectedTime,
  iterationFailure,
  optimalInterval,
  segmentModel,
  tailProbability,
  youngDalyInterval,
} from "../lib/train/checkpoint-model.ts";
import { simulateCheckpointing } from "../lib/train/checkpoint-simulation.ts";
import { codedExposure, drawsPerIteration, uncodedExposure } from "../lib/train/fault-exposure.ts";
import { assert, assertClose } from "./assert.ts";

const grid = codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3);
const replication2 = codedExposure(replicationCode({ copies: 2, qr: 5, qc: 4 }), 3);
const replication3 = codedExposure(replicationCode({ copies: 3, qr: 5, qc: 4 }), 3);
const uncoded = uncodedExposure(40, 3);
const costs = { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 };

Deno.test("exposure: the authors' fault counts per iteration (DESIGN.md §1.5) and decoding groups", () => {
  assertClose(drawsPerIteration(grid) * 3e-4, 0.0864, 1e-12);
  assertClose(drawsPerIteration(replication2) * 3e-4, 0.108, 1e-12);
  assertClose(drawsPerIteration(uncoded) * 3e-4, 0.108, 1e-12);
  // The grid's stages are one (7, 5) and one (6, 4) MDS group correcting one symbol each;
  // replication has one group of copies per message row.
  assert.deepEqual(grid.forward!.groups.map((g) => [g.symbols.length, g.correctable]), [[7, 1]]);
  assert.deepEqual(grid.backward!.groups.map((g) => [g.symbols.length, g.correctable]), [[6, 1]]);
  assert.equal(replication2.forward!.groups.length, 5);
  assert.deepEqual(replication2.forward!.groups[2].symbols, [2, 7]);
  assert.ok(replication2.forward!.groups.every((g) => g.correctable === 0));
  assert.ok(replication3.backward!.groups.every((g) => g.symbols.length === 3 && g.correctable === 1));
  assert.equal(uncoded.forward, undefined);
});

Deno.test("tail probability: matches enumeration of all outcomes", () => {
  const a = [0.1, 0.35, 0.02, 0.5, 0.8];
  for (let t = 0; t <= a.length; t++) {
    let expected = 0;
    for (let mask = 0; mask < 1 << a.length; mask++) {
      let p = 1;
      let count = 0;
      a.forEach((x, i) => {
        const hit = (mask >> i) & 1;
        count += hit;
        p *= hit ? x : 1 - x;
      });
      if (count > t) expected += p;
    }
    assertClose(tailProbability(a, t), expected, 1e-12, `t = ${t}`);
  }
});

Deno.test("failure probability: replication r = 2 rolls back on any fault; the grid needs two in one stage", () => {
  const p = 3e-4;
  // Every draw is read by some stage and any corrupted copy is detected.
  assertClose(iterationFailure(replication2, p).steady, 1 - (1 - p) ** 360, 1e-12);
  // Grid, small p: a forward stage fails when 2 of its 7 symbols (8 draws each) are hit, a
  // backward stage when 2 of its 6 symbols (4 systematic with 5 draws, 2 parity with 10) are.
  const fwdPairs = 21 * 8 * 8;
  const bwdPairs = 6 * 5 * 5 + 8 * 5 * 10 + 1 * 10 * 10;
  const leading = 3 * (fwdPairs + bwdPairs) * p * p;
  assertClose(iterationFailure(grid, p).steady, leading, 0.02);
  // Uncoded never rolls back; its faults are silent.
  const u = iterationFailure(uncoded, p);
  assert.equal(u.steady, 0);
  assertClose(u.silentFaultsPerIteration, 0.108, 1e-12);
  assert.equal(iterationFailure(grid, p).silentFaultsPerIteration, 0);
  // Without faults nothing fails and the time is T + C/k.
  assertClose(expectedTime(grid, 0, 50, costs).secondsPerUsefulIteration, 1 + 2 / 50, 1e-12);
});

Deno.test("closed form matches the Monte-Carlo simulation within 2 %", () => {
  const cases = [
    { name: "grid", exposure: grid, rate: 2e-3, interval: 20 },
    { name: "replication r=2", exposure: replication2, rate: 3e-4, interval: 8 },
    { name: "replication r=3", exposure: replication3, rate: 2e-3, interval: 30 },
    {
      name: "polydot",
      exposure: codedExposure(polyDotCode({ m: 2, n: 2, p: 8 }), 2),
      rate: 1.5e-2,
      interval: 15,
    },
  ];
  for (const c of cases) {
    const model = expectedTime(c.exposure, c.rate, c.interval, costs);
    const sim = simulateCheckpointing({ ...c, costs, usefulIterations: 200_000, seed: 7 });
    // The cases are chosen so that roll-backs matter (the time is well above T + C/k) ...
    assert.ok(model.secondsPerUsefulIteration > 1.1 * (1 + 2 / c.interval), c.name);
    // ... and the simulation is precise enough for the comparison to mean something.
    assert.ok(sim.standardError < 0.006 * sim.secondsPerUsefulIteration, `${c.name}: ${sim.standardError}`);
    const rel = sim.secondsPerUsefulIteration / model.secondsPerUsefulIteration - 1;
    assert.ok(
      Math.abs(rel) < 0.02,
      `${c.name}: model ${model.secondsPerUsefulIteration}, simulation ${sim.secondsPerUsefulIteration} (${rel})`,
    );
    assertClose(sim.rollbacksPerUsefulIteration, model.rollbacksPerUsefulIteration, 0.06, c.name);
    assertClose(sim.iterationsPerUsefulIteration, model.iterationsPerUsefulIteration, 0.02, c.name);
  }
});

Deno.test("simulation: uncoded faults are all silent and never roll back", () => {
  const sim = simulateCheckpointing({
    exposure: uncoded,
    rate: 1e-3,
    interval: 10,
    costs,
    usefulIterations: 20_000,
    seed: 3,
  });
  assert.equal(sim.rollbacks, 0);
  assert.equal(sim.silentFaults, sim.faults);
  assertClose(sim.faults / 20_000, 0.36, 0.05);
  assertClose(sim.secondsPerUsefulIteration, 1 + 2 / 10, 1e-12);
});

Deno.test("Young/Daly: the optimal interval is near √(2C/(qT)) for small rates", () => {
  for (
    const [exposure, rate, C] of [[replication2, 1e-6, 1], [grid, 1e-4, 2], [
      replication3,
      3e-5,
      0.5,
    ]] as const
  ) {
    const c = { ...costs, checkpointSeconds: C };
    const failure = iterationFailure(exposure, rate);
    const young = youngDalyInterval(failure.steady, c);
    const best = optimalInterval(failure, c);
    assert.ok(young > 50, `${exposure.label}: choose rates with long intervals (${young})`);
    assertClose(best.interval, young, 0.05, exposure.label);
    // The optimum really is one: its neighbours cost more, and so does Young's k (barely).
    for (const k of [best.interval - 1, best.interval + 1, Math.round(young)]) {
      assert.ok(segmentModel(failure, k, c).secondsPerUsefulIteration >= best.secondsPerUsefulIteration);
    }
  }
  // Replication r = 2 at the authors' rate needs a short interval; the grid a long one.
  const fast = optimalInterval(iterationFailure(replication2, 3e-4), costs);
  assert.ok(fast.interval <= 8, `r = 2 optimum ${fast.interval}`);
  assert.ok(expectedTime(replication2, 3e-4, 100, costs).secondsPerUsefulIteration > 1000);
  assert.ok(expectedTime(grid, 3e-4, 100, costs).secondsPerUsefulIteration < 1.06);
});
