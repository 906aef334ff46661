/**
 * Helpers of the resume tests: the CLI in-process and as a real subprocess, a check that every
 * file of a run folder is complete, and a comparison of two run folders that ignores the measured
 * times (wall, train, evaluation and modelled seconds, start and finish stamps).
 */
import { parse } from "csv-parse/sync";
import { join } from "node:path";
import { decodeCheckpoint, sha256Hex } from "../lib/train/checkpoint-file.ts";
import type { Manifest } from "../lib/train/checkpoint-store.ts";
import { assert } from "./assert.ts";

export { runCli as cli, spawnCli } from "./cli_capture.ts";

/** Columns and summary fields that measure time, not training. */
export const TIME_FIELDS = new Set([
  "wall_seconds",
  "train_seconds",
  "eval_seconds",
  "modelled_seconds",
  "modelled_phase_seconds",
  "node_cpu_seconds",
  "started_at",
  "finished_at",
]);

/** The last verified checkpoint of a run folder, decoded after its checksum was checked. */
export async function lastCheckpoint(dir: string) {
  const folder = join(dir, "checkpoints");
  const manifest: Manifest = JSON.parse(await Deno.readTextFile(join(folder, "manifest.json")));
  const entry = manifest.checkpoints[manifest.checkpoints.length - 1];
  const bytes = await Deno.readFile(join(folder, entry.file));
  assert.equal(await sha256Hex(bytes), entry.sha256, `${entry.file}: checksum`);
  return { entry, content: decodeCheckpoint(bytes) };
}

/** Iteration of the last verified checkpoint (−1 when there is none yet). */
export async function lastCheckpointIteration(dir: string): Promise<number> {
  try {
    const m: Manifest = JSON.parse(await Deno.readTextFile(join(dir, "checkpoints", "manifest.json")));
    return m.checkpoints[m.checkpoints.length - 1]?.iteration ?? -1;
  } catch {
    return -1;
  }
}

/**
 * Asserts that every file of a run folder (temporary files of interrupted atomic writes aside) is
 * complete: JSON parses, metrics.csv has full rows, faults.jsonl has whole lines, checkpoints
 * decode and those the manifest names match their checksum. Returns the temporary files seen.
 */
export async function assertComplete(dir: string): Promise<string[]> {
  const temporaries: string[] = [];
  const walk = async (folder: string) => {
    for await (const e of Deno.readDir(folder)) {
      const path = join(folder, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".tmp")) temporaries.push(path);
      else await assertFileComplete(path);
    }
  };
  await walk(dir);
  return temporaries;
}

async function assertFileComplete(path: string): Promise<void> {
  const name = path.split("/").pop()!;
  if (name.endsWith(".json")) {
    JSON.parse(await Deno.readTextFile(path));
  } else if (name === "metrics.csv") {
    const rows: string[][] = parse(await Deno.readTextFile(path));
    assert.ok(rows.length >= 1, `${path}: no header`);
    for (const r of rows.slice(1)) {
      assert.equal(r.length, rows[0].length, `${path}: short row`);
      assert.ok(r.every((c) => c === "" || !Number.isNaN(Number(c)) || c === "NaN"), `${path}: bad cell`);
    }
  } else if (name.endsWith(".jsonl")) {
    const text = await Deno.readTextFile(path);
    assert.ok(text === "" || text.endsWith("\n"), `${path}: last line cut`);
    for (const line of text.split("\n").filter((l) => l !== "")) JSON.parse(line);
  } else if (name.endsWith(".bin")) {
    const bytes = await Deno.readFile(path);
    decodeCheckpoint(bytes);
    const folder = path.slice(0, path.length - name.length);
    const m: Manifest = JSON.parse(await Deno.readTextFile(join(folder, "manifest.json")));
    const entry = m.checkpoints.find((c) => c.file === name);
    if (entry) assert.equal(await sha256Hex(bytes), entry.sha256, `${path}: checksum`);
  }
}

/** metrics.csv rows without the time columns. */
async function metricsWithoutTimes(dir: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = parse(await Deno.readTextFile(join(dir, "metrics.csv")), {
    columns: true,
  });
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIME_FIELDS.has(k))));
}

/** summary.json without the time fields. */
async function summaryWithoutTimes(dir: string): Promise<Record<string, unknown>> {
  const s = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  return Object.fromEntries(Object.entries(s).filter(([k]) => !TIME_FIELDS.has(k)));
}

/**
 * Asserts that run folder `b` ended as `a`: the same final weights (every section of the last
 * checkpoint, bit for bit), metrics rows, summary and fault log, measured times aside.
 */
export async function assertSameRun(a: string, b: string): Promise<void> {
  const [ca, cb] = [await lastCheckpoint(a), await lastCheckpoint(b)];
  assert.equal(cb.entry.iteration, ca.entry.iteration, "last checkpoint");
  assert.equal(cb.content.sections.length, ca.content.sections.length);
  ca.content.sections.forEach((s, i) =>
    assert.ok(bytesEqual(s, cb.content.sections[i]), `section ${i} differs`)
  );
  assert.deepEqual(await metricsWithoutTimes(b), await metricsWithoutTimes(a));
  assert.deepEqual(await summaryWithoutTimes(b), await summaryWithoutTimes(a));
  const faults = async (d: string) => await Deno.readTextFile(join(d, "faults.jsonl")).catch(() => "");
  assert.equal(await faults(b), await faults(a), "faults.jsonl");
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
