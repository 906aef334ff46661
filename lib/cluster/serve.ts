/**
 * The Worker side of the pool: a node answers the main thread's requests with named handlers and
 * reports failures as `{node, phase, message, stack}`. The handler keeps `phase` up to date with
 * {@link NodeContext.phase} so that an error says where it happened.
 *
 * @module
 */

import type { Notice, Reply, Request } from "./protocol.ts";

/** What a handler can use besides its payload. */
export interface NodeContext {
  /** This node's id (set by the first request that carries it; see {@link serveNode}). */
  node: number;
  /** The phase reported if the node fails now. */
  phase: string;
  /** Sends an unrequested notice to the main thread. */
  notify(notice: string, data: unknown): void;
}

/** A request handler. */
export type Handler = (payload: unknown, context: NodeContext) => unknown | Promise<unknown>;

/**
 * Serves requests in this Worker. The first request must be the one named `init` and its payload
 * must carry `node` (the node id).
 */
export function serveNode(handlers: Record<string, Handler>): void {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<Request>) => void) | null;
    postMessage(message: Reply | Notice): void;
  };
  const context: NodeContext = {
    node: -1,
    phase: "start",
    notify: (notice, data) => scope.postMessage({ notice, node: context.node, data }),
  };
  // Requests run one at a time, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (e) => {
    const { id, command, payload } = e.data;
    queue = queue.then(async () => {
      if (command === "init") context.node = (payload as { node: number }).node;
      context.phase = command;
      try {
        const handler = handlers[command];
        if (!handler) throw new Error(`unknown command "${command}"`);
        const ok = await handler(payload, context);
        scope.postMessage({ id, node: context.node, ok });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({
          id,
          node: context.node,
          failure: {
            node: context.node,
            phase: context.phase,
            message: error.message,
            stack: error.stack,
            kind: error.name,
          },
        });
      }
    });
  };
}
