/**
 * The Worker of one node: serves the main thread's requests with a {@link NodeProgram}.
 * Requests: `init` (setup → block addresses), `connect` (peer table, link model), `initWeights`,
 * `run` ({to}), `evaluate`, `export`,
 * `exportSnapshot`, `importSnapshot` (checkpoints on disk), and after a death `state` (asked of a
 * live node) and `rejoin` (every node; a respawned one also gets the live node's state). Node 0
 * sends `progress` notices while running; a node given `dieAt` sends `die` when it enters that
 * phase and stops.
 *
 * @module
 */

import { serveNode } from "../serve.ts";
import { WorkersTransport } from "../workers-transport.ts";
import { type LinkModel, NodeProgram, type RejoinState } from "./program.ts";
import type { PeerTable, WorkerSetup } from "./setup.ts";
import type { NodeSnapshot } from "./snapshot.ts";

let program: NodeProgram | undefined;
let transport: WorkersTransport | undefined;

/** What a respawned node takes from a live one: the program's state and the transport's. */
interface WorkerRejoinState {
  readonly program: RejoinState;
  readonly exchangeBank: number;
}

function node(): NodeProgram {
  if (!program) throw new Error("the node was not initialised");
  return program;
}

serveNode({
  init(payload, context) {
    const setup = payload as WorkerSetup;
    transport = new WorkersTransport(setup.areas, setup.node, setup.nodes, setup.training.timeout * 1000);
    program = new NodeProgram(setup, transport);
    transport.useKernels(program.k.arena);
    program.onProgress = (iteration) => context.notify("progress", iteration);
    program.onPhase = (phase) => {
      context.phase = phase;
      if (phase === setup.dieAt) {
        // The main thread terminates this Worker on the notice; the throw leaves the step at once
        // (its failure reply comes after the notice, from a node already dead, and is ignored).
        context.notify("die", phase);
        throw new Error(`node ${setup.node} died in ${phase} (test hook)`);
      }
    };
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
  state(): WorkerRejoinState {
    return { program: node().exportState(), exchangeBank: transport!.exchangeBank };
  },
  rejoin(payload) {
    const { dead, donor, state } = payload as { dead: number[]; donor: number; state?: WorkerRejoinState };
    if (state) transport!.exchangeBank = state.exchangeBank;
    node().rejoin(dead, donor, state?.program);
    return true;
  },
});
