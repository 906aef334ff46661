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
 * A node can also die: its Worker is terminated ({@link WorkerPool.kill}, used by tests and by a
 * node that asks to be killed, see the `die` notice). The pool then stops waiting for it in every
 * request (its answer is `undefined`), calls `onDeath`, and {@link WorkerPool.respawn} starts a
 * fresh Worker in its place.
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
  /** Called when a node's Worker was terminated (before pending requests stop waiting for it). */
  onDeath?: (node: number) => void;
}

/** P node Workers running the same module. */
export class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #dead = new Set<number>();
  readonly #moduleUrl: URL;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  private constructor(readonly size: number, readonly options: PoolOptions, moduleUrl: URL) {
    this.#moduleUrl = moduleUrl;
  }

  /** Starts `size` Workers on `moduleUrl` (a module that calls `serveNode`). */
  static start(moduleUrl: URL, size: number, options: PoolOptions = {}): WorkerPool {
    const pool = new WorkerPool(size, options, moduleUrl);
    for (let p = 0; p < size; p++) pool.#workers.push(pool.#spawn(p));
    return pool;
  }

  #spawn(p: number): Worker {
    const w = new Worker(this.#moduleUrl.href, { type: "module", name: `node-${p}` });
    w.onmessage = (e: MessageEvent<Reply | Notice>) => {
      if (w === this.#workers[p] && !this.#dead.has(p)) this.#receive(e.data);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (w === this.#workers[p]) {
        this.#fail({ node: p, phase: "worker", message: e.message, kind: "WorkerError" });
      }
    };
    w.onmessageerror = () =>
      this.#fail({ node: p, phase: "worker", message: "unreadable message", kind: "WorkerError" });
    return w;
  }

  /** Nodes whose Worker is dead (killed and not respawned). */
  get dead(): number[] {
    return [...this.#dead].sort((a, b) => a - b);
  }

  /**
   * Terminates node `p`'s Worker (a crash, as far as the run can tell): `onDeath` runs and every
   * pending request stops waiting for `p`.
   */
  kill(p: number): void {
    if (this.#closed || this.#dead.has(p)) return;
    this.#workers[p].terminate();
    this.#dead.add(p);
    this.options.onDeath?.(p);
    for (const [id, pending] of this.#pending) {
      if (pending.waiting.delete(p)) this.#settle(id, pending);
    }
  }

  /** Starts a fresh Worker for the dead node `p` (it must be initialised again). */
  respawn(p: number): void {
    if (!this.#dead.has(p)) throw new Error(`node ${p} is not dead`);
    this.#workers[p] = this.#spawn(p);
    this.#dead.delete(p);
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
        if (this.#dead.has(p)) {
          pending.waiting.delete(p);
          continue;
        }
        const message: Request = { id, command, payload: payload(p) };
        this.#workers[p].postMessage(message);
      }
      this.#settle(id, pending);
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
    this.#settle(message.id, pending);
  }

  /** Resolves a request once nobody it waits for is left. */
  #settle(id: number, pending: Pending): void {
    if (pending.waiting.size > 0) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    pending.resolve(pending.results);
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
