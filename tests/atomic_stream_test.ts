/** The line-by-line atomic writer: nothing at the target until close, everything after; abort leaves no trace. */

import { join } from "node:path";
import { AtomicLineWriter } from "../lib/io/atomic-stream.ts";
import { assert } from "./assert.ts";

Deno.test("AtomicLineWriter publishes the whole file at close, and nothing on abort", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atomic-stream-" });
  try {
    const path = join(dir, "sub", "log.jsonl");
    const w = AtomicLineWriter.open(path);
    const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(50) }));
    for (const l of lines) w.line(l);
    assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
    w.close();
    assert.equal(Deno.readTextFileSync(path), lines.join("\n") + "\n");
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["log.jsonl"]);
    assert.throws(() => w.line("late"), /write after close/);

    const aborted = AtomicLineWriter.open(path);
    aborted.line("replacement");
    aborted.abort();
    assert.equal(Deno.readTextFileSync(path), lines.join("\n") + "\n");
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["log.jsonl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
