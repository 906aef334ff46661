/**
 * The codenet command line: `deno task cli <encode|train|attack|compare> [flags]`.
 *
 * Bad input (unknown flags, malformed values, missing files, impossible code parameters) ends with
 * exit code 2 and one line saying what is wrong; `--debug` (accepted anywhere on the line, for every
 * command) adds the stack trace, and for a failure inside a node the node's own stack.
 *
 * @module
 */

import { UsageError } from "../lib/errors.ts";
import { NodeError } from "../lib/cluster/protocol.ts";
import { closest } from "../lib/config/suggest.ts";
import { type Command, runCommand, type RunCommandOptions } from "./command.ts";
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
    "Every command takes --debug: print the stack trace of an error (one line without it).",
    "",
    "Commands:",
    ...rows,
    "",
  ].join("\n");
}

/** Options of {@link main} for in-process callers (tests, the fuzzer). */
export type MainOptions = RunCommandOptions;

/**
 * Runs the CLI on `argv` and returns the exit code (never throws). `--debug` is taken out of
 * `argv` wherever it stands; with `options.checkOnly` a command only validates its input.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const debug = argv.includes("--debug");
  const [name, ...rest] = argv.filter((a) => a !== "--debug");
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
    return await runCommand(await entry.load(), rest, options);
  } catch (e) {
    return reportError(e, name, debug);
  }
}

/** `text` with control characters (newlines from a mistyped argument, NUL, …) escaped: one line. */
function oneLine(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Prints an error as one line (two with a hint) and returns its exit code. */
export function reportError(e: unknown, command: string | undefined, debug: boolean): number {
  const prefix = `codenet${command && COMMANDS[command] ? " " + command : ""}: error:`;
  if (e instanceof UsageError) {
    console.error(`${prefix} ${oneLine(e.message)}`);
    if (debug) console.error(e.stack);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const message = oneLine(err.message.split("\n")[0]);
  console.error(`${prefix} ${message}${debug ? "" : " (run with --debug for the stack trace)"}`);
  if (debug) {
    console.error(err.stack);
    if (e instanceof NodeError && e.failure.stack) {
      console.error(`node ${e.failure.node} (${e.failure.phase}), ${e.failure.kind}:\n${e.failure.stack}`);
    }
  }
  return 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
