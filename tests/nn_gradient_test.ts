import { mlpScore } from "../lib/nn/forward.ts";
import type { InitScheme } from "../lib/nn/init.ts";
import { createMlp, type Mlp } from "../lib/nn/mlp.ts";
import { sgdStep } from "../lib/nn/sgd.ts";
import { exportState, importState } from "../lib/nn/state.ts";
import { Workspace } from "../lib/nn/workspace.ts";
import { Rng } from "../lib/random/rng.ts";
import type { Float } from "../lib/tensor/matrix.ts";
import { naiveKernels as k } from "../lib/tensor/naive.ts";
import { assertClose } from "./assert.ts";

/** Every parameter array of a net, weights then biases. */
function parameters(net: Mlp): Float[] {
  return [...net.weights.map((w) => w.data), ...net.biases];
}

function gradientCheck(batch: number, init: InitScheme): void {
  const widths = [7, 6, 5, 3];
  const net = createMlp(k, { widths, dtype: "float64", init, seed: 11 });
  const rng = Rng.named(5, `gradcheck/${batch}/${init}`);
  // Nonzero biases so that their gradients and the bias paths are exercised too.
  for (const b of net.biases) for (let j = 0; j < b.length; j++) b[j] = 0.1 * rng.normal();
  const ws = new Workspace(k, widths, batch, "float64");
  for (let i = 0; i < ws.input.data.length; i++) ws.input.data[i] = rng.normal();
  const labels = Int32Array.from({ length: batch }, () => rng.int(3));
  const buf = ws.rows(batch);
  const meanLoss = () => mlpScore(k, net, buf, labels).lossSum / batch;

  // Central finite differences of the batch-mean loss, in float64.
  const h = 1e-5;
  const numeric: number[] = [];
  for (const p of parameters(net)) {
    for (let i = 0; i < p.length; i++) {
      const saved = p[i];
      p[i] = saved + h;
      const up = meanLoss();
      p[i] = saved - h;
      const down = meanLoss();
      p[i] = saved;
      numeric.push((up - down) / (2 * h));
    }
  }

  // The SGD step with η = 1 moves every parameter by exactly −∇L.
  const before = exportState(net);
  sgdStep(k, net, buf, labels, 1);
  const flat = (s: { weights: readonly Float64Array[]; biases: readonly Float64Array[] }) =>
    [...s.weights, ...s.biases].flatMap((a) => [...a]);
  const after = flat(exportState(net));
  const analytic = flat(before).map((v, i) => v - after[i]);
  assertClose(analytic, numeric, 1e-7, `B=${batch} ${init}`);
  importState(net, before);
  assertClose(flat(exportState(net)), flat(before), 0);
}

for (const batch of [1, 4]) {
  for (const init of ["he", "glorot"] as const) {
    Deno.test(`gradient check: SGD step equals finite differences (float64, B=${batch}, ${init})`, () => {
      gradientCheck(batch, init);
    });
  }
}
