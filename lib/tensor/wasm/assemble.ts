/**
 * Assembles the kernel module (wat-module.ts) with npm `wabt` and caches the result per thread:
 * the bytes and the compiled `WebAssembly.Module`. Assembly takes a fraction of a second and is
 * done at most once per thread; to give a Worker the kernels without assembling again, post it
 * the compiled module (a `WebAssembly.Module` is structured-cloneable) or the bytes.
 *
 * Relaxed SIMD (`relaxed_madd`) is used when the engine accepts it (Deno 2.9.6 / V8 does) and
 * plain `mul` + `add` otherwise.
 *
 * @module
 */

import wabtInit from "wabt";
import { kernelModuleWat } from "./wat-module.ts";

/**
 * The wabt feature flags the modules need; given to both `parseWat` and `validate`. (Multiple
 * memories: the exchange's group sums, lib/tensor/wasm/wat-group-sums.ts.)
 */
const FEATURES = { simd: true, relaxed_simd: true, threads: true, multi_memory: true };

/** Assembles the module text to bytes, validating it with the same features it was parsed with. */
export async function assembleWat(name: string, text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, text, FEATURES);
  try {
    (module.validate as (features: typeof FEATURES) => void)(FEATURES);
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}

const bytesCache = new Map<boolean, Promise<Uint8Array>>();
let moduleCache: Promise<WebAssembly.Module> | undefined;

/**
 * The kernel module's bytes, assembled once per thread and per variant. By default the relaxed
 * variant when this engine validates it, else the plain one; `relaxed` forces a variant.
 */
export function kernelModuleBytes(relaxed?: boolean): Promise<Uint8Array> {
  if (relaxed === undefined) {
    return kernelModuleBytes(true).then((bytes) =>
      WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>) ? bytes : kernelModuleBytes(false)
    );
  }
  let bytes = bytesCache.get(relaxed);
  if (!bytes) {
    bytes = assembleWat(relaxed ? "kernels-relaxed.wat" : "kernels.wat", kernelModuleWat(relaxed));
    bytesCache.set(relaxed, bytes);
  }
  return bytes;
}

/** The default variant compiled, once per thread. Post it to Workers to share the compilation. */
export function kernelModule(): Promise<WebAssembly.Module> {
  moduleCache ??= kernelModuleBytes().then((bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  return moduleCache;
}
