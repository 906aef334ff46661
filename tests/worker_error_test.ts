/**
 * A node that fails mid-step: the error reaches the user with the node id, the phase (iteration,
 * stage, layer) and the original message, in one line; `--debug` adds the node's own stack. The
 * other nodes do not hang (the pool aborts the shared barrier).
 */
import { reportError } from "../cli/main.ts";
import { NodeError } from "../lib/cluster/protocol.ts";
import { createDistributed } from "../lib/strategies/distributed.ts";
import { assert } from "./assert.ts";
import { hasStackTrace } from "./cli_capture.ts";
import { configOf, contextOf } from "./distributed_fixture.ts";

function captureError(e: unknown, debug: boolean): { code: number; lines: string[] } {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(...a.join(" ").split("\n"));
  try {
    return { code: reportError(e, "train", debug), lines };
  } finally {
    console.error = original;
  }
}

Deno.test("a node failing mid-step is reported with its node id, phase and original message", async () => {
  const config = configOf([
    "--strategy",
    "codenet",
    "--pr",
    "4",
    "--qr",
    "2",
    "--pc",
    "4",
    "--qc",
    "2",
    "--layers",
    "784,16,8,10",
    "--train-samples",
    "20",
    "--test-samples",
    "10",
    "--fault-rate",
    "0",
  ]);
  const context = await contextOf(config);
  const strategy = await createDistributed(context, {
    workerUrl: new URL("./fixtures/failing_node.ts", import.meta.url),
  });
  let error: unknown;
  try {
    await strategy.train(0, context.schedule.totalIterations);
  } catch (e) {
    error = e;
  } finally {
    await strategy.close();
  }
  assert.ok(error instanceof NodeError, `expected a NodeError, got ${error}`);
  assert.equal(error.failure.node, 2);
  assert.equal(error.failure.phase, "iteration 3, backward stage of layer 1");
  assert.equal(error.failure.message, "deliberate failure in the fixture");
  assert.equal(error.failure.kind, "RangeError");
  assert.match(error.failure.stack ?? "", /failing_node\.ts/);

  const plain = captureError(error, false);
  assert.equal(plain.code, 1);
  assert.deepEqual(plain.lines, [
    "codenet train: error: node 2 failed in iteration 3, backward stage of layer 1: " +
    "deliberate failure in the fixture (run with --debug for the stack trace)",
  ]);
  const debug = captureError(error, true);
  assert.equal(
    debug.lines[0],
    "codenet train: error: node 2 failed in iteration 3, backward stage of layer 1: deliberate failure in the fixture",
  );
  assert.ok(hasStackTrace(debug.lines.join("\n")));
  assert.ok(debug.lines.some((l) => /failing_node\.ts/.test(l)), "--debug must show the node's own stack");
});
