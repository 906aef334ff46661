/**
 * The codenet command line: `deno task cli <encode|train|attack|compare> [flags]`.
 *
 * Bad input (unknown flags, malformed values, missing files, impossible code parameters) ends with
 * exit code 2 and one line saying what is wrong; `--debug` adds the stack trace.
 *
 * @module
 */

import { UsageError } from "../lib/errors.ts";
import { closest } from "../lib/config/suggest.ts";
import { type Command, runCommand } from "./command.ts";
import type { Schema } from "../lib/config/options.ts";

/** Subcommands, loaded on demand so that `encode --help` does not load the training code. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command<Schema>> }> = {};

/** Registers a subcommand module. */
function register(name: string, summary: string, load: () => Promise<Command<Schema>>): void {
  COMMANDS[name] = { summary, load };
}

register(
  "encode",
  "describe a code for a layer (P, Q, errors corrected/detected, κ, tolerance) and write encoded blocks",
  async () => (await import("./encode.ts")).encodeCommand as unknown as Command<Schema>,
);
register(
  "train",
  "train a network under a strategy (codenet, replication, uncoded) and a fault model",
  async () => (await import("./train.ts")).trainCommand as unknown as Command<Schema>,
);

register(
  "attack",
  "fault-injection campaigns on a coded stage: outcomes with 95 % intervals beside the theory; --replay",
  async () => (await import("./attack.ts")).attackCommand as unknown as Command<Schema>,
);

register(
  "compare",
  "run an experiment (experiments/<name>.json): strategies on the same data and seed, plots, model",
  async () => (await import("./compare.ts")).compareCommand as unknown as Command<Schema>,
);

function overview(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)}${c.summary}`);
  return [
    "codenet: train neural networks on unreliable nodes with real-number MDS codes (CodeNet, Dutta et al. 2019)",
    "",
    "Usage: deno task cli <command> [flags]      (deno task cli <command> --help for its flags)",
    "",
    "Commands:",
    ...rows,
    "",
  ].join("\n");
}

/** Runs the CLI on `argv` and returns the exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes("--debug");
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      console.log(overview());
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS[name];
    if (!entry) {
      const hint = closest(name, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command "${name}"${hint ? ` (did you mean ${hint}?)` : ""}; commands: ${
          Object.keys(COMMANDS).join(", ")
        }`,
      );
    }
    return await runCommand(await entry.load(), rest);
  } catch (e) {
    return reportError(e, name, debug);
  }
}

/** Prints an error as one line (two with a hint) and returns its exit code. */
export function reportError(e: unknown, command: string | undefined, debug: boolean): number {
  const prefix = `codenet${command && COMMANDS[command] ? " " + command : ""}: error:`;
  if (e instanceof UsageError) {
    console.error(`${prefix} ${e.message}`);
    if (debug) console.error(e.stack);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`${prefix} ${err.message}${debug ? "" : " (run with --debug for the stack trace)"}`);
  if (debug) console.error(err.stack);
  return 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
