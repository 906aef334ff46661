/**
 * Colluding nodes: t faulty symbols coordinate their errors to defeat the decoder. They take a
 * codeword `c` whose support S is the smallest with more than t symbols (P − Q + 1 or t + 1 for an
 * MDS code) and add `c_p · v` on t symbols T ⊂ S. The received word is then at distance t from the
 * sent codeword but only |S| − t from the codeword of the message `m + u·v`: once t exceeds the
 * adversarial bound ⌊(P − Q)/2⌋ (|S| − t < t), a nearest-codeword decoder "corrects" the innocent
 * symbols S ∖ T and accepts a wrong result. Within the bound the decoder must win.
 *
 * @example
 * ```ts
 * import { colludingAttack } from "./colluding.ts";
 * const attack = colludingAttack({ density: 0.005 }); // --model colluding
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { addCodewordError, colludingCodewords } from "./codewords.ts";
import { type CodewordAttackParams, CodewordPools, errorPattern } from "./in-span.ts";
import { entriesLabel } from "./model.ts";
import type { AttackDraws, StageAttack, StageSymbols } from "./stage-attack.ts";

const POOL = 32;

/** The colluding attack; see the module documentation. */
export function colludingAttack(params: CodewordAttackParams = {}): StageAttack {
  const pools = new CodewordPools();
  const amplitude = params.amplitude ?? 5;
  return {
    name: "colluding",
    label: `colluding: t symbols of a short codeword, U(−${amplitude}, ${amplitude}) on ${
      entriesLabel(params.density)
    }`,
    params: { ...(params.density === undefined ? {} : { density: params.density }), amplitude },
    undetectable: false,
    prepare(generator: Matrix, t: number, rng: Rng): string | null {
      if (t === 0) return null;
      const pool = colludingCodewords(generator, t, POOL, rng);
      pools.set(generator, t, pool);
      return pool.length > 0 ? null : `no codeword has more than ${t} nonzero symbols`;
    },
    inject(target: StageSymbols, t: number, draws: AttackDraws): number[] {
      if (t === 0) return [];
      const c = pools.pick(target.generator, t, draws.nodes);
      const faulty = draws.nodes.sample(c.support.length, t).map((i) => c.support[i]);
      if (draws.active(0)) {
        const { entries, values } = errorPattern(target.length, params, draws.values(0));
        addCodewordError(target, c, faulty, entries, values);
      }
      return faulty;
    },
  };
}
