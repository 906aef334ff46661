// Tests of the Open MPI binding (lib/cluster/mpi). `deno test` does not run under mpirun: each test
// starts `mpirun … deno run tests/fixtures/mpi_*.ts` as a subprocess and checks what every rank
// reported. Skipped, with a message, when Open MPI's mpirun is not installed.
import { LIBMPI_ENV, localMpirun, MPI_DENO_PERMISSIONS, openMpiVersion } from "../lib/cluster/mpi/mod.ts";
import { MPI_SYMBOLS } from "../lib/cluster/mpi/symbols.ts";
import {
  MPI_IN_PLACE_ADDRESS,
  MPI_MAX_ERROR_STRING,
  MPI_MAX_LIBRARY_VERSION_STRING,
  MPI_SUCCESS,
  MPI_UNDEFINED,
  THREAD_LEVELS,
} from "../lib/cluster/mpi/constants.ts";
import { assert } from "./assert.ts";

const RANKS = 4;
const TIMEOUT_MS = 30_000;
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

const mpirun = await openMpiVersion();
const skip = mpirun === undefined;
if (skip) {
  console.warn(
    "mpi tests skipped: Open MPI's mpirun was not found (apt-get install openmpi-bin libopenmpi-dev)",
  );
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after {@link TIMEOUT_MS}). */
async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await new Deno.Command(command, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test({
  name: "mpi: every wrapped call on 4 ranks gives the expected values on every rank",
  ignore: skip,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "codenet-mpi-" });
    try {
      const { command, args } = localMpirun(RANKS, fixture("mpi_collectives.ts"), {
        denoArgs: [...MPI_DENO_PERMISSIONS, `--allow-write=${dir}`],
        scriptArgs: [dir],
      });
      const { code, stderr } = await run(command, args);
      assert.equal(code, 0, `mpirun failed:\n${stderr}`);
      // deno-lint-ignore no-explicit-any
      const ranks: any[] = [];
      for (let r = 0; r < RANKS; r++) {
        ranks.push(JSON.parse(await Deno.readTextFile(`${dir}/rank-${r}.json`)));
      }
      const P = RANKS, G = 3, L = 5;
      const each = (check: (rank: number) => void) => ranks.forEach((_, r) => check(r));

      await t.step("init: rank, size, thread level, library version, state", () =>
        each((r) => {
          const w = ranks[r].world;
          assert.deepEqual([w.rank, w.size, w.thread], [r, P, "funneled"]);
          assert.match(w.version, /^Open MPI v\d/);
          assert.deepEqual(w.state, { initialized: true, finalized: false });
        }));

      await t.step(
        "handles are the addresses dlsym gives for ompi_mpi_* globals",
        () =>
          each((r) => assert.deepEqual(ranks[r].handles, { comm_world: true, double: true, op_sum: true })),
      );

      await t.step(
        "barrier: nobody leaves before the late rank arrives; wtime measures the wait",
        () => {
          const late = ranks[0].barrier.arrivedAt;
          each((r) => assert.ok(ranks[r].barrier.leftAt >= late - 1, `rank ${r} left before rank 0 arrived`));
          assert.ok(ranks[0].barrier.wtimeSeconds >= 0.29, `wtime saw ${ranks[0].barrier.wtimeSeconds} s`);
        },
      );

      await t.step(
        "in-place all-reduce of a G × L exchange on SharedArrayBuffer views, float32 and float64",
        () => {
          const expected: number[] = [];
          for (let g = 0; g < G; g++) {
            for (let i = 0; i < L; i++) {
              let sum = 0;
              for (let p = g; p < P; p += G) sum += (p + 1) * 100 + i + 0.25;
              expected.push(sum);
            }
          }
          each((r) => {
            for (const dtype of ["float32", "float64"]) {
              assert.deepEqual(ranks[r][`exchange_${dtype}`], { sums: expected, guards: [-7, -7, -7, -7] });
            }
          });
        },
      );

      await t.step(
        "wasm memory views are passed without copies; wasm traps survive MPI_Init",
        () =>
          each((r) => {
            assert.deepEqual(ranks[r].wasm_memory, [0, 1, 2, 3, 4, 5].map((i) => i * (0 + 1 + 2 + 3)));
            assert.deepEqual(ranks[r].wasm_trap, {
              inBounds: 0,
              outOfBounds: "RuntimeError: memory access out of bounds",
            });
          }),
      );

      await t.step(
        "all-reduce: max, min, lor, bor on Int32Array, sum and bor on Uint8Array, max on float64",
        () => {
          const inputs = Array.from({ length: P }, (_, p) => [p, -p | 0, p === 1 ? 1 : 0, 1 << p]);
          const column = (j: number) => inputs.map((v) => v[j]);
          const or = (xs: number[]) => xs.reduce((a, b) => a | b, 0);
          each((r) => {
            const a = ranks[r].allreduce;
            assert.deepEqual(a.input, inputs[r]);
            assert.deepEqual(a.max, [0, 1, 2, 3].map((j) => Math.max(...column(j))));
            assert.deepEqual(a.min, [0, 1, 2, 3].map((j) => Math.min(...column(j))));
            assert.deepEqual(a.lor, [0, 1, 2, 3].map((j) => (column(j).some((x) => x !== 0) ? 1 : 0)));
            assert.deepEqual(a.bor, [0, 1, 2, 3].map((j) => or(column(j))));
            assert.deepEqual(a.byteSum, [P * (P + 1) / 2, (1 << P) - 1]);
            assert.deepEqual(a.byteOr, [or(inputs.map((_, p) => p + 1)), (1 << P) - 1]);
            assert.deepEqual(a.f64Max, [P - 0.5, 0]);
          });
        },
      );

      await t.step(
        "reduce to a root, out of place and in place; other ranks keep their data",
        () =>
          each((r) => {
            const { recv, inPlace } = ranks[r].reduce;
            assert.deepEqual(recv, r === 1 ? [0 + 1 + 2 + 3, 0 + 1 + 4 + 9] : [-1, -1]);
            assert.deepEqual(inPlace, r === P - 1 ? [10, 20] : [r + 1, 2 * (r + 1)]);
          }),
      );

      await t.step(
        "bcast of float64, int32 and a UTF-8 JSON document from three roots",
        () =>
          each((r) =>
            assert.deepEqual(ranks[r].bcast, {
              f64: [Math.PI, Math.E, 2],
              i32: [7, -8, 9],
              json: { seed: 42, grid: [7, 5, 6, 4] },
            })
          ),
      );

      await t.step(
        "all-gather, out of place and in place",
        () =>
          each((r) =>
            assert.deepEqual(ranks[r].allgather, {
              gathered: [0, 0, 1, 1, 2, 4, 3, 9],
              inPlace: [0, 1, 2, 3].flatMap((p) => [p, p + 0.25, p + 0.5]),
            })
          ),
      );

      await t.step(
        "all-gather-v with uneven counts (one rank sends nothing), default and gapped displacements",
        () =>
          each((r) => {
            const v = ranks[r].allgatherv;
            assert.deepEqual(v.counts, [1, 0, 3, 4]);
            assert.deepEqual(v.recv, [0, 20, 21, 22, 30, 31, 32, 33]);
            assert.deepEqual(v.displs, [0, 2, 3, 7]);
            assert.deepEqual(v.inPlace, [0, -1, -1, 200, 201, 202, -1, 300, 301, 302, 303, -1]);
          }),
      );

      await t.step(
        "gather and gather-v to a root (uneven, one rank empty, gapped), scatter-v from a root",
        () =>
          each((r) => {
            const g = ranks[r].gather;
            assert.deepEqual(g.gathered, r === 1 ? [0, 0, 1, 10, 2, 20, 3, 30] : null);
            assert.deepEqual(g.bytes, r === 0 ? [0, 16, 17, 48, 49, 50, 51] : null);
            assert.deepEqual(g.gapped, r === P - 1 ? [0, -1, 16, 17, -1, -1, 48, 49, 50, 51, -1] : null);
            const first = [0, 4, 7, 9][r];
            assert.deepEqual(g.scattered, Array.from({ length: P - r }, (_, i) => first + i + 0.5));
            assert.deepEqual(g.oddScattered, [[50, 60], [], [10], [80, 90, 100]][r]);
          }),
      );

      await t.step(
        "split: grid rows and columns, key order, a rank joining none; freed communicators refuse use",
        () =>
          each((r) => {
            const s = ranks[r].split;
            const row = Math.floor(r / 2), col = r % 2;
            assert.deepEqual(s.row, { rank: col, size: 2, sum: 4 * row + 1 });
            assert.deepEqual(s.column, { rank: row, size: 2, members: [col, col + 2] });
            assert.deepEqual(s.reversed, { rank: P - 1 - r, size: P });
            assert.deepEqual(s.partial, r === P - 1 ? null : { rank: r, size: P - 1, sum: P - 1 });
            assert.equal(ranks[r].freed, "Error: the communicator was freed");
          }),
      );

      await t.step(
        "errors: MPI's message as an MpiError (job survives), argument checks before the call",
        () =>
          each((r) => {
            const e = ranks[r].errors;
            assert.equal(e.invalidRoot.call, "MPI_Bcast");
            assert.match(e.invalidRoot.message, /^MPI_Bcast failed: MPI_ERR_ROOT: invalid root/);
            assert.match(e.orOnFloats, /^TypeError: reduction "bor" needs an Int32Array/);
            assert.match(e.mixedTypes, /^TypeError: send and receive arrays differ in type/);
            assert.match(e.shortReceive, /^RangeError: allgather receive buffer holds 7 < 4 × 2/);
            assert.match(e.wrongCounts, /^RangeError: counts has 1 ≠ 4 entries/);
            assert.match(e.blockOutside, /^RangeError: block 2 \[4, 6\) exceeds the buffer of 4/);
            assert.equal(e.freeWorld, "Error: MPI_COMM_WORLD cannot be freed");
            assert.match(e.badColor, /^RangeError: split color must be a non-negative integer or null/);
            assert.match(e.gatherNoBuffer, /^RangeError: the gather root needs a receive buffer/);
            assert.match(e.gathervWrongSend, /^RangeError: gatherv: the root sends 2 ≠ counts\[\d\] = 1/);
            assert.match(
              e.scattervWrongReceive,
              /^RangeError: scatterv: the root receives 2 ≠ counts\[\d\] = 1/,
            );
            assert.match(e.scattervTypes, /^TypeError: send and receive arrays differ in type/);
          }),
      );

      await t.step(
        "finalize: state reports it, a second init is refused",
        () =>
          each((r) =>
            assert.deepEqual(ranks[r].finalized, {
              state: { initialized: true, finalized: true },
              reinit: "Error: MPI was finalized; it cannot be initialized again",
            })
          ),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "mpi: all-reduce gives every rank the same bits, within rounding of the rank-order sum (5 ranks)",
  ignore: skip,
  async fn() {
    const P = 5;
    const dir = await Deno.makeTempDir({ prefix: "codenet-mpi-" });
    try {
      const { command, args } = localMpirun(P, fixture("mpi_identical.ts"), {
        denoArgs: [...MPI_DENO_PERMISSIONS, `--allow-write=${dir}`],
        scriptArgs: [dir],
      });
      const { code, stderr } = await run(command, args);
      assert.equal(code, 0, `mpirun failed:\n${stderr}`);
      const ranks: Record<string, { hash: string; relativeToRankOrder: number }>[] = [];
      for (let r = 0; r < P; r++) ranks.push(JSON.parse(await Deno.readTextFile(`${dir}/rank-${r}.json`)));
      assert.equal(Object.keys(ranks[0]).length, 6);
      for (const [name, first] of Object.entries(ranks[0])) {
        for (let r = 1; r < P; r++) {
          assert.equal(ranks[r][name].hash, first.hash, `${name}: rank ${r} differs`);
        }
        // Two summation orders of P terms differ by at most 2(P − 1)·u·Σ|x|.
        const u = name.startsWith("float32") ? 2 ** -24 : 2 ** -53;
        assert.ok(first.relativeToRankOrder <= 2 * (P - 1) * u, `${name}: ${first.relativeToRankOrder}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const mode of ["abort", "throw"]) {
  Deno.test({
    name: `mpi: a rank that ${mode === "abort" ? "calls abort(7)" : "throws"} ends the whole job`,
    ignore: skip,
    async fn() {
      const { command, args } = localMpirun(RANKS, fixture("mpi_abort.ts"), { scriptArgs: [mode] });
      const { code, stdout, stderr } = await run(command, args);
      // mpirun exits with the abort code, or with the failed rank's exit code (Deno's 1 for an
      // uncaught error); its explanatory text is not checked (mpirun sometimes garbles it while
      // killing the other ranks).
      assert.equal(code, mode === "abort" ? 7 : 1, stderr);
      assert.doesNotMatch(stdout, /passed the barrier/);
      if (mode === "throw") assert.match(stderr, /rank 1 fails on purpose/);
    },
  });
}

Deno.test({
  name: "mpi: a plain deno run is a singleton job; a bad CODENET_LIBMPI gives a clear error",
  ignore: skip,
  async fn() {
    const script = fixture("mpi_load.ts");
    const load = async (env: Record<string, string>) =>
      JSON.parse((await run(Deno.execPath(), ["run", ...MPI_DENO_PERMISSIONS, script], env)).stdout);
    const singleton = await load({});
    assert.equal(singleton.rank, 0);
    assert.equal(singleton.size, 1);
    const missing = await load({ [LIBMPI_ENV]: "/nonexistent/libmpi.so.40" });
    assert.match(
      missing.error,
      /^MpiUnavailableError: Open MPI's libmpi could not be opened from CODENET_LIBMPI/,
    );
    assert.match(missing.error, /apt-get install openmpi-bin libopenmpi-dev/);
    assert.match(missing.error, /\/nonexistent\/libmpi\.so\.40: .*No such file/);
    const notMpi = await load({ [LIBMPI_ENV]: "libc.so.6" });
    assert.match(notMpi.error, /libc\.so\.6: not an MPI library/);
  },
});

/** Open MPI's mpi.h, from `mpicc --showme:incdirs` (package libopenmpi-dev), or undefined. */
async function mpiHeader(): Promise<string | undefined> {
  try {
    const { success, stdout } = await new Deno.Command("mpicc", { args: ["--showme:incdirs"] }).output();
    if (!success) return undefined;
    for (const dir of new TextDecoder().decode(stdout).trim().split(/\s+/)) {
      try {
        return await Deno.readTextFile(`${dir}/mpi.h`);
      } catch {
        // not in this directory
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return undefined;
}

const header = skip ? undefined : await mpiHeader();
if (!skip && header === undefined) {
  console.warn("mpi.h check skipped: mpicc not found (apt-get install libopenmpi-dev)");
}

Deno.test({
  name: "mpi: the binding's constants and handle symbols agree with the installed mpi.h",
  ignore: header === undefined,
  fn() {
    const h = header!;
    const define = (name: string) => {
      const value = h.match(new RegExp(`#define ${name}\\s+(.+?)\\s*(/\\*.*)?$`, "m"))?.[1];
      assert.ok(value !== undefined, `${name} is not defined in mpi.h`);
      return value;
    };
    const number = (name: string): number => {
      const value = define(name);
      return /^-?\d+$/.test(value) ? Number(value) : number(value);
    };
    assert.equal(define("MPI_IN_PLACE"), `((void *) ${MPI_IN_PLACE_ADDRESS})`);
    assert.equal(number("MPI_SUCCESS"), MPI_SUCCESS);
    assert.equal(number("MPI_UNDEFINED"), MPI_UNDEFINED);
    assert.equal(number("MPI_MAX_ERROR_STRING"), MPI_MAX_ERROR_STRING);
    assert.equal(number("MPI_MAX_LIBRARY_VERSION_STRING"), MPI_MAX_LIBRARY_VERSION_STRING);
    const levels = h.match(/enum\s*\{\s*(MPI_THREAD_\w+(?:\s*,\s*MPI_THREAD_\w+)*)\s*\}/)?.[1];
    assert.deepEqual(levels?.split(/\s*,\s*/), THREAD_LEVELS.map((l) => `MPI_THREAD_${l.toUpperCase()}`));
    const handles: Record<string, string> = {
      MPI_COMM_WORLD: "ompi_mpi_comm_world",
      MPI_ERRORS_RETURN: "ompi_mpi_errors_return",
      MPI_FLOAT: "ompi_mpi_float",
      MPI_DOUBLE: "ompi_mpi_double",
      MPI_INT: "ompi_mpi_int",
      MPI_UINT8_T: "ompi_mpi_uint8_t",
      MPI_SUM: "ompi_mpi_op_sum",
      MPI_MAX: "ompi_mpi_op_max",
      MPI_MIN: "ompi_mpi_op_min",
      MPI_LOR: "ompi_mpi_op_lor",
      MPI_BOR: "ompi_mpi_op_bor",
    };
    for (const [macro, symbol] of Object.entries(handles)) {
      assert.match(define(macro), new RegExp(`^OMPI_PREDEFINED_GLOBAL\\(\\s*\\w+,\\s*${symbol}\\)$`), macro);
      assert.ok(symbol in MPI_SYMBOLS, `${symbol} is opened`);
    }
    const opened = Object.keys(MPI_SYMBOLS).filter((k) => k.startsWith("ompi_"));
    assert.deepEqual(opened.sort(), Object.values(handles).sort(), "every opened handle is checked");
  },
});
