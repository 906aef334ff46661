/**
 * Time per training iteration of the two transports on the same configuration, on this machine:
 * `train --transport workers` (P Workers in one process) and `train --transport mpi` (P ranks under
 * `mpirun --oversubscribe`), both as subprocesses of the real CLI, each writing its run into a temp
 * directory. Not a section of bench/main.ts, which runs in one process:
 *
 *     deno task bench-transports [ranks-agnostic train flags…]
 *
 * Default configuration: the 12-node grid code (4×4, 2 parity rows and columns), 784-32-16-10,
 * batch 8, 400 synthetic samples (50 iterations), no faults. A time per iteration is the run's
 * `train_seconds / iterations` from summary.json (evaluations excluded); both runs must end with the
 * same test loss (the transports give the same bits). The machine is shared: re-run and compare.
 *
 * @module
 */

import { buildLayerCode } from "../lib/codes/build.ts";
import { localMpirun } from "../lib/cluster/mpi/launch.ts";
import { codeSpecOf } from "../lib/strategies/code-spec.ts";
import { parseOptions } from "../lib/config/options.ts";
import { trainSchema } from "../lib/train/config.ts";
import { prepareTrainConfig } from "../lib/train/prepare.ts";

const DEFAULT_FLAGS = [
  ...["--dataset", "synthetic", "--train-samples", "400", "--test-samples", "200"],
  ...["--layers", "784,32,16,10", "--batch", "8", "--lr", "0.05"],
  ...["--strategy", "codenet", "--pr", "4", "--qr", "2", "--pc", "4", "--qc", "2", "--fault-rate", "0"],
];
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
  "--allow-run=git",
];

const flags = Deno.args.length > 0 ? [...Deno.args] : DEFAULT_FLAGS;
const { values, sources } = parseOptions(trainSchema, flags);
const explicit = new Set(Object.entries(sources).filter(([, s]) => s !== "default").map(([k]) => k));
const nodes = buildLayerCode(codeSpecOf(prepareTrainConfig(values, explicit))).nodes;
const main = new URL("../cli/main.ts", import.meta.url).pathname;
const root = await Deno.makeTempDir({ prefix: "codenet-bench-transports-" });

interface Summary {
  train_seconds: number;
  iterations: number;
  wall_seconds: number;
  final_test_loss: number;
}

async function train(transport: "workers" | "mpi"): Promise<Summary> {
  const out = `${root}/${transport}`;
  const args = ["train", ...flags, "--progress", "none", "--transport", transport, "--out", out];
  const line = transport === "mpi"
    ? localMpirun(nodes, main, { denoArgs: PERMISSIONS, scriptArgs: args })
    : { command: Deno.execPath(), args: ["run", ...PERMISSIONS, main, ...args] };
  const r = await new Deno.Command(line.command, { args: line.args, stdout: "null", stderr: "piped" })
    .output();
  if (!r.success) throw new Error(`${transport} run failed:\n${new TextDecoder().decode(r.stderr)}`);
  return JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
}

try {
  console.log(`train ${flags.join(" ")}`);
  console.log(`${nodes} nodes · load average ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const rows: [string, Summary][] = [];
  for (const transport of ["workers", "mpi"] as const) rows.push([transport, await train(transport)]);
  for (const [name, s] of rows) {
    console.log(
      `${name.padEnd(8)} ${(1000 * s.train_seconds / s.iterations).toFixed(1).padStart(8)} ms/iteration  ` +
        `(${s.iterations} iterations, train ${s.train_seconds.toFixed(1)} s, wall ${
          s.wall_seconds.toFixed(1)
        } s, ` +
        `test loss ${s.final_test_loss})`,
    );
  }
  const [w, m] = rows.map(([, s]) => s.train_seconds / s.iterations);
  console.log(`mpi / workers: ${(m / w).toFixed(2)}`);
  if (rows[0][1].final_test_loss !== rows[1][1].final_test_loss) {
    console.log("warning: the two runs ended with different test losses");
  }
  console.log(`load average after: ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
} finally {
  await Deno.remove(root, { recursive: true });
}
