// Checkpoints and `train --resume` over MPI: rank 0 writes the same checkpoints as the Workers
// transport (every rank's snapshot gathered to it) and, on resume, alone reads the run folder and
// hands every rank its part. Each case starts `mpirun … cli/main.ts train --transport mpi` as a
// subprocess (12 ranks: a 4×4 grid code with 2 parity rows and columns, float64, random faults at
// every site, 80 iterations, checkpoints every 10) and compares the finished run folder with an
// uninterrupted run of the same flags on Workers in this process (tests/mpi_train_test.ts shows that
// an uninterrupted MPI run gives the same bits): the last checkpoint's sections bit for bit (so the
// final weights within 0, below the 1e-9 asked), metrics rows, summary and fault log, times aside.
// The ranks other than 0 run without access to the run folders (see mpiCli), as on hosts without a
// shared disk.
// Skipped, with a message, when Open MPI's mpirun is missing.
import { join } from "node:path";
import { LOCAL_MPIRUN_FLAGS, localMpirun, openMpiVersion } from "../lib/cluster/mpi/mod.ts";
import { Rng } from "../lib/random/rng.ts";
import type { Manifest } from "../lib/train/checkpoint-store.ts";
import { assert } from "./assert.ts";
import { assertComplete, assertSameRun, cli, lastCheckpointIteration } from "./resume_fixture.ts";

const mpirun = await openMpiVersion();
const skip = mpirun === undefined;
if (skip) {
  console.warn(
    "mpi resume tests skipped: Open MPI's mpirun was not found (apt-get install openmpi-bin libopenmpi-dev)",
  );
}

const RANKS = 12;
const EVERY = 10;
const ITERATIONS = 80;
const RUN = [
  ...["train", "--dataset", "synthetic", "--progress", "none", "--layers", "784,32,16,10"],
  ...["--test-samples", "100", "--lr", "0.05", "--seed", "3", "--eval-every", "20"],
  ...["--strategy", "codenet", "--pr", "4", "--qr", "2", "--pc", "4", "--qc", "2"],
  ...["--dtype", "float64", "--batch", "2", "--train-samples", "80", "--checkpoint-every", String(EVERY)],
  ...["--epochs", "2", "--fault-rate", "0.002", "--fault-sites", "all"],
];
const TIMEOUT_MS = 600_000;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const PERMISSIONS = ["--allow-read", "--allow-env", "--allow-sys", "--allow-ffi", "--allow-run=git"];

/**
 * `mpirun … deno run … cli/main.ts <argv>` on 12 ranks, as if on hosts without a shared disk: rank
 * 0 may read and write anywhere under `root`; the other ranks (a second app context of the same
 * job) may read the repository only and write nothing, so a run folder under `root` is out of
 * their reach and whatever they need of it must come from rank 0 through MPI.
 */
