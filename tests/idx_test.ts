import { join } from "node:path";
import { parseIdx, readIdx } from "../datasets/idx-read.ts";
import { encodeIdx, writeIdx } from "../datasets/idx-write.ts";
import type { IdxArray } from "../datasets/idx.ts";
import { UsageError } from "../lib/errors.ts";
import { Rng } from "../lib/random/rng.ts";
import { assert } from "./assert.ts";

async function usageMessage(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    return e.message;
  }
  throw new Error("expected a UsageError");
}

const samples: IdxArray[] = [
  { type: "uint8", dims: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 21) },
  { type: "int8", dims: [4], data: new Int8Array([-128, -1, 0, 127]) },
  { type: "int16", dims: [2, 2], data: new Int16Array([-32768, -2, 513, 32767]) },
  { type: "int32", dims: [3], data: new Int32Array([-2147483648, 65536 + 7, 2147483647]) },
  { type: "float32", dims: [2], data: new Float32Array([-1.5, 3.25e-7]) },
  { type: "float64", dims: [1, 3], data: new Float64Array([Math.PI, -0, 1e300]) },
];

Deno.test("IDX round trip for every element type, with big-endian bytes on disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const a of samples) {
      const path = join(dir, `${a.type}.idx`);
      await writeIdx(path, a);
      const back = await readIdx(path);
      assert.equal(back.type, a.type);
      assert.deepEqual(back.dims, a.dims);
      assert.deepEqual([...back.data], [...a.data]);
    }
    const bytes = encodeIdx(samples[2]);
    assert.deepEqual([...bytes.subarray(0, 12)], [0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 2]);
    assert.deepEqual([...bytes.subarray(12, 16)], [0x80, 0x00, 0xff, 0xfe]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("IDX reader rejects missing, truncated, wrong-magic and mis-sized files, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = encodeIdx(samples[0]);
    const cases: [string, Uint8Array | undefined, RegExp][] = [
      ["missing", undefined, /file not found/],
      ["tiny", good.subarray(0, 3), /truncated IDX file: 3 bytes/],
      ["short-header", good.subarray(0, 10), /truncated IDX header: 10 bytes, 3 dimensions need 16/],
      [
        "truncated",
        good.subarray(0, good.length - 1),
        /truncated: dimensions 3×2×2 of uint8 need 28 bytes, the file has 27/,
      ],
      ["trailing", new Uint8Array([...good, 0]), /has trailing bytes: .* the file has 29/],
      ["magic", new Uint8Array([1, 2, ...good.subarray(2)]), /wrong magic number 0x01020803/],
      ["gzip", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /gzip-compressed/],
      ["type", new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown IDX data type code 0x0a/],
      ["rank0", new Uint8Array([0, 0, 8, 0]), /0 dimensions/],
      ["huge", new Uint8Array([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255]), /truncated: dimensions/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const path = join(dir, name);
      if (bytes) await Deno.writeFile(path, bytes);
      const msg = await usageMessage(() => readIdx(path));
      assert.ok(msg.startsWith(path + ": "), `message names the file: ${msg}`);
      assert.match(msg, pattern, name);
      assert.ok(!msg.includes("\n"), "one line");
    }
    assert.match(await usageMessage(() => readIdx(dir)), /is a directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("IDX writer refuses dimensions that do not match the data", () => {
  assert.throws(() => encodeIdx({ type: "uint8", dims: [2, 3], data: new Uint8Array(5) }), RangeError);
});

Deno.test("IDX reader on 400 seeded random and mutated files: a valid array or a UsageError, nothing else", () => {
  const rng = Rng.named(1, "idx-fuzz");
  const valid = samples.map(encodeIdx);
  let parsed = 0;
  for (let n = 0; n < 400; n++) {
    let bytes: Uint8Array;
    if (n % 2 === 0) {
      bytes = Uint8Array.from({ length: rng.int(40) }, () => rng.int(256));
      if (rng.bernoulli(0.5)) bytes.set([0, 0].slice(0, bytes.length));
    } else {
      const base = valid[rng.int(valid.length)];
      bytes = base.slice(0, rng.bernoulli(0.3) ? rng.int(base.length + 1) : base.length);
      for (let k = rng.int(3); k >= 0 && bytes.length > 0; k--) {
        bytes[rng.int(Math.min(bytes.length, 16))] = rng.int(256);
      }
    }
    try {
      const a = parseIdx(bytes, `case ${n}`);
      assert.equal(a.data.length, a.dims.reduce((x, y) => x * y, 1));
      parsed++;
    } catch (e) {
      assert.ok(e instanceof UsageError, `case ${n}: ${e}`);
      assert.ok((e as Error).message.startsWith(`case ${n}: `));
    }
  }
  assert.ok(parsed > 0 && parsed < 400, `${parsed} of 400 parsed`);
});
