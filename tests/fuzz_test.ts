/**
 * The seeded fuzzer (tests/fuzz_engine.ts) on a few hundred cases: every case must end with exit
 * 0 or 2 and a one-line message (or train's one-line "diverged" stop), never an uncaught
 * exception, an internal error or a partial result file. `deno task fuzz` runs ≥ 10,000.
 */
import { FAILURES, fuzz } from "./fuzz_engine.ts";
import { assert } from "./assert.ts";

Deno.test("fuzz: 300 seeded cases of mutated flags, configs, fault plans, experiments, IDX and weight files", async () => {
  const report = await fuzz({ seed: 20260601, cases: 300, runEvery: 30 });
  const shown = report.failures.slice(0, 5).map((f) =>
    `#${f.index} ${f.family} ${f.outcome}: ${f.what}\n  ${f.detail}`
  );
  assert.deepEqual(shown, [], `${report.failures.length} failing cases`);
  for (const o of FAILURES) assert.equal(report.byOutcome[o], 0);
  // The generator must reach both sides: accepted input and refused input, in every family.
  assert.ok(report.byOutcome.ok > 10, JSON.stringify(report.byOutcome));
  assert.ok(report.byOutcome.usage > 100, JSON.stringify(report.byOutcome));
  for (const family of ["flags", "config", "fault-plan", "experiment", "idx", "weights", "run"]) {
    assert.ok(report.byFamily[family] !== undefined, `family ${family} not drawn`);
  }
});
