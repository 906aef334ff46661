/**
 * Data for the plot tests: compare rows of three strategies, tolerance rows of a grid campaign,
 * and the checkpointing model's runs, plus a counter of the marks in a rendered SVG.
 */

import { gridCode } from "../lib/codes/grid.ts";
import { replicationCode } from "../lib/codes/replication.ts";
import type { CompareRow } from "../lib/results/compare-csv.ts";
import type { ModelledRun } from "../lib/results/expected-time-data.ts";
import type { ToleranceRow } from "../lib/results/tolerance-csv.ts";
import { codedExposure, uncodedExposure } from "../lib/train/fault-exposure.ts";

/** Compare rows: three strategies, rounds 0..5, accuracy rising, uncoded without modelled time. */
export function compareRows(): CompareRow[] {
  const rows: CompareRow[] = [];
  const strategies = [["codenet", 1.1], ["replication", 2.3], ["uncoded", 0.7]] as const;
  for (const [i, [label, secondsPerIteration]] of strategies.entries()) {
    for (let round = 0; round <= 5; round++) {
      rows.push({
        label,
        strategy: label,
        round,
        iterations: 200 * round,
        wall_seconds: 200 * round * secondsPerIteration,
        modelled_seconds: label === "uncoded" ? null : 100 * round * secondsPerIteration,
        test_accuracy: 0.1 + (0.8 - 0.2 * i) * (1 - Math.exp(-round / 2)),
        faults: 17 * round,
        rollbacks: label === "replication" ? 3 * round : 0,
        fault_rate: 3e-4,
      });
    }
  }
  return rows;
}

/** Tolerance rows of a (7, 5) and a (6, 4) stage under additive faults, t = 0..3. */
export function toleranceRows(): ToleranceRow[] {
  const rows: ToleranceRow[] = [];
  for (const stage of ["forward", "backward"]) {
    for (let t = 0; t <= 3; t++) {
      rows.push({
        code: "grid 7,5,6,4",
        stage,
        model: "additive",
        t,
        trials: 1000,
        counts: {
          masked: t === 0 ? 1000 : 0,
          corrected: t === 1 ? 1000 : 0,
          detected: t >= 2 ? 990 : 0,
          mislocated: t >= 2 ? 10 : 0,
          silent: 0,
          crash: 0,
          hang: 0,
        },
        theory: { probabilistic: 1, adversarial: 1 },
      });
    }
  }
  return rows;
}

/** The model's view of the three runs of {@link compareRows}. */
export function modelledRuns(): ModelledRun[] {
  const costs = { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 };
  return [
    {
      label: "codenet",
      series: "codenet",
      rate: 3e-4,
      interval: 100,
      costs,
      exposure: codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3),
    },
    {
      label: "replication",
      series: "replication",
      rate: 3e-4,
      interval: 5,
      costs,
      exposure: codedExposure(replicationCode({ copies: 2, qr: 5, qc: 4 }), 3),
    },
    {
      label: "uncoded",
      series: "uncoded",
      rate: 3e-4,
      interval: 100,
      costs: { ...costs, iterationSeconds: 0.7 },
      exposure: uncodedExposure(40, 3),
    },
  ];
}

/** Number of drawn items (paths) in the SVG's data-mark groups of type `mark` (line, symbol, rule). */
export function markCount(svg: string, mark: "line" | "symbol" | "rule"): number {
  let n = 0;
  const group = new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, "gs");
  for (const m of svg.matchAll(group)) n += (m[1].match(/<(path|line)\b/g) ?? []).length;
  return n;
}
