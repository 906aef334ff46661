/**
 * Expected time per useful iteration with checkpointing and roll-back, in closed form, for the
 * fault exposure of a strategy (fault-exposure.ts) at a per-node fault rate p.
 *
 * Per stage read (forward or backward products of one layer): a node whose window holds d draws
 * has a pending fault with probability `1 − (1−p)^d`; symbol s (nodes N_s) is corrupted with
 * probability `a_s = 1 − (1−p)^(Σ_{n∈N_s} d_n)`; a decoding group g with bound t_g fails when
 * more than t_g of its symbols are corrupted (Poisson-binomial tail), and the read fails when any
 * group does: `f = 1 − Π_g P(N_g ≤ t_g)`. Windows are disjoint sets of draws, so reads are
 * independent. With L layers, the steady-state per-iteration probability of an uncorrectable
 * event is
 *
 *     q = 1 − s,   s = [(1 − f_F)(1 − f_B)]^L
 *
 * A segment starts from a verified state (checkpoint or roll-back): no fault is pending, so the
 * forward reads of its first iteration find nothing and its backward reads see only the draws of
 * that iteration (`s_1`); after the k-th iteration a verification pass reads every block once
 * more (`s_V`: the draws the last iteration left pending). An uncorrectable event aborts the
 * attempt at the end of its iteration (every iteration run costs T), costs R to roll back, and
 * the segment restarts. The checkpoint (verification and save) costs C whenever it is reached.
 * With `reach(1) = 1`, `reach(j) = s_1·s^(j−2)` (j ≥ 2):
 *
 *     I   = Σ_{j=1..k} reach(j) = 1 + s_1·(1 − s^(k−1))/(1 − s)   iterations run per attempt
 *     P_V = s_1·s^(k−1)                                             attempt reaches the checkpoint
 *     S   = P_V·s_V                                                 attempt succeeds
 *     E[segment] = (T·I + C·P_V + R·(1 − S)) / S
 *     E[time per useful iteration] = E[segment] / k
 *
 * For small q this is ≈ T + C/k + q·T·(k+1)/2 + q·R, minimised near Young's interval
 * `k ≈ √(2·C/(q·T))` (√(2·C·MTBF) with MTBF = T/q), the reference {@link youngDalyInterval}.
 *
 * Approximations (the model is exactly what checkpoint-simulation.ts simulates): detection at
 * the end of the iteration in which a read fails (not mid-iteration); only stored-block faults;
 * a fault always changes its symbol (the authors' 0.5 % of a block's entries do); the decoder
 * corrects up to its stated bound and detects anything beyond (probabilistic model: w.p. 1);
 * a found fault is rebuilt at once, from clean peers (a second pending fault among them would make
 * the same read fail); verification passes are
 * fault-free (the authors'); uncoded nodes are never checked, so their faults never roll back
 * and are counted as silent.
 *
 * The node program differs in ways that add roll-backs: it rebuilds found blocks at the vote at the
 * end of the iteration, so a peer struck after its own read in that iteration (after the backward
 * product or the update) spoils a rebuild's cross-check, and a block found by the forward read is
 * still corrupted when the backward read of the same iteration reads it. `simulateCheckpointing`
 * with `semantics: "program"` simulates that; for the paper's grid at p = 3e-4 it rolls back about
 * 4× as often as this closed form, at p = 1e-3 about 4–8× (the measured runs agree with it better).
 *
 * @example
 * ```ts
 * import { gridCode } from "../codes/grid.ts";
 * import { codedExposure } from "./fault-exposure.ts";
 * import { expectedTime } from "./checkpoint-model.ts";
 * const grid = codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3);
 * const e = expectedTime(grid, 3e-4, 100, { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 });
 * e.secondsPerUsefulIteration; // ≈ 1.03
 * ```
 *
 * @module
 */

import { drawsPerIteration, type FaultExposure, type ReadStage } from "./fault-exposure.ts";

/** Costs of the checkpointing model, in seconds (or any one time unit). */
export interface CheckpointCosts {
  /** Time T of one training iteration. */
  readonly iterationSeconds: number;
  /** Time C of one checkpoint (verification pass and save). */
  readonly checkpointSeconds: number;
  /** Time R of one roll-back (restore the last checkpoint). */
  readonly rollbackSeconds: number;
}

