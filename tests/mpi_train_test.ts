// Training over MPI (--transport mpi) against the Workers transport: `deno test` does not run under
// mpirun, so each test starts `mpirun … deno run` as a subprocess (12 ranks of a 4×4 grid with 2
// parity rows and columns on this machine) and compares what rank 0 reports with an in-process
// run of the same flags on Workers. Skipped, with a message, when Open MPI's mpirun is missing.
import { localMpirun, openMpiVersion } from "../lib/cluster/mpi/mod.ts";
import type { ForcedFault } from "../lib/faults/injector.ts";
import type { MlpState } from "../lib/nn/state.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { FAULT_SITES } from "../lib/train/config.ts";
import { runTraining } from "../lib/train/run.ts";
import { assert } from "./assert.ts";
import { configOf, stateDifference, trainToEnd } from "./distributed_fixture.ts";

const mpirun = await openMpiVersion();
const skip = mpirun === undefined;
if (skip) {
  console.warn(
    "mpi training tests skipped: Open MPI's mpirun was not found (apt-get install openmpi-bin libopenmpi-dev)",
  );
}

/** 12 nodes: a 4×4 grid code with 2 systematic rows and columns. */
const RANKS = 12;
const BASE = [
  ...["--layers", "784,32,16,10", "--test-samples", "100", "--lr", "0.05", "--seed", "3"],
  ...["--strategy", "codenet", "--pr", "4", "--qr", "2", "--pc", "4", "--qc", "2"],
  ...["--dtype", "float64", "--batch", "2", "--train-samples", "80", "--checkpoint-every", "10"],
];
/** Random faults at every site on top of the plan below: corrections, regenerations, roll-backs. */
const FAULTY = [...BASE, "--fault-rate", "0.002", "--fault-sites", "all"];
const TIMEOUT_MS = 600_000;
const PERMISSIONS = ["--allow-read", "--allow-env", "--allow-sys", "--allow-ffi", "--allow-run=git"];

