/**
 * The CLI as the tests run it: in this process with what it prints captured (console.log → out,
 * console.error → err), or as a real `deno run … cli/main.ts` subprocess.
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

const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;

/** The permissions the CLI subprocesses get (the CLI's own task grants fewer). */
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** Exit code and output of one CLI subprocess. */
export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `deno run … cli/main.ts <argv>` in a subprocess to its end. */
export async function runCliProcess(argv: readonly string[]): Promise<ProcessResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN, ...argv],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Starts `deno run … cli/main.ts <argv>` as a subprocess (stdout discarded, stderr piped). */
export function spawnCli(argv: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", ...PERMISSIONS, MAIN, ...argv],
    stdout: "null",
    stderr: "piped",
  }).spawn();
}