/** Per-iteration probabilities of an uncorrectable event. */
export interface IterationFailure {
  /** Steady state: q = 1 − s. */
  readonly steady: number;
  /** First iteration after a verified state (1 − s_1). */
  readonly first: number;
  /** The verification pass after the k-th iteration (1 − s_V). */
  readonly verification: number;
  /** Draws per iteration on blocks no stage checks (uncoded: all): their faults are silent. */
  readonly uncheckedDraws: number;
  /** Expected silent faults per iteration run (p × uncheckedDraws). */
  readonly silentFaultsPerIteration: number;
  /** Expected faults per iteration run, found or not (p × all draws). */
  readonly faultsPerIteration: number;
}

/** The model's prediction for one strategy, fault rate, interval and costs. */
export interface ExpectedTime {
  /** Checkpoint interval k (iterations). */
  readonly interval: number;
  /** Per-iteration failure probabilities. */
  readonly failure: IterationFailure;
  /** Probability that an attempt at a segment of k iterations succeeds (S). */
  readonly segmentSuccess: number;
  /** Expected time per useful iteration, E[segment]/k (Infinity when S underflows). */
  readonly secondsPerUsefulIteration: number;
  /** Expected roll-backs per useful iteration ((1 − S)/(S·k)). */
  readonly rollbacksPerUsefulIteration: number;
  /** Expected iterations run (useful or re-run) per useful iteration (I/(S·k)). */
  readonly iterationsPerUsefulIteration: number;
}

/** Where a read takes place in a segment (which draws its windows hold). */
type ReadKind = "steady" | "first" | "verification";

/**
 * Draws in node n's window for a read of `stage` of kind `kind` (see the module documentation and
 * fault-exposure.ts).
 */
function windowDraws(e: FaultExposure, n: number, stage: "forward" | "backward", kind: ReadKind): number {
  const f = e.forwardActive[n];
  const b = e.backwardActive[n];
  if (stage === "forward") {
    if (!f) return 0;
    return kind === "first" ? 0 : 2; // after backward (or forward) and after update, last iteration
  }
  if (!b) return 0;
  if (f) return kind === "verification" ? 0 : 1; // the draw after this iteration's forward product
  return kind === "first" ? 0 : 2; // after backward and after update, last iteration
}

/** P(more than t of independent events with probabilities `a` happen): Poisson-binomial tail. */
export function tailProbability(a: readonly number[], t: number): number {
  if (t >= a.length) return 0;
  // dist[j] = P(exactly j so far) for j ≤ t; `over` = P(more than t so far).
  const dist = new Float64Array(t + 1);
  dist[0] = 1;
  let over = 0;
  for (const x of a) {
    over += dist[t] * x;
    for (let j = t; j >= 1; j--) dist[j] = dist[j] * (1 - x) + dist[j - 1] * x;
    dist[0] *= 1 - x;
  }
  return Math.min(1, Math.max(0, over));
}

/** Probability that one read of `read` fails, each node's window holding `draws(n)` draws. */
function readFailure(read: ReadStage, logClean: number, draws: (n: number) => number): number {
  const a = read.symbols.map((nodes) => {
    let d = 0;
    for (const n of nodes) d += draws(n);
    return -Math.expm1(d * logClean);
  });
  let logOk = 0;
  for (const g of read.groups) {
    logOk += Math.log1p(-tailProbability(g.symbols.map((s) => a[s]), g.correctable));
  }
  return complement(logOk);
}

/** 1 − exp(logOk), accurate near 0 (and +0, never −0). */
function complement(logOk: number): number {
  return -Math.expm1(logOk) || 0;
}

function checkRate(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`fault rate ${p} outside [0, 1]`);
}

