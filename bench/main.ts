/**
 * Benchmark runner: `deno task bench [section…]` runs every section (or the named ones) and
 * prints one table. Long sections (`train-paper`, the authors' full run) run only when named.
 * To add a section, import it and add it to `SECTIONS`.
 *
 * @module
 */

import { cpus } from "node:os";
import { type BenchSection, tableHeader, tableLine } from "./harness.ts";
import { attackSection } from "./attack.ts";
import { decodeSection } from "./decode.ts";
import { initSection } from "./init.ts";
import { mlpSection } from "./mlp.ts";
import { tensorSection } from "./tensor.ts";
import { trainPaperSection, trainSection } from "./train.ts";

/**
 * Every benchmark section, in the order they run; mlp first, because it reports the peak resident
 * set of the whole process.
 */
const SECTIONS: readonly BenchSection[] = [
  mlpSection,
  tensorSection,
  attackSection,
  decodeSection,
  initSection,
  trainSection,
  trainPaperSection,
];
/** Sections that run only when named (long). */
const ON_REQUEST = new Set(["train-paper"]);

const wanted = Deno.args.length > 0 ? new Set(Deno.args) : undefined;
const unknown = [...(wanted ?? [])].filter((n) => !SECTIONS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(
    `unknown bench section ${unknown.join(", ")}; sections: ${SECTIONS.map((s) => s.name).join(", ")}`,
  );
  Deno.exit(2);
}

console.log(
  `codenet bench · Deno ${Deno.version.deno} (V8 ${Deno.version.v8}) · ${
    cpus()[0]?.model ?? "cpu"
  } × ${cpus().length}`,
);
console.log(
  "single thread; best of several timed rounds after a warm-up; the machine is shared, so figures are noisy",
);
console.log("(re-run and take the best); ratio = value / goal (goal / value for times), ≥ 1 meets the goal.");
for (const section of SECTIONS) {
  if (wanted ? !wanted.has(section.name) : ON_REQUEST.has(section.name)) continue;
  console.log(`\n[${section.name}]`);
  console.log(tableHeader());
  try {
    await section.run((row) => console.log(tableLine(row)));
  } catch (e) {
    // A bad knob or a failed run: one line saying which section and why, and a non-zero exit.
    console.error(`bench section ${section.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
}
