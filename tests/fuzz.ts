/**
 * `deno task fuzz [--cases N] [--seed S] [--run-every K]` (or FUZZ_CASES, FUZZ_SEED): the seeded
 * fuzzer of tests/fuzz_engine.ts at scale (default 10,000 cases). Prints the counts by outcome and
 * family, the slowest case and the first failures; exits 1 if any case failed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { FAILURES, fuzz } from "./fuzz_engine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { cases: { type: "string" }, seed: { type: "string" }, "run-every": { type: "string" } },
});
const cases = Number(values.cases ?? Deno.env.get("FUZZ_CASES") ?? 10_000);
const seed = Number(values.seed ?? Deno.env.get("FUZZ_SEED") ?? 1);
const runEvery = Number(values["run-every"] ?? 25);
if (!(Number.isSafeInteger(cases) && cases > 0 && Number.isSafeInteger(seed) && seed >= 0)) {
  console.error("fuzz: --cases must be a positive integer and --seed a non-negative integer");
  Deno.exit(2);
}
const t0 = performance.now();
let done = 0;
const report = await fuzz({
  seed,
  cases,
  runEvery,
  onCase: () => {
    done++;
    if (done % 1000 === 0) {
      Deno.stderr.writeSync(new TextEncoder().encode(`fuzz: ${done}/${cases} cases\n`));
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
console.log(`fuzz: ${report.cases} cases, seed ${seed}, ${seconds.toFixed(1)} s`);
console.log(
  `outcomes: ${Object.entries(report.byOutcome).map(([o, n]) => `${o} ${n}`).join(", ")}`,
);
for (const [family, counts] of Object.entries(report.byFamily).sort()) {
  console.log(`  ${family.padEnd(11)} ${Object.entries(counts).map(([o, n]) => `${o} ${n}`).join(", ")}`);
}
console.log(
  `slowest case: #${report.slowest.index} ${report.slowest.family} ${report.slowest.ms.toFixed(0)} ms`,
);
const failed = FAILURES.reduce((s, o) => s + report.byOutcome[o], 0);
for (const f of report.failures.slice(0, 20)) {
  console.log(`FAIL #${f.index} ${f.family} ${f.outcome}: ${f.what}\n  ${f.detail.replaceAll("\n", "\n  ")}`);
}
console.log(failed === 0 ? "no failures" : `${failed} failing cases`);
Deno.exit(failed === 0 ? 0 : 1);
