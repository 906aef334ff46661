/** `codenet attack` as a user runs it: a subprocess through cli/main.ts. */

import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { OUTCOMES } from "../lib/attack/outcome.ts";
import { TOLERANCE_COLUMNS } from "../lib/attack/tolerance-table.ts";
import { assert } from "./assert.ts";
import { attack } from "./attack_fixtures.ts";

const SMALL = ["--length", "96", "--trials", "30", "--datasets", "2", "--progress", "none"];

Deno.test("attack prints the table, writes tolerance.csv, injections.jsonl and attack.json, and replays them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "attack-cli-" });
  try {
    const out = join(dir, "run");
    const r = await attack(
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
      "--model",
      "additive,in-span",
      "--errors",
      "0..3",
      ...SMALL,
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^forward +\(7,5\) stage, 96 entries per symbol: corrects 1 \(P−Q−1, probabilistic\)/m,
    );
    assert.match(r.stdout, /^forward +1 +30 +0 +0 +0 +30 +0 +0 +0 +0 +0 +0 .* corrected$/m);
    assert.match(r.stdout, /^forward +2 +skipped: no codeword has exactly 2 nonzero symbols/m);
    assert.match(r.stdout, /^backward +3 +30 +0 +0 +0 +0 +0 +0 +0 +30 +0 +0 .* undetectable$/m);
    assert.match(r.stdout, /wrote tolerance\.csv, injections\.jsonl, attack\.json to /);

    const records = parse(await Deno.readTextFile(join(out, "tolerance.csv")), { columns: true }) as Record<
      string,
      string
    >[];
    assert.equal(records.length, 16); // 2 stages × 2 models × 4 values of t
    assert.deepEqual(Object.keys(records[0]), [...TOLERANCE_COLUMNS]);
    const row = records.find((x) => x.stage === "forward" && x.model === "additive" && x.t === "2")!;
    assert.deepEqual([row.P, row.Q, row.trials, row.detected, row.silent], ["7", "5", "30", "30", "0"]);
    assert.deepEqual([row.correctable_probabilistic, row.correctable_adversarial, row.detectable], [
      "1",
      "1",
      "2",
    ]);
    assert.ok(Number(row.silent_high) > 0.1 && Number(row.silent_high) < 0.12); // 1 − 0.025^(1/30)

    const json = JSON.parse(await Deno.readTextFile(join(out, "attack.json")));
    const lines = (await Deno.readTextFile(join(out, "injections.jsonl"))).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(lines[0].type, "campaign");
    assert.equal(
      lines.filter((l) => l.type === "trial").length,
      json.rows.reduce((s: number, x: { trials: number }) => s + x.trials, 0),
    );
    assert.ok(lines.some((l) => l.type === "injection" && l.entries.length > 0));

    const over = await attack("--replay", out, "--out", out, "--progress", "none");
    assert.equal(over.code, 2, "a replay must not overwrite its source");
    assert.match(over.stderr, /already holds an attack run/);
    const again = await attack("--replay", out, "--out", join(dir, "replay"), "--json", "--progress", "none");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /replay: all \d+ recorded outcomes reproduced/);
    const replayed = JSON.parse(again.stdout);
    assert.equal(replayed.replay.mismatches, 0);
    assert.deepEqual(
      replayed.rows.map((x: { counts: unknown }) => x.counts),
      json.rows.map((x: { counts: unknown }) => x.counts),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("attack --json prints one object with the documented keys", async () => {
  const dir = await Deno.makeTempDir({ prefix: "attack-cli-" });
  try {
    const r = await attack(
      "--code",
      "replication",
      "--r",
      "3",
      "--stage",
      "forward",
      "--model",
      "bitflip",
      "--bit-class",
      "exponent",
      "--errors",
      "1",
      ...SMALL,
      "--json",
      "--out",
      join(dir, "run"),
    );
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (
      const key of [
        "command",
        "code",
        "parameters",
        "config",
        "stages",
        "rows",
        "false_alarms",
        "files",
        "environment",
      ]
    ) {
      assert.ok(key in j, key);
    }
    assert.equal(j.stages[0].P, 15);
    const row = j.rows[0];
    for (const key of ["stage", "model", "t", "trials", "counts", "rates", "theory"]) {
      assert.ok(key in row, key);
    }
    assert.deepEqual(Object.keys(row.counts), OUTCOMES.map((o) => o.replace("-", "_")));
    assert.equal(row.counts.corrected, 30);
    assert.deepEqual(row.rates.corrected.ci95.length, 2);
    assert.deepEqual([row.theory.correctable_probabilistic, row.theory.correctable_adversarial], [1, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("attack exits 2 with one line on bad input", async () => {
  const cases: [string[], RegExp][] = [
    [["--errors", "9"], /--errors 9: the forward stage has only 7 symbols/],
    [["--model", "bitflp"], /unknown fault model "bitflp"/],
    [["--model", "bitflip", "--bits", "40"], /--bits: bit 40 is outside 0\.\.31 of a float32 entry/],
    [["--model", "additive", "--bit-class", "sign"], /--bit-class does not apply to --model additive/],
    [["--model", "in-span", "--rate", "0.1"], /needs an exact number of faulty symbols/],
    [["--errors", "1", "--rate", "0.1"], /either --errors .* or --rate/],
    [["--code", "grid", "--pr", "4", "--qr", "5"], /Pr = 4 must exceed qr = 5/],
    [["--replay", "/nonexistent/injections.jsonl"], /--replay .*: no such file or folder/],
    [["--trials", "0"], /--trials: 0 is out of range/],
  ];
  for (const [args, message] of cases) {
    const r = await attack(...args, "--progress", "none");
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});
