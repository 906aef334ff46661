/**
 * The checkpoints of a run on disk: `checkpoints/checkpoint-<iteration>.bin` (see
 * checkpoint-file.ts) and `checkpoints/manifest.json`, which lists the kept checkpoints oldest
 * first with their size and SHA-256; its last entry is the last verified checkpoint.
 *
 * Saving writes the checkpoint file atomically (temp file, fsync, rename), then the manifest the
 * same way, then removes the files the manifest no longer names. A run killed at any moment
 * therefore leaves a manifest that names only complete files. Loading checks each file against
 * its checksum, newest first, and falls back to the previous one when a file is damaged.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic.ts";
import { type CheckpointContent, decodeCheckpoint, encodeCheckpoint, sha256Hex } from "./checkpoint-file.ts";

/** Folder of the checkpoints inside a run folder. */
export const CHECKPOINT_FOLDER = "checkpoints";
/** Checkpoints kept (the newest and the ones before it, as fall-backs). */
export const KEPT_CHECKPOINTS = 2;

/** One manifest entry. */
export interface ManifestEntry {
  readonly iteration: number;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** `manifest.json`. */
export interface Manifest {
  readonly format: 1;
  /** Kept checkpoints, oldest first; the last is the last verified checkpoint. */
  readonly checkpoints: readonly ManifestEntry[];
}

/** A checkpoint read back, with the newer ones that failed their check. */
export interface LoadedCheckpoint {
  readonly entry: ManifestEntry;
  readonly content: CheckpointContent;
  /** Newer checkpoints skipped, with the reason (damaged, missing). */
  readonly skipped: readonly string[];
}

/** The checkpoints of one run folder. */
export class CheckpointStore {
  readonly folder: string;
  #entries: ManifestEntry[] = [];

  constructor(runDir: string) {
    this.folder = join(runDir, CHECKPOINT_FOLDER);
  }

  /** The kept checkpoints, oldest first. */
  get entries(): readonly ManifestEntry[] {
    return this.#entries;
  }

  /** Writes a checkpoint of `iteration` and makes it the last verified one. */
  async save(iteration: number, content: CheckpointContent): Promise<void> {
    const bytes = encodeCheckpoint(content);
    const file = `checkpoint-${String(iteration).padStart(8, "0")}.bin`;
    await writeFileAtomic(join(this.folder, file), bytes);
    const entry: ManifestEntry = { iteration, file, bytes: bytes.length, sha256: await sha256Hex(bytes) };
    const entries = [...this.#entries.filter((e) => e.file !== file), entry].slice(-KEPT_CHECKPOINTS);
    const manifest: Manifest = { format: 1, checkpoints: entries };
    await writeJsonAtomic(join(this.folder, "manifest.json"), manifest);
    this.#entries = entries;
    await this.#removeUnlisted();
  }

  /**
   * Reads the newest checkpoint that passes its checksum (undefined when the run has none yet).
   * A manifest that cannot be read, or no intact checkpoint, is a {@link UsageError}.
   */
  async load(): Promise<LoadedCheckpoint | undefined> {
    const path = join(this.folder, "manifest.json");
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(text);
      if (manifest.format !== 1 || !Array.isArray(manifest.checkpoints)) throw new Error("unknown format");
    } catch (e) {
      throw new UsageError(`cannot resume: ${path} is damaged (${(e as Error).message}); start a new run`);
    }
    this.#entries = [...manifest.checkpoints];
    const skipped: string[] = [];
    for (let i = manifest.checkpoints.length - 1; i >= 0; i--) {
      const entry = manifest.checkpoints[i];
      const problem = await this.#check(entry);
      if (typeof problem === "string") {
        skipped.push(`${entry.file}: ${problem}`);
        continue;
      }
      this.#entries = manifest.checkpoints.slice(0, i + 1);
      return { entry, content: problem, skipped };
    }
    throw new UsageError(
      `cannot resume: no intact checkpoint in ${this.folder} (${skipped.join("; ")}); start a new run`,
    );
  }

  /** The decoded checkpoint, or why it cannot be used. */
  async #check(entry: ManifestEntry): Promise<CheckpointContent | string> {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(this.folder, entry.file));
    } catch (e) {
      return e instanceof Deno.errors.NotFound ? "missing" : (e as Error).message;
    }
    if (bytes.length !== entry.bytes) return `${bytes.length} bytes instead of ${entry.bytes}`;
    if (await sha256Hex(bytes) !== entry.sha256) return "checksum mismatch";
    try {
      return decodeCheckpoint(bytes);
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** Removes checkpoint files the manifest does not name, and stale temporary files. */
  async #removeUnlisted(): Promise<void> {
    const keep = new Set(this.#entries.map((e) => e.file));
    keep.add("manifest.json");
    for await (const e of Deno.readDir(this.folder)) {
      if (e.isFile && !keep.has(e.name) && (e.name.endsWith(".bin") || e.name.endsWith(".tmp"))) {
        await Deno.remove(join(this.folder, e.name)).catch(() => {});
      }
    }
  }
}
