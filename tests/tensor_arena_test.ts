import { Arena, createSharedMemory, HEADER_BYTES, PAGE_BYTES } from "../lib/tensor/wasm/arena.ts";
import { assert } from "./assert.ts";

Deno.test("arena allocations are aligned, disjoint and zeroed, past the header", () => {
  const arena = new Arena(createSharedMemory());
  const a = arena.alloc(10);
  const b = arena.alloc(100, 128);
  const c = arena.alloc(0);
  assert.ok(a >= HEADER_BYTES);
  assert.equal(a % 64, 0);
  assert.equal(b % 128, 0);
  assert.ok(b >= a + 10 && c >= b + 100);
  const v = arena.vector(33, "float64");
  assert.ok(v.every((x) => x === 0));
  assert.equal(arena.addressOf(v) % 64, 0);
});

Deno.test("arena grows the memory on demand and earlier views stay valid", () => {
  const memory = createSharedMemory({ initialBytes: PAGE_BYTES });
  const arena = new Arena(memory);
  const first = arena.matrix(4, 4, "float32");
  first.set(3, 3, 7);
  const big = arena.matrix(1000, 1000, "float32"); // 4 MB: forces growth
  assert.ok(memory.buffer.byteLength >= arena.used);
  assert.ok(arena.used >= 4_000_000);
  big.set(999, 999, 1);
  assert.equal(first.get(3, 3), 7);
  first.set(0, 0, 2);
  const again = arena.matrixAt(arena.addressOf(first), 4, 4, "float32");
  assert.equal(again.get(0, 0), 2);
  assert.equal(again.get(3, 3), 7);
});

Deno.test("two arenas on one memory (as two threads would) never hand out the same bytes", () => {
  const memory = createSharedMemory();
  const one = new Arena(memory);
  const x = one.alloc(1000);
  const two = new Arena(memory); // attaches to the existing header instead of resetting it
  const y = two.alloc(1000);
  const z = one.alloc(1000);
  const spans = [x, y, z].sort((p, q) => p - q);
  assert.ok(spans[1] >= spans[0] + 1000 && spans[2] >= spans[1] + 1000);
  assert.equal(one.used, two.used);
});

Deno.test("arena gives clear errors at the 4 GiB limit, at the memory's maximum and on bad memories", () => {
  const arena = new Arena(createSharedMemory({ maximumBytes: 4 * PAGE_BYTES }));
  assert.throws(() => arena.alloc(2 ** 32), /4 GiB wasm32 limit/);
  assert.throws(() => arena.alloc(5 * PAGE_BYTES), /maximum is lower/);
  const after = arena.alloc(PAGE_BYTES); // a failed allocation leaves the allocator usable
  assert.ok(after + PAGE_BYTES <= arena.memory.buffer.byteLength);
  assert.throws(() => arena.alloc(-1), /bad size/);
  assert.throws(() => createSharedMemory({ maximumBytes: 2 ** 33 }), /4 GiB/);
  assert.throws(() => new Arena(new WebAssembly.Memory({ initial: 1 })), /shared: true/);
  const used = createSharedMemory();
  new Uint32Array(used.buffer)[0] = 12345;
  assert.throws(() => new Arena(used), /in use by something else/);
});

Deno.test("arena recognises its own views and refuses to give addresses of others", () => {
  const arena = new Arena(createSharedMemory());
  const m = arena.matrix(3, 5, "float64");
  const view = m.view(1, 2, 2, 2);
  assert.equal(arena.addressOf(view), arena.addressOf(m) + (1 * 5 + 2) * 8);
  assert.ok(arena.owns(view.data));
  assert.ok(!arena.owns(new Float64Array(4)));
  assert.throws(() => arena.addressOf(new Float64Array(4)), /does not live in this arena/);
  assert.throws(() => arena.view(3, 1, "float32"), /not 4-byte aligned/);
  assert.throws(() => arena.view(arena.used, 1, "float32"), /not allocated/);
  assert.throws(() => arena.view(0, 1, "float32"), /not allocated/);
});
