/**
 * What every subcommand is: a name, a one-line summary, an option schema and a `run` function.
 * `runCommand` does the shared part: `--help`, `--config` files, parsing and validation.
 *
 * @module
 */

import { formatHelp, parseOptions, type Schema, type Values } from "../lib/config/options.ts";
import { readJsonObject } from "../lib/config/read-json.ts";

/** A subcommand of the CLI. */
export interface Command<S extends Schema> {
  /** Name typed after `codenet`. */
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /**
   * When true, `--config <file>` is the command's input (e.g. an experiment for `compare`), read
   * by `run`, rather than a file of flag values.
   */
  readonly configIsInput?: boolean;
  /** Usage examples shown in `--help`. */
  readonly examples: readonly string[];
  /** Its flags. */
  readonly schema: S;
  /** Does the work; returns the process exit code. */
  run(values: Values<S>, argv: readonly string[]): Promise<number>;
  /**
   * Checks everything `run` would refuse before it starts working (flag combinations, code
   * parameters, files it reads), without writing anything; throws a UsageError on bad input.
   * Without it, check-only mode validates the flags alone.
   */
  check?(values: Values<S>, argv: readonly string[]): Promise<void>;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Only validate (the command's `check`), print nothing and return 0 when the input is good. */
  readonly checkOnly?: boolean;
}

/** Help text of a command. */
export function commandHelp<S extends Schema>(cmd: Command<S>): string {
  return [
    `codenet ${cmd.name}: ${cmd.summary}`,
    "",
    `Usage: deno task cli ${cmd.name} [flags]`,
    "",
    formatHelp(cmd.schema),
    "Examples:",
    ...cmd.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

/** Parses `argv` (after the subcommand name) and runs the command; `--help` prints its help. */
export async function runCommand<S extends Schema>(
  cmd: Command<S>,
  argv: readonly string[],
  options: RunCommandOptions = {},
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(commandHelp(cmd));
    return 0;
  }
  // A config file is read first so that flags can override it.
  let config: Record<string, unknown> = {};
  let configName = "config";
  if ("config" in cmd.schema && !cmd.configIsInput) {
    const pre = parseOptions(cmd.schema, argv).values as Record<string, unknown>;
    if (typeof pre.config === "string") {
      config = readJsonObject(pre.config);
      configName = pre.config;
    }
  }
  const { values } = parseOptions(cmd.schema, argv, config, configName);
  if (options.checkOnly) {
    await cmd.check?.(values, argv);
    return 0;
  }
  return await cmd.run(values, argv);
}
