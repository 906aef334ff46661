import { SharedBarrier } from "../lib/cluster/barrier.ts";
import { ComputeGate } from "../lib/cluster/compute-gate.ts";
import {
  exchangeBuffer,
  exchangeBytes,
  type ExchangePlan,
  type ExchangeShape,
  reduceShare,
  SharedExchange,
} from "../lib/cluster/exchange.ts";
import { groupSumsModule } from "../lib/cluster/group-sums.ts";
import { WorkerPool } from "../lib/cluster/pool.ts";
import { NodeError } from "../lib/cluster/protocol.ts";
import { assert } from "./assert.ts";

const NODE = new URL("./fixtures/exchange_node.ts", import.meta.url);

/**
 * Test nodes over one exchange; with `wasm`, they sum in WebAssembly into their kernel memories
 * (where the area is a wasm memory: `wasmLimitBytes` as in `SharedExchange.allocate`).
 */
async function startPool(nodes: number, shape: ExchangeShape, wasm = false, wasmLimitBytes?: number) {
  const barrier = SharedBarrier.create(nodes);
  const pool = WorkerPool.start(NODE, nodes, { onFailure: (f) => barrier.abort(f.node) });
  const memory = SharedExchange.allocate(shape, wasmLimitBytes);
  const module = wasm ? await groupSumsModule() : undefined;
  await pool.request("init", (node) => ({ node, barrier: barrier.state, memory, shape, module }), 20);
  return { pool, barrier };
}

Deno.test("reduceShare splits a vector into contiguous shares covering it exactly", () => {
  for (const [len, count] of [[10, 3], [7, 7], [5, 8], [2000, 4]]) {
    let next = 0;
    for (let k = 0; k < count; k++) {
      const [s, e] = reduceShare(len, count, k);
      assert.equal(s, Math.min(next, len));
      assert.ok(e >= s);
      next = e;
    }
    assert.equal(next, len);
  }
});

const EXCHANGE_CASES: { reduceScatterFrom?: number; wasm: boolean; wasmLimitBytes?: number }[] = [
  { wasm: false },
  { reduceScatterFrom: 1, wasm: false },
  { reduceScatterFrom: 50, wasm: false },
  { wasm: true },
  { reduceScatterFrom: 1, wasm: true },
  // An area over the wasm limit is a plain SharedArrayBuffer: the sums stay in JavaScript.
  { wasm: true, wasmLimitBytes: 0 },
];
for (const { reduceScatterFrom, wasm, wasmLimitBytes } of EXCHANGE_CASES) {
  const summed = wasmLimitBytes === 0 ? ", area too large for WebAssembly" : wasm ? ", in WebAssembly" : "";
  const path = (reduceScatterFrom === undefined
    ? "every node sums"
    : reduceScatterFrom === 1
    ? "reduce-scattered"
    : "long reduce-scattered, short summed at every node") + summed;
  Deno.test(`exchange: every node receives every group's sum, over alternating banks (${path})`, async () => {
    const nodes = 7;
    const shape: ExchangeShape = { nodes, maxGroups: 4, maxLength: 33, dtype: "float64", reduceScatterFrom };
    const { pool } = await startPool(nodes, shape, wasm, wasmLimitBytes);
    try {
      // Groups of different sizes, one of a single contributor, node 6 contributing nowhere; a
      // shorter exchange (1 × 20) in between, and a length (5) shorter than the nodes.
      const plans: ExchangePlan[] = [
        { groups: 3, length: 33, contributors: [[0, 1, 2], [3], [5, 4]] },
        { groups: 1, length: 20, contributors: [[6, 0]] },
        { groups: 4, length: 5, contributors: [[1], [2, 3, 4], [], [6]] },
      ];
      for (let round = 0; round < 6; round++) {
        const plan = plans[round % plans.length];
        const replies = await pool.request<{ out: number[]; kernelRuns: number }>(
          "exchange",
          () => ({ plan, round }),
          20,
        );
        const expected: number[] = [];
        for (const members of plan.contributors) {
          for (let i = 0; i < plan.length; i++) {
            expected.push(members.reduce((s, p) =>
              s + (p + 1) * 1000 + i + round * 0.5, 0));
          }
        }
        for (const { out, kernelRuns } of replies) {
          assert.deepEqual(out, expected);
          assert.equal(
            kernelRuns > 0,
            wasm && wasmLimitBytes !== 0,
            `sums formed by the kernel: ${kernelRuns}`,
          );
        }
      }
    } finally {
      pool.close();
    }
  });
}

Deno.test("an exchange area is a wasm memory up to the limit, a SharedArrayBuffer beyond it", () => {
  const shape: ExchangeShape = { nodes: 3, maxGroups: 2, maxLength: 10, dtype: "float32" };
  const small = SharedExchange.allocate(shape);
  const large = SharedExchange.allocate(shape, exchangeBytes(shape) - 1);
  assert.ok(small instanceof WebAssembly.Memory);
  assert.ok(large instanceof SharedArrayBuffer);
  for (const area of [small, large]) assert.ok(exchangeBuffer(area).byteLength >= exchangeBytes(shape));
});

Deno.test("a failing node is reported with its id, phase and message, and nobody hangs", async () => {
  const { pool } = await startPool(3, { nodes: 3, maxGroups: 1, maxLength: 1, dtype: "float32" });
  try {
    const err = await pool.request("fail", () => null, 20, [1]).catch((e) => e);
    assert.ok(err instanceof NodeError);
    assert.equal(err.failure.node, 1);
    assert.equal(err.failure.phase, "forward/product layer 2");
    assert.equal(err.failure.message, "deliberate failure");
    assert.match(err.failure.stack ?? "", /exchange_node\.ts/);
  } finally {
    pool.close();
  }
});

Deno.test("a node that never arrives is named by the barrier timeout", async () => {
  const { pool } = await startPool(4, { nodes: 4, maxGroups: 1, maxLength: 1, dtype: "float32" });
  try {
    const err = await pool.request("barrier", () => ({ skip: 2, timeoutMs: 300 }), 20).catch((e) => e);
    assert.ok(err instanceof NodeError, String(err));
    assert.equal(err.failure.kind, "BarrierTimeout");
    assert.match(err.failure.message, /no answer within 0.3 s from node 2$/);
  } finally {
    pool.close();
  }
});

Deno.test("aborting a barrier wakes every waiter", () => {
  const b = SharedBarrier.create(2);
  b.abort(1);
  assert.throws(() => b.wait(0, 1000), /aborted: node 1 failed/);
});

Deno.test("the compute gate hands out at most its tokens", () => {
  const gate = ComputeGate.create(2);
  gate.acquire();
  gate.acquire();
  assert.equal(gate.state[0], 0);
  gate.release();
  const { result, ms } = gate.run(() => 42);
  assert.equal(result, 42);
  assert.ok(ms >= 0);
  assert.equal(gate.state[0], 1);
});
