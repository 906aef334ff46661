/**
 * Crash faults: the faulty nodes stop answering, so their symbols are erasures (known missing).
 * Each erasure costs the decoder one symbol of redundancy; a stage with fewer than Q + 1 symbols
 * left cannot be checked and is reported uncorrectable.
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";
import type { AttackDraws, StageAttack, StageSymbols } from "./stage-attack.ts";

/** The crash attack; see the module documentation. */
export function crashAttack(): StageAttack {
  return {
    name: "crash",
    label: "crash: the faulty nodes do not answer (erasures)",
    params: {},
    undetectable: false,
    prepare(generator: Matrix, t: number): string | null {
      return t <= generator.rows ? null : `${t} crashed nodes of ${generator.rows}`;
    },
    inject(target: StageSymbols, t: number, draws: AttackDraws): number[] {
      const faulty = draws.nodes.sample(target.generator.rows, t);
      faulty.forEach((p, k) => {
        if (draws.active(k)) target.erase(p);
      });
      return faulty;
    },
  };
}
