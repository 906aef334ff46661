/**
 * Kill and resume: a real `deno run cli/main.ts train` subprocess is killed with SIGKILL at
 * seeded random moments (after a randomly chosen checkpoint, plus a random delay, so that kills
 * land in training, evaluation and the middle of writes alike), resumed with `train --resume`
 * each time, and must end exactly as an uninterrupted run with the same seed: same final weights
 * (the last checkpoint's sections, bit for bit), metrics rows, summary and fault log, measured
 * times aside. After every kill, every file of the run folder must be complete.
 */
import { join } from "node:path";
import { Rng } from "../lib/random/rng.ts";
import { assert } from "./assert.ts";
import { assertComplete, assertSameRun, cli, lastCheckpointIteration, spawnCli } from "./resume_fixture.ts";

const CENTRALIZED = [
  "train",
  "--strategy",
  "uncoded",
  "--workers",
  "1",
  "--dataset",
  "synthetic",
  "--layers",
  "784,24,10",
  "--train-samples",
  "600",
  "--test-samples",
  "200",
  "--batch",
  "8",
  "--lr",
  "0.1",
  "--epochs",
  "3",
  "--eval-every",
  "40",
  "--checkpoint-every",
  "25",
  "--seed",
  "3",
  "--progress",
  "none",
];

/** CodeNet on 5 nodes with faults (corrections, regenerations and roll-backs all happen). */
const CODENET = [
  "train",
  "--strategy",
  "codenet",
  "--pr",
  "3",
  "--qr",
  "2",
  "--pc",
  "2",
  "--qc",
  "1",
  "--dataset",
  "synthetic",
  "--layers",
  "784,16,10",
  "--train-samples",
  "160",
  "--test-samples",
  "50",
  "--batch",
  "8",
  "--lr",
  "0.05",
  "--epochs",
  "2",
  "--eval-every",
  "10",
  "--checkpoint-every",
  "5",
  "--fault-rate",
  "0.02",
  "--seed",
  "3",
  "--progress",
  "none",
];

/** One kill: the checkpoint waited for, the delay after it, and where the run was. */
interface Trial {
  readonly waitedFor: number;
  readonly delayMs: number;
  readonly killed: boolean;
  readonly checkpointAfter: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `argv` uninterrupted and with `kills` kills, resuming after each; compares the two. */
async function killAndResume(label: string, argv: string[], kills: number, every: number, total: number) {
  const root = await Deno.makeTempDir();
  try {
    const reference = join(root, "reference");
    const r = await cli([...argv, "--out", reference]);
    assert.equal(r.code, 0, r.err.join("\n"));
    const dir = join(root, "killed");
    const rng = Rng.named(6, `kill/${label}`);
    const trials: Trial[] = [];
    let args = [...argv, "--out", dir];
    for (let k = 0;; k++) {
      const child = spawnCli(args);
      const stderr = new Response(child.stderr).text();
      let exited = false;
      const status = child.status.then((s) => {
        exited = true;
        return s;
      });
      if (k === kills) {
        const s = await status;
        assert.ok(s.success, `${label}: the last resume failed: ${await stderr}`);
        break;
      }
      const from = await lastCheckpointIteration(dir);
      const later: number[] = [];
      for (let c = Math.max(every, Math.ceil((from + 1) / every) * every); c < total; c += every) {
        later.push(c);
      }
      // The first run must reach a checkpoint (its folder holds nothing to resume before); a
      // resumed run may also be killed before its first new one.
      const targets = from < 0 ? later : [from, ...later];
      const waitedFor = targets[rng.int(targets.length)];
      const delayMs = rng.uniform(0, 200);
      const deadline = Date.now() + 60_000;
      while (!exited && (await lastCheckpointIteration(dir)) < waitedFor && Date.now() < deadline) {
        await sleep(5);
      }
      await sleep(delayMs);
      if (!exited) child.kill("SIGKILL");
      const s = await status;
      await stderr;
      trials.push({
        waitedFor,
        delayMs,
        killed: !s.success,
        checkpointAfter: await lastCheckpointIteration(dir),
      });
      await assertComplete(dir);
      if (s.success) break; // it finished before the kill
      args = ["train", "--resume", dir, "--progress", "none"];
    }
    await assertSameRun(reference, dir);
    assert.deepEqual(await assertComplete(dir), [], "temporary files left after the run finished");
    console.log(`${label}: ${JSON.stringify(trials)}`);
    assert.ok(trials.filter((t) => t.killed).length >= 1, `${label}: no kill landed mid-run`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("kill -9 and resume: the centralized reference ends as the uninterrupted run", async () => {
  await killAndResume("centralized", CENTRALIZED, 3, 25, 225);
});

Deno.test("kill -9 and resume: codenet on 5 nodes with faults ends as the uninterrupted run", async () => {
  await killAndResume("codenet", CODENET, 3, 5, 40);
});
