import { formatHelp, option, parseOptions } from "../lib/config/options.ts";
import { parseJson } from "../lib/config/read-json.ts";
import { UsageError } from "../lib/errors.ts";
import { closest, editDistance } from "../lib/config/suggest.ts";
import { trainSchema } from "../lib/train/config.ts";
import { assert } from "./assert.ts";

const schema = {
  lr: option.number({ default: 0.1, min: 0, exclusiveMin: true, description: "learning rate" }),
  layers: option.intList({ default: [784, 10], min: 1, description: "widths" }),
  errors: option.intList({ default: [0], min: 0, description: "error counts" }),
  dtype: option.string({ default: "float32", choices: ["float32", "float64"], description: "precision" }),
  json: option.boolean({ default: false, description: "print JSON" }),
  faultRate: option.number({ default: 3e-4, min: 0, max: 1, description: "rate" }),
};

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    return e.message;
  }
  throw new Error("expected a UsageError");
}

Deno.test("flags override config, which overrides defaults", () => {
  const { values, sources } = parseOptions(schema, ["--lr", "0.05", "--errors", "0..3", "--json"], {
    "fault-rate": 0.01,
    dtype: "float64",
  });
  assert.equal(values.lr, 0.05);
  assert.deepEqual(values.errors, [0, 1, 2, 3]);
  assert.equal(values.json, true);
  assert.equal(values.faultRate, 0.01);
  assert.equal(values.dtype, "float64");
  assert.deepEqual(values.layers, [784, 10]);
  assert.equal(sources.lr, "flag");
  assert.equal(sources.faultRate, "config");
  assert.equal(sources.layers, "default");
});

Deno.test("bad input becomes one-line usage errors with suggestions", () => {
  assert.match(
    usageMessage(() => parseOptions(schema, ["--fault-rat", "1"])),
    /unknown flag --fault-rat.*--fault-rate/,
  );
  assert.match(usageMessage(() => parseOptions(schema, ["--lr", "abc"])), /--lr: expected a number/);
  assert.match(usageMessage(() => parseOptions(schema, ["--lr", "0"])), /must be > 0/);
  assert.match(
    usageMessage(() => parseOptions(schema, ["--lr", "-1"])),
    /--lr: -1 is out of range, it must be > 0/,
  );
  assert.match(usageMessage(() => parseOptions(schema, ["--fault-rate", "1.5"])), /must be ≤ 1/);
  assert.match(usageMessage(() => parseOptions(schema, ["--layers", "784,0,10"])), /must be ≥ 1/);
  assert.match(
    usageMessage(() => parseOptions(schema, ["--dtype", "float16"])),
    /not one of float32, float64/,
  );
  assert.match(usageMessage(() => parseOptions(schema, ["--lr"])), /--lr needs a value/);
  assert.match(usageMessage(() => parseOptions(schema, ["stray"])), /unexpected argument "stray"/);
  assert.match(
    usageMessage(() => parseOptions(schema, [], { "fault_rate": 1 }, "x.json")),
    /x.json: unknown key "fault_rate" \(did you mean "fault-rate"\?\)/,
  );
  assert.match(usageMessage(() => parseOptions(schema, [], { lr: "fast" })), /key "lr": expected a number/);
  assert.match(
    usageMessage(() => parseJson('{\n  "lr": 0.1,\n  "seed": }', "c.json")),
    /^c.json:3:11: invalid JSON/,
  );
});

Deno.test("help lists every train flag with its default", () => {
  const help = formatHelp(trainSchema);
  for (const flag of ["--strategy", "--fault-rate", "--checkpoint-every", "--layers", "--resume"]) {
    assert.ok(help.includes(flag), flag);
  }
  assert.ok(help.includes("(default: 0.0003)"));
});

Deno.test("editDistance counts a swap of neighbours as one edit; closest prefers it", () => {
  assert.equal(editDistance("trails", "trials"), 1);
  assert.equal(editDistance("trails", "train"), 2);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(closest("trails", ["train", "trials"]), "trials");
});
