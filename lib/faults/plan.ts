/**
 * Fault plans: faults placed exactly, read from a JSON file (`--fault-plan`), for reproducing a
 * scenario ("two faulty symbols in one stage at iteration 40") rather than drawing faults at random.
 *
 * The file holds an array of `{ "iteration", "layer", "phase", "node", "site" }`, each optionally
 * with `"model"` (a buffer model such as "nan", "inf", "bitflip"; default the run's additive model)
 * and `"density"` (its fraction of entries); each fault strikes once, at the first time its
 * iteration runs (not again if a roll-back re-runs it).
 *
 * @module
 */

import { readJsonFile } from "../config/read-json.ts";
import { closest } from "../config/suggest.ts";
import { UsageError } from "../errors.ts";
import { FAULT_SITES } from "../train/config.ts";
import type { ForcedFault } from "./injector.ts";
import { BUFFER_MODELS, buildFaultModel } from "./registry.ts";
import { PHASES } from "./sites.ts";

const KEYS = ["iteration", "layer", "phase", "node", "site", "model", "density"] as const;

/** Checks a parsed plan against the run's size; `name` labels errors (usually the file). */
export function checkFaultPlan(value: unknown, name: string, nodes: number, layers: number): ForcedFault[] {
  if (!Array.isArray(value)) throw new UsageError(`${name}: a fault plan is a JSON array of faults`);
  return value.map((f, i) => {
    const where = `${name}: fault ${i}`;
    if (f === null || typeof f !== "object" || Array.isArray(f)) {
      throw new UsageError(`${where} is not an object`);
    }
    for (const k of Object.keys(f)) {
      if (!(KEYS as readonly string[]).includes(k)) {
        const hint = closest(k, KEYS);
        throw new UsageError(
          `${where}: unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; keys: ${KEYS.join(", ")}`,
        );
      }
    }
    const { iteration, layer, phase, node, site, model, density } = f as Record<string, unknown>;
    const int = (v: unknown, key: string, max: number) => {
      if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < max)) {
        throw new UsageError(
          `${where}: "${key}" must be an integer in 0 … ${max - 1}, got ${JSON.stringify(v)}`,
        );
      }
      return v as number;
    };
    if (!(PHASES as readonly unknown[]).includes(phase)) {
      throw new UsageError(
        `${where}: "phase" must be one of ${PHASES.join(", ")}, got ${JSON.stringify(phase)}`,
      );
    }
    if (!(FAULT_SITES as readonly unknown[]).includes(site)) {
      throw new UsageError(
        `${where}: "site" must be one of ${FAULT_SITES.join(", ")}, got ${JSON.stringify(site)}`,
      );
    }
    if (model !== undefined && !(BUFFER_MODELS as readonly unknown[]).includes(model)) {
      throw new UsageError(
        `${where}: "model" must be one of ${BUFFER_MODELS.join(", ")}, got ${JSON.stringify(model)}`,
      );
    }
    if (density !== undefined && !(typeof density === "number" && density > 0 && density <= 1)) {
      throw new UsageError(`${where}: "density" must be a number in (0, 1], got ${JSON.stringify(density)}`);
    }
    if (model !== undefined) {
      try {
        buildFaultModel(model as string, { density: density as number | undefined }, "float64");
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
        throw e;
      }
    }
    return {
      ...(model === undefined ? {} : { model: model as string }),
      ...(density === undefined ? {} : { density: density as number }),
      iteration: int(iteration, "iteration", Number.MAX_SAFE_INTEGER),
      layer: int(layer, "layer", layers),
      phase: phase as ForcedFault["phase"],
      node: int(node, "node", nodes),
      site: site as ForcedFault["site"],
    };
  });
}

/** Reads and checks a fault plan file. */
export function readFaultPlan(path: string, nodes: number, layers: number): ForcedFault[] {
  return checkFaultPlan(readJsonFile(path), path, nodes, layers);
}
