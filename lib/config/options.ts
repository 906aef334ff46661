/**
 * Declarative options: one schema per subcommand gives the flags, their types, defaults, ranges and
 * help text. The same schema reads command-line flags (`--fault-rate 3e-4`) and config files
 * (`{"fault-rate": 3e-4}`): a config key is the flag's name without the dashes. Flags override the
 * config file, which overrides the defaults. Every problem is a {@link UsageError} (exit code 2).
 *
 * @example
 * ```ts
 * import { option, parseOptions } from "./options.ts";
 * const schema = { lr: option.number({ default: 0.1, min: 0, exclusiveMin: true, description: "learning rate" }) };
 * const { values } = parseOptions(schema, ["--lr", "0.05"]);
 * values.lr; // 0.05
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { closest } from "./suggest.ts";

/** Value kinds an option can hold. */
export type OptionKind = "int" | "number" | "string" | "boolean" | "int-list" | "number-list";

/** One option of a schema. `T` is the type of its parsed value. */
export interface OptionSpec<T> {
  readonly kind: OptionKind;
  /** Default value; `undefined` means "not set" (the option is optional). */
  readonly default: T;
  /** One line for `--help`. */
  readonly description: string;
  /** Allowed values (strings). */
  readonly choices?: readonly string[];
  /** Inclusive lower bound (numbers, and every element of lists). */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Makes `min` exclusive (for "must be > 0"). */
  readonly exclusiveMin?: boolean;
  /** Heading under which `--help` lists the option. */
  readonly group?: string;
  /** Placeholder shown in `--help` (`--lr <x>`). */
  readonly placeholder?: string;
  /** Accepted only on the command line, not in config files (e.g. `--config`, `--help`). */
  readonly cliOnly?: boolean;
}

type Base<T> = Omit<OptionSpec<T>, "kind">;

/** Builders for option specs, typed by what they parse to. */
export const option = {
  /** An integer. */
  int: <D extends number | undefined = number>(s: Base<NoInfer<D>>): OptionSpec<D> => ({ kind: "int", ...s }),
  /** A finite number. */
  number: <D extends number | undefined = number>(s: Base<NoInfer<D>>): OptionSpec<D> => ({
    kind: "number",
    ...s,
  }),
  /** A string, optionally one of `choices`. */
  string: <D extends string | undefined = string>(s: Base<D>): OptionSpec<D> => ({ kind: "string", ...s }),
  /** A switch (`--json`); config files take `true`/`false`. */
  boolean: (s: Base<boolean>): OptionSpec<boolean> => ({ kind: "boolean", ...s }),
  /** Comma-separated integers (`784,256,10`); ranges `a..b` expand (`0..3` → 0,1,2,3). */
  intList: <D extends number[] | undefined = number[]>(s: Base<D>): OptionSpec<D> => ({
    kind: "int-list",
    ...s,
  }),
  /** Comma-separated numbers (`1e-4,3e-4`). */
  numberList: <D extends number[] | undefined = number[]>(s: Base<D>): OptionSpec<D> => ({
    kind: "number-list",
    ...s,
  }),
};

/** A schema: option key (camelCase) → spec. The flag is the kebab-case key. */
export type Schema = Record<string, OptionSpec<unknown>>;

/** Parsed values of a schema. */
export type Values<S extends Schema> = { -readonly [K in keyof S]: S[K]["default"] };

/** Where each value came from. */
export type Source = "default" | "config" | "flag";

/** `faultRate` → `fault-rate`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/** `fault-rate` → `faultRate`. */
export function keyName(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describeKind(spec: OptionSpec<unknown>): string {
  switch (spec.kind) {
    case "int":
      return "an integer";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "int-list":
      return "comma-separated integers (a..b for a range)";
    case "number-list":
      return "comma-separated numbers";
    case "string":
      return spec.choices ? `one of ${spec.choices.join(", ")}` : "a string";
  }
}

function parseNumber(text: string, integer: boolean): number | undefined {
  const t = text.trim();
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  const v = Number(t);
  if (!Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) return undefined;
  return v;
}

function parseList(text: string, integer: boolean): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(",")) {
    const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(part);
    if (integer && range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a || b - a > 100_000) return undefined;
      for (let v = a; v <= b; v++) out.push(v);
      continue;
    }
    const v = parseNumber(part, integer);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Converts a raw flag string or config value to the option's type, or throws a UsageError. */
function coerce(spec: OptionSpec<unknown>, raw: unknown, where: string): unknown {
  const bad = () => new UsageError(`${where}: expected ${describeKind(spec)}, got ${JSON.stringify(raw)}`);
  let value: unknown;
  switch (spec.kind) {
    case "int":
    case "number": {
      const integer = spec.kind === "int";
      if (typeof raw === "number") {
        if (!Number.isFinite(raw) || (integer && !Number.isSafeInteger(raw))) throw bad();
        value = raw;
      } else if (typeof raw === "string") {
        value = parseNumber(raw, integer);
      }
      if (value === undefined) throw bad();
      break;
    }
    case "boolean":
      if (typeof raw === "boolean") value = raw;
      else if (raw === "true" || raw === "false") value = raw === "true";
      else throw bad();
      break;
    case "string":
      if (typeof raw !== "string") throw bad();
      if (spec.choices && !spec.choices.includes(raw)) {
        const hint = closest(raw, spec.choices);
        throw new UsageError(
          `${where}: ${JSON.stringify(raw)} is not one of ${spec.choices.join(", ")}${
            hint ? ` (did you mean ${hint}?)` : ""
          }`,
        );
      }
      value = raw;
      break;
    case "int-list":
    case "number-list": {
      const integer = spec.kind === "int-list";
      if (Array.isArray(raw)) {
        value = raw.every((v) =>
            typeof v === "number" && Number.isFinite(v) && (!integer || Number.isSafeInteger(v))
          )
          ? [...raw]
          : undefined;
      } else if (typeof raw === "string") value = parseList(raw, integer);
      else if (typeof raw === "number") value = parseList(String(raw), integer);
      if (value === undefined || (value as number[]).length === 0) throw bad();
      break;
    }
  }
  checkRange(spec, value, where);
  return value;
}

