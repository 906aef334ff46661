/**
 * WebAssembly text for the exchange's group sums (lib/cluster/group-sums.ts; reference: `sumGroups`
 * there): every group's partials added in contributor order, a SIMD step at a time, then element
 * by element. A separate module from the kernel module (wat-module.ts) because it reads a second
 * memory: it imports the node's kernel memory (`env.kernel`, memory 0: the contributor table and,
 * for `group_sums_<t>`, the sums) and the run's exchange memory (`env.exchange`, memory 1: the
 * partials and, for `group_sums_<t>_shared`, the sums of a reduce-scatter).
 *
 * One `add` per contributor and lane rounds to the storage precision after every addition, as the
 * reference's `sum[i] += part[i]` does on a typed array (for float32, the float64 sum of two float32
 * values rounded to float32 is the correctly rounded float32 sum: 53 ≥ 2·24 + 2 bits), so the sums
 * are the reference's bit for bit.
 *
 * @module
 */

import { bump, countDown, get, i32, type WatPrecision } from "./wat-text.ts";

/** The module text: `group_sums_f32`, `group_sums_f64` and their `_shared` variants. */
export function groupSumsModuleWat(ps: readonly WatPrecision[]): string {
  const bodies = ps.flatMap((p) => [groupSums(p, false), groupSums(p, true)]);
  return `(module
  (import "env" "kernel" (memory $k 1 65536 shared))
  (import "env" "exchange" (memory $x 1 65536 shared))
${bodies.join("\n")}
)`;
}

/**
 * `group_sums_<t>[_shared](table, groups, out, stride, n)`: for g < groups, with the table's
 * entries for g being a count c then c byte addresses a₀ … a_{c−1} (partials, in the exchange
 * memory): out[g·stride + i] = (…(a₀[i] + a₁[i]) + …) + a_{c−1}[i] for i < n (stride and addresses
 * in bytes, elements of the storage type); c = 0 gives zeros. `out` is in the kernel memory, or in
 * the exchange memory for the `_shared` variant.
 */
function groupSums(p: WatPrecision, shared: boolean): string {
  const { s, v, bytes, lanes } = p;
  const om = shared ? "$x" : "$k";
  // Accumulators ← the first partial, then + every other partial, at byte offset $i of each
  // (accumulator j at $i + j·width bytes).
  const addAll = (accs: readonly string[], op: string, width: number, type: string) => {
    const load = (at: string, j: number) => `(${type}.load $x offset=${j * width} ${at})`;
    const each = (f: (acc: string, j: number) => string) => accs.map(f).join("\n");
    return `(local.set $pa (i32.add ${get("$first")} ${get("$i")}))
      ${each((acc, j) => `(local.set ${acc} ${load(get("$pa"), j)})`)}
      (local.set $mp (i32.add ${get("$t")} ${i32(8)}))
      (local.set $m (i32.sub ${get("$c")} ${i32(1)}))
      ${
      countDown(
        "$m",
        1,
        `(local.set $pa (i32.add (i32.load $k ${get("$mp")}) ${get("$i")}))
        ${each((acc, j) => `(local.set ${acc} (${op}.add ${get(acc)} ${load(get("$pa"), j)}))`)}
        ${bump("$mp", i32(4))}`,
      )
    }
      (local.set $pa (i32.add ${get("$o")} ${get("$i")}))
      ${each((acc, j) => `(${type}.store ${om} offset=${j * width} ${get("$pa")} ${get(acc)})`)}`;
  };
  const wide = addAll(["$a0", "$a1", "$a2", "$a3"], v, 16, "v128");
  const vector = addAll(["$a0"], v, 16, "v128");
  const scalar = addAll(["$s0"], s, bytes, s);
  return `
(func (export "group_sums_${s}${shared ? "_shared" : ""}")
  (param $table i32) (param $groups i32) (param $out i32) (param $stride i32) (param $n i32)
  (local $g i32) (local $t i32) (local $c i32) (local $o i32) (local $first i32) (local $i i32)
  (local $q i32) (local $m i32) (local $mp i32) (local $pa i32)
  (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s0 ${s})
  (local.set $t ${get("$table")})
  (local.set $o ${get("$out")})
  (local.set $g ${get("$groups")})
  ${
    countDown(
      "$g",
      1,
      `(local.set $c (i32.load $k ${get("$t")}))
      (if (i32.eqz ${get("$c")})
        (then (memory.fill ${om} ${get("$o")} ${i32(0)} (i32.mul ${get("$n")} ${i32(bytes)})))
        (else
          (local.set $first (i32.load $k offset=4 ${get("$t")}))
          (local.set $i ${i32(0)})
          (local.set $q ${get("$n")})
          ${countDown("$q", 4 * lanes, `${wide}\n${bump("$i", i32(64))}`)}
          ${countDown("$q", lanes, `${vector}\n${bump("$i", i32(16))}`)}
          ${countDown("$q", 1, `${scalar}\n${bump("$i", i32(bytes))}`)}))
      (local.set $t (i32.add ${get("$t")} (i32.mul (i32.add ${get("$c")} ${i32(1)}) ${i32(4)})))
      ${bump("$o", get("$stride"))}`,
    )
  }
)`;
}
