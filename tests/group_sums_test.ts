/**
 * The exchange's group sums in WebAssembly (`WasmGroupSums`) against the reference `sumGroups`
 * (lib/cluster/group-sums.ts), bit for bit: float32 and float64, lengths across the kernel's
 * four-vector, one-vector and element steps, empty and one-member groups, shares [start, end) of a
 * reduce-scatter, sums into the exchange memory, and NaN, ±∞, −0 and magnitudes whose sums depend on
 * the order of the additions. Operands it cannot reach leave the reference to the caller.
 */

import { groupSumsModule, sumGroups, WasmGroupSums } from "../lib/cluster/group-sums.ts";
import { Rng } from "../lib/random/rng.ts";
import type { DType, Float } from "../lib/tensor/matrix.ts";
import { Arena, createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { assert, assertSameBits } from "./assert.ts";

const NODES = 9;
const GROUPS = 4;
const MAX_LENGTH = 70;
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0];

/** Kernel and reference over fresh memories: the slots of the exchange memory, one per node. */
async function setUp(dtype: DType) {
  const arena = new Arena(createSharedMemory());
  const exchange = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const bytes = dtype === "float32" ? 4 : 8;
  const view = (at: number, length: number): Float =>
    dtype === "float32"
      ? new Float32Array(exchange.buffer, at, length)
      : new Float64Array(exchange.buffer, at, length);
  const slots = Array.from({ length: NODES }, (_, p) => view(p * MAX_LENGTH * bytes, MAX_LENGTH));
  const shared = view(NODES * MAX_LENGTH * bytes, GROUPS * MAX_LENGTH);
  const kernel = new WasmGroupSums(await groupSumsModule(), arena, exchange, dtype, GROUPS + NODES);
  return { arena, slots, shared, kernel };
}

/** Partials spanning many magnitudes (so that sums depend on their order), some special. */
function fill(slots: readonly Float[], rng: Rng, specials: boolean): void {
  for (const slot of slots) {
    for (let i = 0; i < slot.length; i++) {
      slot[i] = rng.uniform(-1, 1) * 10 ** rng.int(9);
      if (specials && rng.bernoulli(0.05)) slot[i] = SPECIALS[rng.int(SPECIALS.length)];
    }
  }
}

/** Each node contributes to one random group or none, in random order; some groups stay empty. */
function randomContributors(rng: Rng): number[][] {
  const groups: number[][] = Array.from({ length: GROUPS }, () => []);
  const order = Array.from({ length: NODES }, (_, p) => p);
  rng.shuffle(order);
  for (const p of order) if (!rng.bernoulli(0.2)) groups[rng.int(GROUPS - 1)].push(p);
  return groups;
}

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`group sums (${dtype}): the kernel equals the reference bit for bit`, async () => {
    const { arena, slots, shared, kernel } = await setUp(dtype);
    const rng = Rng.named(5, `group-sums-${dtype}`);
    const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 70];
    for (const length of lengths) {
      for (const specials of [false, true]) {
        fill(slots, rng, specials);
        const contributors = randomContributors(rng);
        const start = length === 0 ? 0 : rng.int(length);
        const end = start + rng.int(length - start + 1);
        for (const target of ["kernel memory", "exchange memory"]) {
          const what = `${dtype} length ${length} [${start}, ${end}) into the ${target}`;
          const out = target === "kernel memory" ? arena.vector(GROUPS * length, dtype) : shared;
          const want = (dtype === "float32" ? Float32Array : Float64Array).from(out);
          for (let i = 0; i < out.length; i++) out[i] = want[i] = rng.uniform(-1, 1);
          sumGroups(contributors, slots, want, start, end, length);
          assert.ok(kernel.sum(contributors, slots, out, start, end, length), `${what}: the kernel ran`);
          assertSameBits(out, want, what);
        }
      }
    }
  });
}

Deno.test("group sums: the test data's sums depend on the order of the additions", async () => {
  const { slots } = await setUp("float32");
  fill(slots, Rng.named(5, "group-sums-order"), false);
  const forward = new Float32Array(64);
  const backward = new Float32Array(64);
  const members = Array.from({ length: NODES }, (_, p) => p);
  sumGroups([members], slots, forward, 0, 64, 64);
  sumGroups([members.toReversed()], slots, backward, 0, 64, 64);
  assert.ok(forward.some((x, i) => !Object.is(x, backward[i])), "reversing the order changed no sum");
});

Deno.test("group sums: operands the kernel cannot reach are left to the reference", async () => {
  const { slots, kernel } = await setUp("float32");
  const contributors = [[0, 1], [2]];
  assert.equal(
    kernel.sum(contributors, slots, new Float32Array(8), 0, 4, 4),
    false,
    "output outside both memories",
  );
  const { arena } = await setUp("float32");
  assert.equal(kernel.sum(contributors, slots, arena.vector(8, "float32"), 0, 4, 4), false, "another arena");
  const { arena: f64Arena } = await setUp("float64");
  assert.equal(
    kernel.sum(contributors, slots, f64Arena.vector(8, "float64"), 0, 4, 4),
    false,
    "other precision",
  );
  const plain = [new Float32Array(4), new Float32Array(4), new Float32Array(4)];
  const { arena: own, kernel: ownKernel, slots: ownSlots } = await setUp("float32");
  assert.ok(
    ownKernel.sum(contributors, ownSlots, own.vector(8, "float32"), 0, 4, 4),
    "the control case runs",
  );
  assert.equal(
    ownKernel.sum(contributors, plain, own.vector(8, "float32"), 0, 4, 4),
    false,
    "slots elsewhere",
  );
  assert.equal(
    ownKernel.sum([[0, NODES]], ownSlots, own.vector(4, "float32"), 0, 4, 4),
    false,
    "no such slot",
  );
  const tooMany = Array.from({ length: GROUPS + NODES }, () => [0]);
  assert.equal(
    ownKernel.sum(tooMany, ownSlots, own.vector(4 * tooMany.length, "float32"), 0, 4, 4),
    false,
    "long table",
  );
});