/** One forced fault every 5 iterations, cycling through the sites, on nodes active in the phase. */
function faultPlan(): ForcedFault[] {
  const plan: ForcedFault[] = [];
  const forwardNodes = [5, 9, 0, 10];
  const backwardNodes = [5, 3, 6, 0];
  let k = 0;
  for (let iteration = 3; iteration < 40; iteration += 5, k++) {
    const site = FAULT_SITES[k % FAULT_SITES.length];
    const phase = site === "update" ? "update" : k % 2 === 0 ? "forward" : "backward";
    const nodes = phase === "backward" ? backwardNodes : forwardNodes;
    const layer = phase !== "backward" ? k % 3 : site === "nonlinear" ? k % 2 : 1 + (k % 2);
    plan.push({ iteration, layer, phase, node: nodes[k % nodes.length], site });
  }
  return plan;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Trains `argv` under mpirun (tests/fixtures/mpi_train.ts) and returns what rank 0 wrote. */
async function trainOverMpi(argv: string[], plan: ForcedFault[]) {
  const dir = await Deno.makeTempDir({ prefix: "codenet-mpi-train-" });
  try {
    const script = new URL("./fixtures/mpi_train.ts", import.meta.url).pathname;
    const { command, args } = localMpirun(RANKS, script, {
      denoArgs: [...PERMISSIONS, `--allow-write=${dir}`],
      scriptArgs: [dir, JSON.stringify(plan), ...argv],
    });
    const r = await run(command, args);
    assert.equal(r.code, 0, `mpirun failed:\n${r.stderr}`);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/mpi.json`));
    const state: MlpState = {
      widths: [784, 32, 16, 10],
      weights: out.weights.map((w: number[]) => Float64Array.from(w)),
      biases: out.biases.map((b: number[]) => Float64Array.from(b)),
    };
    return { state, metrics: out.metrics as Record<string, number>, faults: out.faults as number };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Trains `argv` in this process on Workers. */
async function trainOnWorkers(argv: string[], plan: ForcedFault[]) {
  const { strategy, state } = await trainToEnd(configOf(argv), { forced: plan });
  const metrics = strategy.metrics();
  await strategy.close();
  return { state, metrics };
}

/** The metrics that do not depend on timing. */
function counters(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== "modelled_seconds"));
}

for (const faulty of [false, true]) {
  Deno.test({
    name: `mpi training: ${RANKS} ranks end with the Workers transport's weights (${
      faulty ? "forced and random faults at every site" : "no fault"
    })`,
    ignore: skip,
    async fn() {
      const argv = faulty ? FAULTY : [...BASE, "--fault-rate", "0"];
      const plan = faulty ? faultPlan() : [];
      const mpi = await trainOverMpi(argv, plan);
      const workers = await trainOnWorkers(argv, plan);
      const d = stateDifference(mpi.state, workers.state);
      assert.ok(d <= 1e-9, `relative difference to the Workers run ${d.toExponential(2)}`);
      // Both transports sum every group in contributor order: the same bits, not just close.
      assert.equal(d, 0, "the MPI run's weights differ from the Workers run's in the last bits");
      assert.deepEqual(counters(mpi.metrics), counters(workers.metrics));
      assert.equal(mpi.faults, workers.metrics.faults_injected, "rank 0 receives every rank's faults");
      if (faulty) {
        assert.ok(workers.metrics.blocks_regenerated > 0 && workers.metrics.rollbacks > 0);
      } else {
        assert.equal(workers.metrics.faults_injected, 0);
      }
    },
  });
}

/** metrics.csv without its timing columns, and the sorted lines of faults.jsonl. */
async function results(dir: string) {
  const [header, ...rows] = (await Deno.readTextFile(`${dir}/metrics.csv`)).trim().split("\n");
  const names = header.split(",");
  const keep = names.map((n) => !/seconds/.test(n));
  const strip = (line: string) => line.split(",").filter((_, i) => keep[i]).join(",");
  const faults = (await Deno.readTextFile(`${dir}/faults.jsonl`)).trim().split("\n").sort();
  return { metrics: [header, ...rows].map(strip), faults };
}

Deno.test({
  name: "mpi training: `train --transport mpi` under mpirun writes one results directory (rank 0), " +
    "with the Workers run's metrics and faults",
  ignore: skip,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "codenet-mpi-cli-" });
    try {
      const cli = ["--dataset", "synthetic", "--progress", "none"];
      const main = new URL("../cli/main.ts", import.meta.url).pathname;
      const { command, args } = localMpirun(RANKS, main, {
        denoArgs: [...PERMISSIONS, `--allow-write=${root}`],
        scriptArgs: ["train", ...cli, ...FAULTY, "--transport", "mpi", "--out", `${root}/mpi/run`],
      });
      const r = await run(command, args);
      assert.equal(r.code, 0, `mpirun failed:\n${r.stderr}`);
      assert.equal(r.stdout.match(/^results: /gm)?.length, 1, `only rank 0 reports:\n${r.stdout}`);
      const written = [];
      for await (const e of Deno.readDir(`${root}/mpi`)) written.push(e.name);
      assert.deepEqual(written, ["run"]);
      const workers = await runTraining(configOf([...FAULTY, "--out", `${root}/workers`]), {
        kernels: naiveKernels,
        progress: "none",
      });
      const a = await results(`${root}/mpi/run`);
      const b = await results(workers.dir);
      assert.deepEqual(a.metrics, b.metrics);
      assert.ok(a.faults.length > 0);
      assert.deepEqual(a.faults, b.faults);
      const config = JSON.parse(await Deno.readTextFile(`${root}/mpi/run/config.json`));
      assert.equal(config.transport, "mpi");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "mpi training: a rank that dies makes mpirun end the job with a non-zero code",
  ignore: skip,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "codenet-mpi-kill-" });
    try {
      const main = new URL("../cli/main.ts", import.meta.url).pathname;
      // Long enough that the ranks are still training when one is killed.
      const flags = [...BASE, "--dataset", "synthetic", "--progress", "none", "--train-samples", "4000"];
      const { command, args } = localMpirun(RANKS, main, {
        denoArgs: [...PERMISSIONS, `--allow-write=${root}`],
        scriptArgs: ["train", ...flags, "--fault-rate", "0", "--transport", "mpi", "--out", `${root}/run`],
      });
      const child = new Deno.Command(command, { args, stdout: "null", stderr: "piped" }).spawn();
      const stderr = new Response(child.stderr).text();
      let ended = false;
      child.status.then(() => (ended = true));
      try {
        // The first evaluation row means every rank is up and training.
        const deadline = Date.now() + TIMEOUT_MS;
        while (!(await exists(`${root}/run/metrics.csv`))) {
          assert.ok(Date.now() < deadline, "the run never started");
          await new Promise((r) => setTimeout(r, 200));
        }
        const ranks = await childrenOf(child.pid);
        assert.equal(ranks.length, RANKS, `mpirun's children: ${ranks}`);
        Deno.kill(ranks[RANKS - 1], "SIGKILL");
        const status = await child.status;
        assert.notEqual(status.code, 0, await stderr);
        assert.ok(!(await exists(`${root}/run/summary.json`)), "the run must not complete");
      } finally {
        if (!ended) child.kill("SIGTERM");
        await child.status;
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "mpi training: a rank count other than the code's P is refused before anything is written",
  ignore: skip,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "codenet-mpi-ranks-" });
    try {
      const main = new URL("../cli/main.ts", import.meta.url).pathname;
      // A plain `deno run` is a singleton MPI job: 1 rank for 12 nodes.
      const r = await run(Deno.execPath(), [
        "run",
        ...PERMISSIONS,
        `--allow-write=${root}`,
        main,
        "train",
        ...["--dataset", "synthetic", "--progress", "none", ...BASE, "--transport", "mpi"],
        ...["--out", `${root}/run`],
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /needs one rank per node: the code has 12 nodes .* run mpirun -n 12/);
      assert.ok(!(await exists(`${root}/run`)), "no results directory");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Process ids of the children of `pid` (the ranks mpirun started), from `ps`. */
async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await new Deno.Command("ps", { args: ["-o", "pid=", "--ppid", String(pid)] }).output();
  return new TextDecoder().decode(stdout).split("\n").filter((l) => l.trim() !== "").map(Number)
    .sort((a, b) => a - b);
}