function checkRange(spec: OptionSpec<unknown>, value: unknown, where: string): void {
  const values = Array.isArray(value) ? value as number[] : typeof value === "number" ? [value] : [];
  for (const v of values) {
    if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min)) {
      throw new UsageError(
        `${where}: ${v} is out of range, it must be ${spec.exclusiveMin ? ">" : "≥"} ${spec.min}`,
      );
    }
    if (spec.max !== undefined && v > spec.max) {
      throw new UsageError(`${where}: ${v} is out of range, it must be ≤ ${spec.max}`);
    }
  }
}

/** Result of {@link parseOptions}: typed values and where each came from. */
export interface Parsed<S extends Schema> {
  values: Values<S>;
  sources: Record<keyof S, Source>;
}

/**
 * Parses `argv` against `schema`, on top of an optional config object (already read from JSON).
 * Unknown flags, malformed or out-of-range values, and unknown config keys throw a UsageError
 * that names the flag or key and suggests the nearest valid one.
 */
export function parseOptions<S extends Schema>(
  schema: S,
  argv: readonly string[],
  config: Record<string, unknown> = {},
  configName = "config",
): Parsed<S> {
  const keys = Object.keys(schema);
  const flags = keys.map(flagName);
  const parseSpec: Record<string, { type: "string" | "boolean" }> = {};
  for (const k of keys) {
    parseSpec[flagName(k)] = { type: schema[k].kind === "boolean" ? "boolean" : "string" };
  }
  let parsed: { values: Record<string, unknown> };
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, parseSpec),
      options: parseSpec,
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw translateParseError(e as Error, flags);
  }

  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  for (const k of keys) {
    values[k] = schema[k].default;
    sources[k] = "default";
  }
  for (const [name, raw] of Object.entries(config)) {
    const k = keyName(name);
    if (!(k in schema) || schema[k].cliOnly || flagName(k) !== name) {
      const valid = flags.filter((f) => !schema[keyName(f)].cliOnly);
      const hint = closest(name, valid);
      throw new UsageError(`${configName}: unknown key "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
    }
    values[k] = coerce(schema[k], raw, `${configName}: key "${name}"`);
    sources[k] = "config";
  }
  for (const [flag, raw] of Object.entries(parsed.values)) {
    const k = keyName(flag);
    values[k] = coerce(schema[k], raw, `--${flag}`);
    sources[k] = "flag";
  }
  return { values: values as Values<S>, sources: sources as Record<keyof S, Source> };
}

/** `--lr -1` → `--lr=-1`, so that a negative number is read as the value, not as a flag. */
function joinNegativeValues(argv: readonly string[], spec: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = /^--([^=]+)$/.exec(argv[i]);
    const next = argv[i + 1];
    if (flag && spec[flag[1]]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

function translateParseError(e: Error, flags: string[]): UsageError {
  const msg = e.message;
  const unknown = /Unknown option '(-{1,2}[^']*)'/.exec(msg);
  if (unknown) {
    const name = unknown[1].replace(/^-+/, "").split("=")[0];
    const hint = closest(name, flags);
    return new UsageError(
      `unknown flag ${unknown[1]}${hint ? ` (did you mean --${hint}?)` : ""}; see --help`,
    );
  }
  const missing = /Option '(?:-\w, )?(--[^ ]+) <value>' argument missing/.exec(msg);
  if (missing) return new UsageError(`${missing[1]} needs a value; see --help`);
  const positional = /Unexpected argument '([^']*)'/.exec(msg);
  if (positional) {
    return new UsageError(
      `unexpected argument ${JSON.stringify(positional[1])}; flags start with --, see --help`,
    );
  }
  const boolValue = /Option '(--[^ ]+)' does not take an argument/.exec(msg);
  if (boolValue) return new UsageError(`${boolValue[1]} is a switch and takes no value; see --help`);
  return new UsageError(msg.split("\n")[0]);
}

/** Formats a default for `--help`. */
function showDefault(value: unknown): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/** Help text for a schema: flags grouped, each with its placeholder, default and description. */
export function formatHelp(schema: Schema): string {
  const groups = new Map<string, string[][]>();
  for (const [k, spec] of Object.entries(schema)) {
    const placeholder = spec.kind === "boolean"
      ? ""
      : ` <${
        spec.placeholder ?? (spec.choices
          ? spec.choices.join("|")
          : spec.kind === "int"
          ? "n"
          : spec.kind === "number"
          ? "x"
          : spec.kind.endsWith("list")
          ? "list"
          : "value")
      }>`;
    const def = showDefault(spec.default);
    const row = [
      `--${flagName(k)}${placeholder}`,
      spec.description + (def !== "" ? ` (default: ${def})` : ""),
    ];
    const g = spec.group ?? "Options";
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(row);
  }
  const width = Math.min(
    34,
    Math.max(...[...groups.values()].flat().map((r) => r[0].length)) + 2,
  );
  const lines: string[] = [];
  for (const [g, rows] of groups) {
    lines.push(`${g}:`);
    for (const [flag, text] of rows) {
      lines.push(
        flag.length + 2 > width
          ? `  ${flag}\n  ${" ".repeat(width)}${text}`
          : `  ${flag.padEnd(width)}${text}`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
