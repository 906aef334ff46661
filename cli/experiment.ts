/**
 * `deno task experiment <name> [flags]`: runs `experiments/<name>.json`. A compare experiment
 * (with `runs` or `attack`) goes to `compare --config`; an older single-run file (train flags)
 * goes to `train --config`. Extra flags are passed on (e.g. `--out`, `--progress plain`). An
 * unknown name ends with exit code 2 and the list of available names.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import { readJsonObject } from "../lib/config/read-json.ts";
import { closest } from "../lib/config/suggest.ts";
import { UsageError } from "../lib/errors.ts";
import { main, reportError } from "./main.ts";

const EXPERIMENTS = fileURLToPath(new URL("../experiments/", import.meta.url));

/** Names of the experiments (files in experiments/ without `.json`), sorted. */
export function experimentNames(dir = EXPERIMENTS): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => e.name.slice(0, -".json".length))
    .sort();
}

/** The CLI arguments that run experiment `name` with `extra` flags. */
export function experimentArgs(
  name: string | undefined,
  extra: readonly string[],
  dir = EXPERIMENTS,
): string[] {
  const names = experimentNames(dir);
  if (name === undefined || name.startsWith("-")) {
    throw new UsageError(
      `give an experiment name: deno task experiment <name>; available: ${names.join(", ")}`,
    );
  }
  if (!names.includes(name)) {
    const hint = closest(name, names);
    throw new UsageError(
      `unknown experiment "${name}"${hint ? ` (did you mean ${hint}?)` : ""}; available: ${names.join(", ")}`,
    );
  }
  const file = join(relative(Deno.cwd(), dir) || ".", `${name}.json`);
  const raw = readJsonObject(file);
  const command = "runs" in raw || "attack" in raw ? "compare" : "train";
  return [command, "--config", file, ...extra];
}

if (import.meta.main) {
  const [name, ...extra] = Deno.args;
  let args: string[];
  try {
    args = experimentArgs(name, extra);
  } catch (e) {
    Deno.exit(reportError(e, undefined, extra.includes("--debug")));
  }
  Deno.exit(await main(args));
}
