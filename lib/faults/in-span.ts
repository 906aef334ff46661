/**
 * In-span errors: the t faulty symbols receive `c_p · v` where `c` is a codeword of the stage's code
 * supported on exactly those t symbols. The received word is then another codeword, that of the
 * message `m + u·v`, so no decoder can see the error: it is undetectable by construction (up to
 * the rounding of the corrupted symbols), and the campaign reports it as such, not as a decoder
 * failure. An MDS (P, Q) code needs t ≥ P − Q + 1 for such an error; smaller t are infeasible.
 *
 * `v` is U(−amplitude, amplitude) on `density` of the entries (the authors' additive pattern).
 *
 * @example
 * ```ts
 * import { inSpanAttack } from "./in-span.ts";
 * const attack = inSpanAttack({ density: 0.005 });
 * attack.undetectable; // true
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { addCodewordError, type Codeword, codewordsWithSupport, colludingCodewords } from "./codewords.ts";
import { entriesLabel, pickEntries } from "./model.ts";
import type { AttackDraws, StageAttack, StageSymbols } from "./stage-attack.ts";

/** Parameters of the codeword-based attacks (in-span, colluding). */
export interface CodewordAttackParams {
  /** Fraction of the entries in the error pattern v (default: one entry). */
  readonly density?: number;
  /** Half-width of v's uniform values (default 5). */
  readonly amplitude?: number;
}

/** Codewords found per (generator, t): each trial picks one at random. */
const POOL = 32;

/** Draws the shared error pattern v: entries and values. */
export function errorPattern(
  length: number,
  params: CodewordAttackParams,
  rng: Rng,
): { entries: number[]; values: number[] } {
  const amplitude = params.amplitude ?? 5;
  const entries = pickEntries(length, params.density, rng);
  return { entries, values: entries.map(() => rng.uniform(-amplitude, amplitude)) };
}

/** Pools of codewords per generator and t, filled by `prepare`. */
export class CodewordPools {
  readonly #pools = new WeakMap<Matrix, Map<number, Codeword[]>>();

  /** Stores the pool of (g, t). */
  set(g: Matrix, t: number, pool: Codeword[]): void {
    let byT = this.#pools.get(g);
    if (!byT) this.#pools.set(g, byT = new Map());
    byT.set(t, pool);
  }

  /** A random codeword of the pool of (g, t); throws if `prepare` did not fill it. */
  pick(g: Matrix, t: number, rng: Rng): Codeword {
    const pool = this.#pools.get(g)?.get(t);
    if (!pool || pool.length === 0) throw new Error(`no codewords prepared for t = ${t}`);
    return pool[rng.int(pool.length)];
  }
}

/** The in-span attack; see the module documentation. */
export function inSpanAttack(params: CodewordAttackParams = {}): StageAttack {
  const pools = new CodewordPools();
  return {
    name: "in-span",
    label: `in-span: a codeword on the t faulty symbols, U(−${params.amplitude ?? 5}, ${
      params.amplitude ?? 5
    }) on ${entriesLabel(params.density)}`,
    params: {
      ...(params.density === undefined ? {} : { density: params.density }),
      amplitude: params.amplitude ?? 5,
    },
    undetectable: true,
    prepare(generator: Matrix, t: number, rng: Rng): string | null {
      if (t === 0) return null;
      const pool = codewordsWithSupport(generator, t, POOL, rng);
      pools.set(generator, t, pool);
      if (pool.length > 0) return null;
      const lightest = colludingCodewords(generator, 0, 1, rng)[0]?.support.length;
      return `no codeword has exactly ${t} nonzero symbol${t === 1 ? "" : "s"}` +
        (lightest === undefined
          ? ""
          : ` (the lightest found has ${lightest}; an MDS code's have ≥ P − Q + 1)`);
    },
    inject(target: StageSymbols, t: number, draws: AttackDraws): number[] {
      if (t === 0) return [];
      const c = pools.pick(target.generator, t, draws.nodes);
      if (draws.active(0)) {
        const { entries, values } = errorPattern(target.length, params, draws.values(0));
        addCodewordError(target, c, c.support, entries, values);
      }
      return [...c.support];
    },
  };
}