/** Per-iteration failure probabilities of `e` at per-node fault rate `p`. */
export function iterationFailure(e: FaultExposure, p: number): IterationFailure {
  checkRate(p);
  const logClean = Math.log1p(-p);
  const fail = (stage: "forward" | "backward", kind: ReadKind): number => {
    const read = e[stage];
    return read === undefined ? 0 : readFailure(read, logClean, (n) => windowDraws(e, n, stage, kind));
  };
  // Probability that all L layers' reads of this kind pass, as 1 − that.
  const perIteration = (kind: ReadKind, stages: ("forward" | "backward")[]): number => {
    let logOk = 0;
    for (const s of stages) logOk += Math.log1p(-fail(s, kind));
    return complement(e.layers * logOk);
  };
  let unchecked = 0;
  for (let n = 0; n < e.nodes; n++) {
    const f = e.forwardActive[n];
    const b = e.backwardActive[n];
    const checked = (f && e.forward !== undefined) || (b && e.backward !== undefined);
    if (!checked) unchecked += (f ? 1 : 0) + (b ? 1 : 0) + 1;
  }
  unchecked *= e.layers;
  return {
    steady: perIteration("steady", ["forward", "backward"]),
    first: perIteration("first", ["backward"]),
    verification: perIteration("verification", ["forward", "backward"]),
    uncheckedDraws: unchecked,
    silentFaultsPerIteration: p * unchecked,
    faultsPerIteration: p * drawsPerIteration(e),
  };
}

function checkCosts(c: CheckpointCosts): void {
  for (const [name, v] of Object.entries(c)) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${v}`);
    }
  }
}

/** The closed form of the module documentation for interval `k` (≥ 1) and the given failures. */
export function segmentModel(failure: IterationFailure, k: number, costs: CheckpointCosts): ExpectedTime {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`checkpoint interval ${k}: need an integer ≥ 1`);
  checkCosts(costs);
  const s = 1 - failure.steady;
  const s1 = 1 - failure.first;
  const sV = 1 - failure.verification;
  const q = failure.steady;
  // Σ_{j=0}^{k−2} s^j, computed stably for s near 1.
  const geometric = k === 1 ? 0 : q === 0 ? k - 1 : -Math.expm1((k - 1) * Math.log1p(-q)) / q;
  const iterations = 1 + s1 * geometric;
  const reachCheckpoint = s1 * Math.pow(s, k - 1);
  const success = reachCheckpoint * sV;
  const { iterationSeconds: T, checkpointSeconds: C, rollbackSeconds: R } = costs;
  const segment = (T * iterations + C * reachCheckpoint + R * (1 - success)) / success;
  return {
    interval: k,
    failure,
    segmentSuccess: success,
    secondsPerUsefulIteration: segment / k,
    rollbacksPerUsefulIteration: (1 - success) / (success * k),
    iterationsPerUsefulIteration: iterations / (success * k),
  };
}

/** Expected time per useful iteration of `e` at fault rate `p`, interval `k` and `costs`. */
export function expectedTime(e: FaultExposure, p: number, k: number, costs: CheckpointCosts): ExpectedTime {
  return segmentModel(iterationFailure(e, p), k, costs);
}

/**
 * Young's interval (the Young/Daly first-order optimum) in iterations: √(2·C·MTBF)/T with
 * MTBF = T/q, i.e. √(2·C/(q·T)). Infinity when q = 0.
 */
export function youngDalyInterval(q: number, costs: CheckpointCosts): number {
  return q > 0 ? Math.sqrt((2 * costs.checkpointSeconds) / (q * costs.iterationSeconds)) : Infinity;
}

/**
 * The interval k in 1..kMax that minimises the expected time per useful iteration (integer
 * ternary search: the cost is unimodal in k, falling as C/k and rising as the re-run work grows),
 * and the prediction there. With q = 0 the cost falls all the way: k = kMax.
 */
export function optimalInterval(
  failure: IterationFailure,
  costs: CheckpointCosts,
  kMax = 1_000_000,
): ExpectedTime {
  const cost = (k: number) => segmentModel(failure, k, costs).secondsPerUsefulIteration;
  let lo = 1;
  let hi = kMax;
  while (hi - lo > 2) {
    const m1 = lo + Math.floor((hi - lo) / 3);
    const m2 = hi - Math.floor((hi - lo) / 3);
    // Infinity (underflowed success) only occurs on the rising side.
    if (cost(m1) <= cost(m2)) hi = m2;
    else lo = m1;
  }
  let best = lo;
  for (let k = lo + 1; k <= hi; k++) if (cost(k) < cost(best)) best = k;
  return segmentModel(failure, best, costs);
}
