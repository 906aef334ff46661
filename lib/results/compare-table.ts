/**
 * The table `compare` prints when its runs are done: one line per run with its strategy, nodes,
 * final test accuracy, wall and modelled time, faults injected and corrected, and roll-backs,
 * in aligned plain-text columns (readable in a terminal, pasteable into Markdown as code).
 *
 * @example
 * ```ts
 * import { compareTable } from "./compare-table.ts";
 * console.log(compareTable([{ label: "codenet", summary: { strategy: "codenet", nodes: 38 } }], rows));
 * ```
 *
 * @module
 */

import type { CompareRow } from "./compare-csv.ts";

/** A run as the table needs it: its label and its summary.json. */
export interface TableRun {
  readonly label: string;
  readonly summary: Readonly<Record<string, unknown>>;
}

/** A counter of summary.json's `faults` object, or undefined (the centralized reference has none). */
function faultCounter(summary: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const faults = summary.faults;
  if (faults === null || typeof faults !== "object") return undefined;
  const v = (faults as Record<string, unknown>)[key];
  return typeof v === "number" ? v : undefined;
}

/** Aligned columns: text left, numbers right. */
export function alignColumns(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const numeric = header.map((_, i) => lines.every((l) => /^[-+0-9.,%e ∞–]*$/.test(l[i])));
  const format = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(format)].join("\n");
}

/** The table text (no trailing newline). */
export function compareTable(runs: readonly TableRun[], rows: readonly CompareRow[]): string {
  const lines = runs.map(({ label, summary }) => {
    const last = rows.filter((r) => r.label === label).reduce<CompareRow | undefined>(
      (a, r) => (a === undefined || r.iterations >= a.iterations ? r : a),
      undefined,
    );
    const corrected = faultCounter(summary, "corrected");
    return [
      label,
      String(summary.strategy ?? last?.strategy ?? "–"),
      typeof summary.nodes === "number" ? String(summary.nodes) : "–",
      last === undefined ? "–" : `${(100 * last.test_accuracy).toFixed(1)} %`,
      last === undefined ? "–" : last.wall_seconds.toFixed(1),
      last?.modelled_seconds === null || last === undefined ? "–" : last.modelled_seconds.toFixed(1),
      last === undefined ? "–" : String(last.faults),
      corrected === undefined ? "–" : String(corrected),
      last === undefined ? "–" : String(last.rollbacks),
    ];
  });
  return alignColumns(
    [
      "run",
      "strategy",
      "nodes",
      "test accuracy",
      "wall s",
      "modelled s",
      "faults injected",
      "faults corrected",
      "roll-backs",
    ],
    lines,
  );
}
