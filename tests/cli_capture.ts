/**
 * Runs the CLI in this process and captures what it prints (console.log → out, console.error →
 * err), for the bad-input and fuzz tests.
 *
 * @module
 */

import { main, type MainOptions } from "../cli/main.ts";

/** Exit code and printed lines of one CLI call. */
export interface CliResult {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `main(argv, options)` with console output captured. */
export async function runCli(argv: readonly string[], options: MainOptions = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error, warn } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  console.warn = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { code: await main(argv, options), out, err };
  } finally {
    console.log = log;
    console.error = error;
    console.warn = warn;
  }
}

/** True when `text` looks like a stack trace ("    at f (file:…)"). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text);
}
