/**
 * The Worker of one node: serves the main thread's requests with a {@link NodeProgram}.
 * Requests: `init` (setup → block addresses), `connect` (peer table, link model), `initWeights`,
 * `run` ({to}), `evaluate`, `export`,
 * `exportSnapshot`, `importSnapshot` (checkpoints on disk). Node 0 sends `progress` notices while running.
 *
 * @module
 */

import { serveNode } from "../serve.ts";
import { WorkersTransport } from "../workers-transport.ts";
import { type LinkModel, NodeProgram } from "./program.ts";
import type { PeerTable, WorkerSetup } from "./setup.ts";
import type { NodeSnapshot } from "./snapshot.ts";

let program: NodeProgram | undefined;
let transport: WorkersTransport | undefined;

function node(): NodeProgram {
  if (!program) throw new Error("the node was not initialised");
  return program;
}

serveNode({
  init(payload, context) {
    const setup = payload as WorkerSetup;
    transport = new WorkersTransport(setup.areas, setup.node, setup.nodes, setup.training.timeout * 1000);
    program = new NodeProgram(setup, transport);
    program.onProgress = (iteration) => context.notify("progress", iteration);
    program.onPhase = (phase) => (context.phase = phase);
    return program.blocks();
  },
  connect(payload) {
    const { peers, link } = payload as { peers: PeerTable; link: LinkModel };
    transport!.connect(peers);
    node().connect(link);
    return true;
  },
  initWeights() {
    node().initWeights();
    return true;
  },
  run(payload) {
    return node().run((payload as { to: number }).to);
  },
  evaluate() {
    return node().evaluate();
  },
  export() {
    return node().exportWeights();
  },
  exportSnapshot() {
    return node().exportSnapshot();
  },
  importSnapshot(payload) {
    node().importSnapshot(payload as NodeSnapshot);
    return true;
  },
});
