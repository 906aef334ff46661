/**
 * The pool of node Workers, seen from the main thread: one Deno Worker per node, alive for the
 * whole run. The main thread only starts nodes, sends commands and collects replies; every step of
 * training happens inside the nodes.
 *
 * A request goes to a set of nodes and resolves when all have answered. If one node fails, the
 * request rejects with a {@link NodeError} carrying `{node, phase, message, stack}`, and the
 * `onFailure` hook runs (the caller aborts the shared barrier so that no other node hangs). If
 * nodes stay silent past the timeout, the request rejects with a {@link NodeTimeout} that names
 * them.
 *
 * @module
 */

import {
  NodeError,
  type NodeFailure,
  NodeTimeout,
  type Notice,
  type Reply,
  type Request,
} from "./protocol.ts";

interface Pending {
  command: string;
  waiting: Set<number>;
  results: unknown[];
  resolve: (values: unknown[]) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Options of {@link WorkerPool.start}. */
export interface PoolOptions {
  /** Called for every unrequested notice (progress, metrics). */
  onNotice?: (notice: Notice) => void;
  /** Called once per node failure, before the request rejects. */
  onFailure?: (failure: NodeFailure) => void;
}

/** P node Workers running the same module. */
export class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  private constructor(readonly size: number, readonly options: PoolOptions) {}

  /** Starts `size` Workers on `moduleUrl` (a module that calls `serveNode`). */
  static start(moduleUrl: URL, size: number, options: PoolOptions = {}): WorkerPool {
    const pool = new WorkerPool(size, options);
    for (let p = 0; p < size; p++) {
      const w = new Worker(moduleUrl.href, { type: "module", name: `node-${p}` });
      w.onmessage = (e: MessageEvent<Reply | Notice>) => pool.#receive(e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        pool.#fail({ node: p, phase: "worker", message: e.message, kind: "WorkerError" });
      };
      w.onmessageerror = () =>
        pool.#fail({ node: p, phase: "worker", message: "unreadable message", kind: "WorkerError" });
      pool.#workers.push(w);
    }
    return pool;
  }

  /**
   * Sends `command` to `nodes` (default: all) with a per-node payload, and resolves with their
   * answers in node order once all have answered.
   */
  request<T>(
    command: string,
    payload: (node: number) => unknown,
    timeoutSeconds: number,
    nodes: readonly number[] = [...Array(this.size).keys()],
  ): Promise<T[]> {
    if (this.#closed) return Promise.reject(new Error("the worker pool is closed"));
    const id = this.#nextId++;
    return new Promise<T[]>((resolve, reject) => {
      const pending: Pending = {
        command,
        waiting: new Set(nodes),
        results: new Array(this.size),
        resolve: (v) => resolve(nodes.map((p) => v[p] as T)),
        reject,
        // No timer for an unbounded request: the nodes' own barrier timeouts report a hang.
        timer: Number.isFinite(timeoutSeconds)
          ? setTimeout(() => {
            this.#pending.delete(id);
            reject(new NodeTimeout(command, [...pending.waiting].sort((a, b) => a - b), timeoutSeconds));
          }, timeoutSeconds * 1000)
          : undefined,
      };
      this.#pending.set(id, pending);
      for (const p of nodes) {
        const message: Request = { id, command, payload: payload(p) };
        this.#workers[p].postMessage(message);
      }
    });
  }

  /** Terminates every Worker; pending requests reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`the worker pool closed while "${p.command}" was running`));
      this.#pending.delete(id);
    }
  }

  #receive(message: Reply | Notice): void {
    if ("notice" in message) {
      this.options.onNotice?.(message);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if ("failure" in message) {
      this.#fail(message.failure, message.id);
      return;
    }
    pending.results[message.node] = message.ok;
    pending.waiting.delete(message.node);
    if (pending.waiting.size === 0) {
      clearTimeout(pending.timer);
      this.#pending.delete(message.id);
      pending.resolve(pending.results);
    }
  }

  /** Reports a failure and rejects the request it belongs to (or every pending one). */
  #fail(failure: NodeFailure, id?: number): void {
    this.options.onFailure?.(failure);
    const targets = id !== undefined ? [id] : [...this.#pending.keys()];
    for (const t of targets) {
      const pending = this.#pending.get(t);
      if (!pending) continue;
      clearTimeout(pending.timer);
      this.#pending.delete(t);
      pending.reject(new NodeError(failure));
    }
  }
}
