/**
 * What a code does for a layer of a given size, as one object (the `encode --json` output) and as
 * a readable table: per stage P, Q, redundancy, errors corrected under each model, errors
 * detected, worst condition number, tolerance; storage per node and overall redundancy.
 *
 * @example
 * ```ts
 * import { buildLayerCode } from "./build.ts";
 * import { summarizeCode } from "./summary.ts";
 * const s = summarizeCode(buildLayerCode({ code: "grid" }), 10000, 10000, "float32");
 * s.P;                  // 38
 * s.stages[0].detectable; // 2
 * ```
 *
 * @module
 */

import type { DType } from "../tensor/matrix.ts";
import type { ConditioningOptions } from "./conditioning.ts";
import type { LayerCode, LayerLayout } from "./layer-code.ts";
import type { StageCode } from "./stage.ts";
import { roundoffEpsilon } from "./tolerance.ts";

/** One stage of a {@link CodeSummary}. */
export interface StageSummary {
  readonly name: string;
  readonly P: number;
  readonly Q: number;
  /** P − Q parity symbols. */
  readonly redundancy: number;
  readonly correctable_probabilistic: number;
  readonly correctable_adversarial: number;
  readonly detectable: number;
  /** Worst κ₂ over the Q-subsets of the generator. */
  readonly condition_number: number;
  /** Whether every subset was examined (else a seeded sample of `condition_subsets`). */
  readonly condition_exact: boolean;
  readonly condition_subsets: number;
  /** Entries per sample of a symbol. */
  readonly symbol_length: number;
  /** The tolerance's epsilon for this stage at the storage precision (probabilistic bound). */
  readonly epsilon: number;
  /** Largest single-entry error that may go unseen, in units of the tolerance's scale. */
  readonly detection_threshold: number;
}

/** Everything `encode` reports; keys are the JSON keys. */
export interface CodeSummary {
  readonly code: string;
  /** The code's parameters, e.g. "Pr=7 qr=5 Pc=6 qc=4". */
  readonly parameters: string;
  /** Nodes. */
  readonly P: number;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: DType;
  readonly stages: StageSummary[];
  /** Entries stored over all nodes ÷ entries of W. */
  readonly redundancy: number;
  readonly storage_per_node: { rows: number; cols: number; entries: number; bytes: number };
  /** Zero rows and columns added so that the blocks divide W. */
  readonly padding: { rows: number; cols: number };
  readonly active_nodes: { forward: number; backward: number };
}

function stageSummary(
  stage: StageCode,
  length: number,
  terms: number,
  dtype: DType,
  options: ConditioningOptions,
) {
  const conditioning = stage.conditioning(options);
  const epsilon = roundoffEpsilon(dtype, terms);
  const report = stage.decoder({ length: 1 }).report({ scale: 1, epsilon });
  return {
    name: stage.name,
    P: stage.P,
    Q: stage.Q,
    redundancy: stage.P - stage.Q,
    correctable_probabilistic: stage.bounds.correctableProbabilistic,
    correctable_adversarial: stage.bounds.correctableAdversarial,
    detectable: stage.bounds.detectable,
    condition_number: conditioning.value,
    condition_exact: conditioning.exact,
    condition_subsets: conditioning.subsets,
    symbol_length: length,
    epsilon,
    detection_threshold: Math.max(...report.detect),
  };
}

/** The summary of `code` for a rows × cols layer stored in `dtype`. */
export function summarizeCode(
  code: LayerCode,
  rows: number,
  cols: number,
  dtype: DType,
  conditioning: ConditioningOptions = {},
): CodeSummary {
  const layout: LayerLayout = code.layout(rows, cols);
  const entries = layout.blockRows * layout.blockCols;
  let forward = 0;
  let backward = 0;
  for (let id = 0; id < code.nodes; id++) {
    if (code.forwardActive(id)) forward++;
    if (code.backwardActive(id)) backward++;
  }
  return {
    code: code.kind,
    parameters: code.label,
    P: code.nodes,
    rows,
    cols,
    dtype,
    stages: [
      stageSummary(code.forward, layout.forwardLength, code.forwardTerms(layout), dtype, conditioning),
      stageSummary(code.backward, layout.backwardLength, code.backwardTerms(layout), dtype, conditioning),
    ],
    redundancy: (code.nodes * entries) / (rows * cols),
    storage_per_node: {
      rows: layout.blockRows,
      cols: layout.blockCols,
      entries,
      bytes: entries * (dtype === "float32" ? 4 : 8),
    },
    padding: { rows: layout.rows.padding, cols: layout.cols.padding },
    active_nodes: { forward, backward },
  };
}

function sci(v: number): string {
  return Number.isFinite(v) ? v.toExponential(1) : String(v);
}

function bytes(n: number): string {
  return n >= 1 << 20
    ? `${(n / (1 << 20)).toFixed(1)} MiB`
    : n >= 1 << 10
    ? `${(n / (1 << 10)).toFixed(1)} KiB`
    : `${n} B`;
}

/** The summary as a readable table. */
export function formatSummary(s: CodeSummary): string {
  const st = s.storage_per_node;
  const head = [
    "stage",
    "P",
    "Q",
    "P−Q",
    "corrects (prob.)",
    "corrects (adv.)",
    "detects",
    "worst κ₂",
    "symbol",
    "ε",
    "unseen ≤",
  ];
  const rows = s.stages.map((g) => [
    g.name,
    String(g.P),
    String(g.Q),
    String(g.redundancy),
    String(g.correctable_probabilistic),
    String(g.correctable_adversarial),
    String(g.detectable),
    `${sci(g.condition_number)} (${g.condition_exact ? "exact" : "sampled"}, ${g.condition_subsets} subsets)`,
    String(g.symbol_length),
    sci(g.epsilon),
    `${sci(g.detection_threshold)}·scale`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const pad = s.padding.rows || s.padding.cols
    ? `zero padding: ${s.padding.rows} rows, ${s.padding.cols} columns`
    : "no padding";
  return [
    `code ${s.code} (${s.parameters}): P = ${s.P} nodes for a ${s.rows}×${s.cols} ${s.dtype} layer`,
    `storage per node: ${st.rows}×${st.cols} = ${st.entries} entries (${bytes(st.bytes)}); ` +
    `redundancy ${s.redundancy.toFixed(2)}× the weights; ${pad}`,
    `active nodes: ${s.active_nodes.forward} forward, ${s.active_nodes.backward} backward`,
    "",
    line(head),
    ...rows.map(line),
    "",
    "ε: relative error of a clean symbol entry at this precision (λ·√terms·u + u, λ = 8); scale: a bound on",
    "Σ|W_ik·x_k| per output entry, e.g. max row norm × ‖x‖. Errors above `unseen ≤` in one entry are always seen.",
    "",
  ].join("\n");
}
