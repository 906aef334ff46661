import { Schedule } from "../lib/train/schedule.ts";
import { assert } from "./assert.ts";

const base = { seed: 3, poolSize: 10, batch: 4, epochs: 2, evalEvery: 0, rounds: 0, roundSamples: 200 };

Deno.test("epochs schedule: each pass visits every sample once in a fresh seeded order, last batch smaller", () => {
  const s = new Schedule(base);
  assert.equal(s.totalIterations, 6);
  const sizes = Array.from({ length: 6 }, (_, t) => s.batch(t).indices.length);
  assert.deepEqual(sizes, [4, 4, 2, 4, 4, 2]);
  const pass = (e: number) => [0, 1, 2].flatMap((k) => [...s.batch(3 * e + k).indices]);
  for (const e of [0, 1]) {
    assert.deepEqual([...pass(e)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }
  assert.notDeepEqual(pass(0), pass(1));
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((t) => s.evaluatesAfter(t)), [
    false,
    false,
    true,
    false,
    false,
    true,
  ]);
  assert.deepEqual([0, 1, 3, 4, 6].map((t) => s.samplesBefore(t)), [0, 4, 10, 14, 20]);
  assert.equal(s.epochsBefore(6), 2);
  assert.equal(s.roundsBefore(3), undefined);
  // Pure function of the iteration: querying out of order changes nothing.
  const again = new Schedule(base);
  assert.deepEqual(again.batch(4).indices, s.batch(4).indices);
  assert.deepEqual(again.batch(0).indices, s.batch(0).indices);
  assert.notDeepEqual(new Schedule({ ...base, seed: 4 }).batch(0).indices, s.batch(0).indices);
  assert.throws(() => s.batch(6), RangeError);
});

Deno.test("epochs schedule with --eval-every evaluates every k iterations and after the last", () => {
  const s = new Schedule({ ...base, evalEvery: 4 });
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((t) => s.evaluatesAfter(t)), [
    false,
    false,
    false,
    true,
    false,
    true,
  ]);
});

Deno.test("rounds schedule: one pass over rounds × round-samples, batches inside rounds", () => {
  const s = new Schedule({ ...base, poolSize: 30, batch: 3, rounds: 4, roundSamples: 5 });
  assert.equal(s.totalIterations, 8);
  const all = Array.from({ length: 8 }, (_, t) => [...s.batch(t).indices]);
  assert.deepEqual(all.map((b) => b.length), [3, 2, 3, 2, 3, 2, 3, 2]);
  const seen = all.flat();
  assert.equal(new Set(seen).size, 20);
  assert.ok(seen.every((i) => i >= 0 && i < 30));
  assert.deepEqual(all.map((_, t) => s.batch(t).round), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(all.map((_, t) => s.evaluatesAfter(t)), [
    false,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
  ]);
  assert.deepEqual([0, 2, 8].map((t) => s.roundsBefore(t)), [0, 1, 4]);
  assert.equal(s.samplesBefore(8), 20);
  assert.throws(() => new Schedule({ ...base, poolSize: 10, rounds: 3, roundSamples: 5 }), RangeError);
});
