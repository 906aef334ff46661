/**
 * MPI collectives benchmark, one process per rank under `mpirun` (not a section of bench/main.ts,
 * which runs in one process):
 *
 *     mpirun --oversubscribe --allow-run-as-root --bind-to none -n 4 deno run --allow-ffi bench/mpi.ts
 *
 * Every rank first checks the sums of the transport's exchange against their closed form, then
 * times, with the same iteration counts on every rank: barrier, in-place all-reduce of the
 * exchange sizes (the paper's forward stage: 7 groups × 2,000 entries; backward: 6 × 2,500) in
 * float32 and float64, a 1M-float all-reduce, and the bit-reproducible alternative to the
 * all-reduce (all-gather every rank's partial, then sum each group in contributor order, as the
 * shared-memory exchange does). A time is the slowest rank's, best of several rounds; bandwidth
 * is the reduced buffer's size over that time. Rank 0 prints the table.
 *
 * @module
 */

import { Mpi } from "../lib/cluster/mpi/mod.ts";
import { tableHeader, tableLine } from "./harness.ts";

const ROUNDS = 5;
const ROUND_SECONDS = 0.15;

const mpi = Mpi.init();
const { world } = mpi;
const { rank, size } = world;

/** Seconds per call of `fn` on the slowest rank: best of {@link ROUNDS} rounds of an agreed count. */
function timeCollective(fn: () => void): number {
  fn();
  world.barrier();
  const probe = mpi.wtime();
  fn();
  const once = Float64Array.of(mpi.wtime() - probe);
  world.allreduceInPlace(once, "max");
  const calls = Math.max(1, Math.min(10_000, Math.round(ROUND_SECONDS / Math.max(once[0], 1e-7))));
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    world.barrier();
    const start = mpi.wtime();
    for (let i = 0; i < calls; i++) fn();
    const t = Float64Array.of((mpi.wtime() - start) / calls);
    world.allreduceInPlace(t, "max");
    best = Math.min(best, t[0]);
  }
  return best;
}

/** The exchange of G groups × L entries: rank p contributes (p + 1) + i/L to group p mod G. */
function fillPartial(buffer: Float32Array | Float64Array, groups: number, length: number): void {
  buffer.fill(0);
  const g = rank % groups;
  for (let i = 0; i < length; i++) buffer[g * length + i] = rank + 1 + i / length;
}

/** Throws unless `sums` holds, for every group g, Σ over its ranks p of (p + 1) + i/L. */
function checkSums(sums: Float32Array | Float64Array, groups: number, length: number): void {
  for (let g = 0; g < groups; g++) {
    let members = 0, base = 0;
    for (let p = g; p < size; p += groups) (members++, base += p + 1);
    for (let i = 0; i < length; i += 97) {
      const expected = base + members * (i / length);
      const got = sums[g * length + i];
      if (Math.abs(got - expected) > 1e-5 * Math.max(1, Math.abs(expected))) {
        throw new Error(`rank ${rank}: group ${g} entry ${i} is ${got}, expected ${expected}`);
      }
    }
  }
}

const rows: { name: string; value: number; unit: string }[] = [];
const report = (name: string, seconds: number, bytes?: number) => {
  rows.push({ name, value: seconds * 1e6, unit: "µs" });
  if (bytes !== undefined) {
    rows.push({ name: `${name} bandwidth`, value: bytes / seconds / 1e6, unit: "MB/s" });
  }
};

report(`barrier P=${size}`, timeCollective(() => world.barrier()));
const one = new Float64Array(1);
report(`allreduce 1 float64 P=${size}`, timeCollective(() => world.allreduceInPlace(one)));

for (const [groups, length] of [[7, 2000], [6, 2500]]) {
  for (const Type of [Float32Array, Float64Array]) {
    const buffer = new Type(groups * length);
    fillPartial(buffer, groups, length);
    world.allreduceInPlace(buffer);
    checkSums(buffer, groups, length);
    const label = `${groups}×${length} ${Type === Float32Array ? "float32" : "float64"}`;
    report(
      `allreduce ${label} P=${size}`,
      timeCollective(() => world.allreduceInPlace(buffer)),
      buffer.byteLength,
    );
  }
}

{
  const groups = 7, length = 2000;
  const partial = new Float32Array(length);
  const all = new Float32Array(size * length);
  const sums = new Float32Array(groups * length);
  const gatherThenSum = () => {
    for (let i = 0; i < length; i++) partial[i] = rank + 1 + i / length;
    world.allgather(partial, all);
    sums.fill(0);
    for (let p = 0; p < size; p++) {
      const g = p % groups;
      for (let i = 0; i < length; i++) sums[g * length + i] += all[p * length + i];
    }
  };
  gatherThenSum();
  checkSums(sums, groups, length);
  report(`allgather+sum 7×2000 float32 P=${size}`, timeCollective(gatherThenSum), sums.byteLength);
}

const big = new Float32Array(1 << 20);
big.fill(1);
world.allreduceInPlace(big);
if (big[0] !== size || big[big.length - 1] !== size) throw new Error(`rank ${rank}: 1M all-reduce is wrong`);
report(`allreduce 1M float32 P=${size}`, timeCollective(() => world.allreduceInPlace(big)), big.byteLength);

if (rank === 0) {
  console.log(
    `MPI collectives · ${mpi.libraryVersion().split(",")[0]} · ${size} ranks · Deno ${Deno.version.deno}`,
  );
  console.log("sums checked on every rank; time = slowest rank, best of 5 rounds (noisy shared machine)");
  console.log(tableHeader());
  for (const row of rows) console.log(tableLine(row));
}
mpi.finalize();
