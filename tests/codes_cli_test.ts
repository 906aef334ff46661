/** `codenet encode` as a user runs it: a subprocess through cli/main.ts. */

import { join } from "node:path";
import { Matrix } from "../lib/tensor/matrix.ts";
import { buildLayerCode } from "../lib/codes/build.ts";
import { assert, assertClose } from "./assert.ts";
import { type ProcessResult, runCliProcess } from "./cli_capture.ts";

/** `codenet encode …` in a subprocess. */
function encode(...args: string[]): Promise<ProcessResult> {
  return runCliProcess(["encode", ...args]);
}

Deno.test("encode prints the grid table: P, Q and bounds per stage, storage, κ, tolerance", async () => {
  const r = await encode(
    "--code",
    "grid",
    "--pr",
    "7",
    "--qr",
    "5",
    "--pc",
    "6",
    "--qc",
    "4",
    "--rows",
    "10000",
    "--cols",
    "10000",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /P = 38 nodes for a 10000×10000 float32 layer/);
  assert.match(r.stdout, /2000×2500 = 5000000 entries/);
  assert.match(r.stdout, /^forward\s+7\s+5\s+2\s+1\s+1\s+2\s+\S+ \(exact, 21 subsets\)\s+2000/m);
  assert.match(r.stdout, /^backward\s+6\s+4\s+2\s+1\s+1\s+2\s+\S+ \(exact, 15 subsets\)\s+2500/m);
});

Deno.test("encode --json has the documented keys and the theory's numbers for every family", async () => {
  const cases: [string[], number, [number, number, number, number, number][]][] = [
    [["--code", "grid"], 38, [[7, 5, 1, 1, 2], [6, 4, 1, 1, 2]]],
    [["--code", "polydot", "--m", "2", "--n", "2", "--p", "12"], 12, [[12, 5, 6, 3, 7], [12, 6, 5, 3, 6]]],
    [["--code", "replication", "--r", "3"], 60, [[15, 5, 1, 1, 2], [12, 4, 1, 1, 2]]],
    [["--code", "abft"], 38, [[7, 5, 1, 1, 2], [6, 4, 1, 1, 2]]],
  ];
  for (const [args, nodes, stages] of cases) {
    const r = await encode(...args, "--rows", "1000", "--cols", "800", "--json");
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    for (const key of ["code", "P", "stages", "redundancy", "storage_per_node"]) {
      assert.ok(key in s, `${args}: ${key}`);
    }
    assert.equal(s.P, nodes);
    assert.equal(s.code, args[1]);
    s.stages.forEach((st: Record<string, number>, i: number) => {
      for (
        const key of [
          "name",
          "P",
          "Q",
          "correctable_probabilistic",
          "correctable_adversarial",
          "detectable",
          "condition_number",
        ]
      ) {
        assert.ok(key in st, `${args}: stage ${key}`);
      }
      assert.deepEqual(
        [st.P, st.Q, st.correctable_probabilistic, st.correctable_adversarial, st.detectable],
        stages[i],
        `${args[1]} ${st.name}`,
      );
      assert.ok(st.condition_number >= 1);
    });
    assert.equal(s.storage_per_node.entries, s.storage_per_node.rows * s.storage_per_node.cols);
    assert.ok(s.redundancy > 1);
  }
});

Deno.test("encode --out writes the manifest, the weights and every node's block, and they decode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-encode-" });
  try {
    const r = await encode(
      "--code",
      "grid",
      "--rows",
      "23",
      "--cols",
      "17",
      "--dtype",
      "float64",
      "--seed",
      "3",
      "--out",
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
    assert.equal(manifest.format, "codenet-encoded/1");
    assert.equal(manifest.nodes.length, 38);
    assert.equal(manifest.generators.forward.length, 7);
    assert.deepEqual(manifest.summary.padding, { rows: 2, cols: 3 });
    const raw = (file: string) => Deno.readFile(join(dir, file)).then((b) => new Float64Array(b.buffer));
    const w = Matrix.from(23, 17, await raw(manifest.weights.file));
    const code = buildLayerCode({ code: "grid", seed: 3 });
    const layout = code.layout(23, 17);
    for (const node of manifest.nodes) {
      assert.deepEqual([node.rows, node.cols], [5, 5]);
      assertClose(await raw(node.file), code.encodeBlock(node.node, w, layout).data, 1e-15, node.file);
    }
    // The file's generators are the code's.
    assertClose(manifest.generators.forward.flat(), code.forward.generator.data, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encode --weights reads a JSON matrix; bad input exits 2 with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codenet-encode-" });
  try {
    const file = join(dir, "w.json");
    await Deno.writeTextFile(file, JSON.stringify([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 1]]));
    const ok = await encode("--code", "abft", "--qr", "2", "--qc", "3", "--weights", file, "--json");
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual([JSON.parse(ok.stdout).rows, JSON.parse(ok.stdout).cols], [4, 3]);
    const bad: [string[], RegExp][] = [
      [["--pr", "5"], /Pr = 5 must exceed qr = 5/],
      [["--qc", "8"], /Pc = 6 must exceed qc = 8/],
      [["--rows", "0"], /--rows: 0 is out of range/],
      [["--cols", "-4"], /--cols/],
      [["--code", "polydot", "--p", "6"], /needs P > 6 nodes/],
      [["--code", "replication", "--r", "1"], /copies must be an integer ≥ 2/],
      [["--code", "hamming"], /not one of grid, polydot, replication, abft/],
      [["--rows", "3"], /cannot be cut into qr = 5 row blocks/],
      [["--weights", join(dir, "missing.f32"), "--rows", "4", "--cols", "4"], /cannot read it/],
      [["--weights", file.replace(".json", ".txt")], /use a .json, .f32 or .f64 file/],
    ];
    for (const [args, message] of bad) {
      const r = await encode(...args);
      assert.equal(r.code, 2, `${args}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${args}: ${r.stderr}`);
      assert.match(lines[0], message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
