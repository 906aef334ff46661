/**
 * Stage attacks: faults on the P coded symbols of one stage, as the standalone attack target
 * injects them. An attack picks its t faulty symbols and corrupts them through a
 * {@link StageSymbols} view (which copies a symbol before its first write, so that clean data are
 * shared between trials, and reports every changed entry). Its random choices come from
 * {@link AttackDraws}, whose streams the campaign's schedule controls: the same streams give the
 * same faulty symbols and the same corruption.
 *
 * - {@link symbolAttack}: each faulty symbol corrupted independently by a {@link FaultModel}
 *   (additive, bit flips, stuck-at, replacement, multiplicative, mercurial);
 * - `crashAttack` (crash.ts): the faulty nodes do not answer (erasures);
 * - `inSpanAttack` (in-span.ts): the error is a codeword, undetectable by construction;
 * - `colludingAttack` (colluding.ts): t symbols with errors that make the received word closer
 *   to another codeword than to the sent one.
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";
import { MercurialModel } from "./mercurial.ts";
import type { ChangeSink, FaultModel, ModelParam } from "./model.ts";

/** The received symbols of one trial, as an attack may change them. */
export interface StageSymbols {
  /** The stage's P × Q generator. */
  readonly generator: Matrix;
  /** Entries per symbol. */
  readonly length: number;
  /** Symbol p, writable (a private copy of the clean symbol on first use in a trial). */
  writable(p: number): Float;
  /** Marks symbol p as erased (its node did not answer). */
  erase(p: number): void;
  /** Where the entries changed in symbol p are reported. */
  sink(p: number): ChangeSink;
}

/** The random streams of one trial's attack (see the campaign's schedules). */
export interface AttackDraws {
  /** Which symbols are faulty, and the attack's plan (codeword, decoys). */
  readonly nodes: Rng;
  /** The corruption of the k-th faulty symbol (k = 0 for attacks that corrupt jointly). */
  values(k: number): Rng;
  /** Whether the k-th faulty symbol misbehaves in this trial (k = 0 for joint attacks). */
  active(k: number): boolean;
}

/** A fault on a stage's symbols; see the module documentation. */
export interface StageAttack {
  /** The `--model` name. */
  readonly name: string;
  /** Name with parameters, for tables. */
  readonly label: string;
  /** Parameters, for result files. */
  readonly params: Readonly<Record<string, ModelParam>>;
  /** A wrong accepted result is the expected outcome, by construction (in-span errors). */
  readonly undetectable: boolean;
  /**
   * Set for mercurial nodes: the faulty symbols stay the same across a sequence of trials, and
   * each misbehaves in a trial with this probability (fresh corruption each time).
   */
  readonly strikeProbability?: number;
  /**
   * Prepares attacks with `t` faulty symbols on `generator` (e.g. finds codewords, seeded by
   * `rng`); returns why that is impossible, or null.
   */
  prepare(generator: Matrix, t: number, rng: Rng): string | null;
  /** Injects `t` faults (after `prepare`); returns the faulty symbols, increasing. */
  inject(target: StageSymbols, t: number, draws: AttackDraws): number[];
}

/** Every faulty symbol corrupted on its own by `model` (mercurial models strike per trial). */
export function symbolAttack(model: FaultModel): StageAttack {
  const mercurial = model instanceof MercurialModel ? model : undefined;
  const corruption = mercurial?.inner ?? model;
  return {
    name: model.name,
    label: model.label,
    params: model.params,
    undetectable: false,
    strikeProbability: mercurial?.probability,
    prepare(generator: Matrix, t: number): string | null {
      return t <= generator.rows ? null : `${t} faulty symbols of ${generator.rows}`;
    },
    inject(target: StageSymbols, t: number, draws: AttackDraws): number[] {
      const faulty = draws.nodes.sample(target.generator.rows, t);
      faulty.forEach((p, k) => {
        if (draws.active(k)) corruption.corrupt(target.writable(p), draws.values(k), target.sink(p));
      });
      return faulty;
    },
  };
}
