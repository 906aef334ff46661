/**
 * `config.json`: the final resolved configuration of a run, keyed by flag name (`fault-rate`),
 * so that `--config <run>/config.json` repeats the run. Command-line-only options (`--config`,
 * `--progress`, …), unset values and the keys given in `omit` are left out.
 *
 * @module
 */

import { flagName, type Schema, type Values } from "../config/options.ts";

/** The config-file object of `values` under `schema`. */
export function configFileObject<S extends Schema>(
  schema: S,
  values: Values<S>,
  omit: readonly (keyof S)[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    const value = (values as Record<string, unknown>)[key];
    if (schema[key].cliOnly || value === undefined || omit.includes(key)) continue;
    out[flagName(key)] = value;
  }
  return out;
}