function mpiCli(root: string, argv: string[]): Deno.Command {
  const repo = new URL("..", import.meta.url).pathname;
  const rank = (n: number, permissions: string[]) => {
    const { args } = localMpirun(n, MAIN, { denoArgs: permissions, scriptArgs: argv });
    return args.slice(LOCAL_MPIRUN_FLAGS.length);
  };
  const followers = ["--allow-read=" + repo, "--allow-env", "--allow-sys", "--allow-ffi", "--allow-run=git"];
  const args = [
    ...LOCAL_MPIRUN_FLAGS,
    ...rank(1, [...PERMISSIONS, `--allow-write=${root}`]),
    ":",
    ...rank(RANKS - 1, followers),
  ];
  return new Deno.Command("mpirun", {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

/** Runs `argv` under mpirun to the end; asserts it succeeded and only rank 0 reported. */
async function runMpi(root: string, argv: string[]): Promise<void> {
  const out = await mpiCli(root, argv).output();
  const text = new TextDecoder();
  assert.equal(out.code, 0, `mpirun failed:\n${text.decode(out.stderr)}`);
  assert.equal(text.decode(out.stdout).match(/^results: /gm)?.length, 1, "only rank 0 reports");
}

/** The uninterrupted run on Workers, made once, in `root` (removed when the tests end). */
let reference: Promise<string> | undefined;
const root = skip ? "" : await Deno.makeTempDir({ prefix: "codenet-mpi-resume-" });
if (!skip) globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
function referenceRun(): Promise<string> {
  reference ??= (async () => {
    const dir = join(root, "reference");
    const r = await cli([...RUN, "--out", dir]);
    assert.equal(r.code, 0, r.err.join("\n"));
    return dir;
  })();
  return reference;
}

/**
 * Makes a finished run folder look as if the run had stopped right after its previous checkpoint:
 * summary.json and the last checkpoint go, the manifest names the earlier one only. Returns its
 * iteration.
 */
async function stopAtPreviousCheckpoint(dir: string): Promise<number> {
  await Deno.remove(join(dir, "summary.json"));
  const path = join(dir, "checkpoints", "manifest.json");
  const manifest: Manifest = JSON.parse(await Deno.readTextFile(path));
  const last = manifest.checkpoints[manifest.checkpoints.length - 1];
  await Deno.remove(join(dir, "checkpoints", last.file));
  const kept = manifest.checkpoints.slice(0, -1);
  await Deno.writeTextFile(path, JSON.stringify({ ...manifest, checkpoints: kept }));
  return kept[kept.length - 1].iteration;
}

async function copyFolder(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyFolder(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

Deno.test({
  name: "mpi resume: a run stopped at a checkpoint continues under mpirun (and on Workers) and ends as " +
    "the uninterrupted run",
  ignore: skip,
  sanitizeResources: false,
  async fn() {
    const ref = await referenceRun();
    const mpi = join(root, "mpi");
    await runMpi(root, [...RUN, "--transport", "mpi", "--out", mpi]);
    // Rank 0 wrote checkpoints in the Workers format, every rank's blocks in them.
    await assertSameRun(ref, mpi);
    const onWorkers = join(root, "mpi-then-workers");
    await copyFolder(mpi, onWorkers);
    assert.equal(await stopAtPreviousCheckpoint(mpi), ITERATIONS - EVERY);
    assert.equal(await stopAtPreviousCheckpoint(onWorkers), ITERATIONS - EVERY);
    await runMpi(root, ["train", "--transport", "mpi", "--resume", mpi, "--progress", "none"]);
    await assertSameRun(ref, mpi);
    // The same checkpoint continues on the other transport.
    const r = await cli(["train", "--transport", "workers", "--resume", onWorkers, "--progress", "none"]);
    assert.equal(r.code, 0, r.err.join("\n"));
    await assertSameRun(ref, onWorkers);
    assert.equal(JSON.parse(await Deno.readTextFile(join(onWorkers, "config.json"))).transport, "mpi");
  },
});

Deno.test({
  name: "mpi resume: a Workers run stopped at a checkpoint continues under mpirun and ends the same",
  ignore: skip,
  sanitizeResources: false,
  async fn() {
    const ref = await referenceRun();
    const dir = join(root, "workers-then-mpi");
    await copyFolder(ref, dir);
    assert.equal(await stopAtPreviousCheckpoint(dir), ITERATIONS - EVERY);
    // The ranks other than 0 cannot read the folder (see mpiCli): its config and checkpoint reach
    // them through MPI.
    await runMpi(root, ["train", "--transport", "mpi", "--resume", dir, "--progress", "none"]);
    await assertSameRun(ref, dir);
  },
});

/**
 * The rank processes of a running mpirun job (its children), by process id; `lead` tells rank 0's
 * (the only one allowed to write, see {@link mpiCli}). Their environment, which names the rank,
 * needs --allow-all to read.
 */
async function rankProcesses(mpirunPid: number): Promise<{ pid: number; lead: boolean }[]> {
  const { stdout } = await new Deno.Command("ps", { args: ["-o", "pid=,args=", "--ppid", String(mpirunPid)] })
    .output();
  return new TextDecoder().decode(stdout).split("\n").filter((l) => l.trim() !== "").map((l) => ({
    pid: Number(l.trim().split(/\s+/)[0]),
    lead: l.includes("--allow-write"),
  })).sort((a, b) => a.pid - b.pid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "mpi resume: kill -9 of one rank at a seeded moment ends the job (no hang); --resume under mpirun " +
    "ends as the uninterrupted run",
  ignore: skip,
  sanitizeResources: false,
  async fn() {
    const ref = await referenceRun();
    const dir = join(root, "killed");
    const rng = Rng.named(7, "mpi-kill");
    // The moment: once the checkpoint of iteration 10 or 20 is on disk, plus 0–300 ms; the rank:
    // any (the victim-th rank process by process id).
    const waitFor = EVERY * (1 + rng.int(2));
    const delayMs = rng.uniform(0, 300);
    const victim = rng.int(RANKS);
    const child = mpiCli(root, [...RUN, "--transport", "mpi", "--out", dir]).spawn();
    const output = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const deadline = Date.now() + TIMEOUT_MS;
    while (!exited && (await lastCheckpointIteration(dir)) < waitFor && Date.now() < deadline) {
      await sleep(20);
    }
    await sleep(delayMs);
    if (exited) assert.fail(`the run ended before the kill:\n${(await output)[1]}`);
    const ranks = await rankProcesses(child.pid);
    assert.equal(ranks.length, RANKS, `rank processes: ${JSON.stringify(ranks)}`);
    assert.equal(ranks.filter((r) => r.lead).length, 1);
    Deno.kill(ranks[victim].pid, "SIGKILL");
    const killedAt = Date.now();
    // Open MPI ends the job when a rank dies; a job still running after a minute hangs.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      status.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 60_000))),
    ]);
    clearTimeout(timer);
    const endedAfterMs = Date.now() - killedAt;
    if (!ended) child.kill("SIGKILL");
    const s = await status;
    const [, stderr] = await output;
    assert.ok(ended, `mpirun still ran 60 s after a rank was killed`);
    assert.notEqual(s.code, 0, stderr);
    const stoppedAt = await lastCheckpointIteration(dir);
    assert.ok(stoppedAt >= waitFor && stoppedAt < ITERATIONS, `last checkpoint ${stoppedAt}`);
    await assertComplete(dir);
    console.log(
      `killed rank process ${victim} (${ranks[victim].lead ? "" : "not "}rank 0) ${delayMs.toFixed(0)} ms ` +
        `after checkpoint ${waitFor}; mpirun ended ` +
        `${endedAfterMs} ms later (exit ${s.code}); resuming from checkpoint ${stoppedAt}`,
    );
    await runMpi(root, ["train", "--transport", "mpi", "--resume", dir, "--progress", "none"]);
    await assertSameRun(ref, dir);
    assert.deepEqual(await assertComplete(dir), [], "temporary files left after the run finished");
  },
});

Deno.test({
  name: "mpi resume: a folder without a run is refused by rank 0 alone (exit 2, said once)",
  ignore: skip,
  sanitizeResources: false,
  async fn() {
    const out = await mpiCli(root, ["train", "--transport", "mpi", "--resume", join(root, "nothing")])
      .output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    assert.equal(stderr.match(/--resume \S+nothing: no config.json there/g)?.length, 1, stderr);
  },
});
