/**
 * CPU time of the calling thread (`process.threadCpuUsage()`, getrusage RUSAGE_THREAD). Each node
 * of a Workers run is one thread, so this is the node's own work: unlike the process's CPU time it
 * leaves out the main thread and V8's background threads (compiler, GC), and unlike a clock it
 * leaves out the time the node waited or was preempted by the other nodes sharing the machine's
 * few cores. Linux accounts it in scheduler ticks (10 ms steps here): sum it over many iterations
 * or average it over many nodes.
 *
 * @example
 * ```ts
 * import { threadCpuMs } from "./thread-cpu.ts";
 * const t0 = threadCpuMs();
 * let s = 0;
 * for (let i = 0; i < 1e6; i++) s += Math.sqrt(i);
 * const ms = t0 === undefined ? undefined : threadCpuMs()! - t0;
 * ```
 *
 * @module
 */

import process from "node:process";

/** Milliseconds this thread has run on a CPU (user + system); undefined where the runtime cannot say. */
export function threadCpuMs(): number | undefined {
  try {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1000;
  } catch {
    return undefined;
  }
}
