import { philox4x32 } from "../lib/random/philox.ts";
import { Rng, streamId } from "../lib/random/rng.ts";
import { assert, assertClose } from "./assert.ts";

Deno.test("philox4x32-10 matches the Random123 known-answer vectors", () => {
  const out = new Uint32Array(4);
  philox4x32(0, 0, 0, 0, 0, 0, out);
  assert.deepEqual([...out], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  const f = 0xffffffff;
  philox4x32(f, f, f, f, f, f, out);
  assert.deepEqual([...out], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
  philox4x32(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, out);
  assert.deepEqual([...out], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
});

Deno.test("Rng pins its first outputs for (seed 1, node 0) and (seed 1, node 1)", () => {
  const a = Rng.forNode(1, 0);
  const b = Rng.forNode(1, 1);
  const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
  const other = [b.nextUint32(), b.nextUint32(), b.nextUint32()];
  assert.deepEqual(first, PINNED_NODE0);
  assert.deepEqual(other, PINNED_NODE1);
  assert.notDeepEqual(first, other);
});

const PINNED_NODE0 = [3823634032, 3842641596, 2515673792];
const PINNED_NODE1 = [2714744177, 753884053, 3575498877];

Deno.test("Rng is reproducible, skips ahead exactly, and keeps named streams apart from nodes", () => {
  const a = new Rng(42, 7);
  const xs = Array.from({ length: 20 }, () => a.nextUint32());
  const b = new Rng(42, 7).at(2); // block 2 = words 8..11
  assert.deepEqual([b.nextUint32(), b.nextUint32()], xs.slice(8, 10));
  assert.ok(streamId("init") >= 0x80000000);
  assert.notEqual(streamId("init"), streamId("data"));
});

Deno.test("Rng draws have the right moments", () => {
  const r = Rng.named(3, "moments");
  const n = 200_000;
  let s = 0, s2 = 0, u = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
    u += r.next();
  }
  assert.ok(Math.abs(s / n) < 0.01, `mean ${s / n}`);
  assertClose(s2 / n, 1, 0.01);
  assertClose(u / n, 0.5, 0.005);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `int(7) bucket ${c}`);
  const pick = r.sample(50, 10);
  assert.equal(new Set(pick).size, 10);
  assert.ok(pick.every((v, i) => v >= 0 && v < 50 && (i === 0 || v > pick[i - 1])));
});

Deno.test("Rng.save/restore continues the stream exactly, mid-block and with a spare normal", () => {
  const a = Rng.forNode(9, 4);
  for (let i = 0; i < 7; i++) a.nextUint32();
  a.normal();
  const b = Rng.restore(JSON.parse(JSON.stringify(a.save())));
  for (let i = 0; i < 10; i++) assert.equal(b.normal(), a.normal());
  for (let i = 0; i < 9; i++) assert.equal(b.nextUint32(), a.nextUint32());
});
