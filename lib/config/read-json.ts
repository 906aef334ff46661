/**
 * Reads a JSON config file, reporting syntax errors with line and column and a missing file as a
 * usage error (exit code 2), never as a stack trace.
 *
 * @module
 */

import { type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { UsageError } from "../errors.ts";

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Parses `text` as strict JSON; `name` labels error messages (usually the file path). */
export function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    const e = errors[0];
    if (!e) throw new UsageError(`${name}: invalid JSON`);
    const { line, column } = lineColumn(text, e.offset);
    throw new UsageError(`${name}:${line}:${column}: invalid JSON (${printParseErrorCode(e.error)})`);
  }
}

/** Reads and parses a JSON file (any top-level value). */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`${path}: file not found`);
    if (e instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`${path}: is a directory, expected a JSON file`);
    }
    if (e instanceof TypeError || e instanceof Deno.errors.InvalidData) {
      throw new UsageError(`${path}: not a UTF-8 text file`);
    }
    throw new UsageError(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseJson(text, path);
}

/** Reads and parses a JSON file whose top level must be an object. */
export function readJsonObject(path: string): Record<string, unknown> {
  const value = readJsonFile(path);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${path}: the top level must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
