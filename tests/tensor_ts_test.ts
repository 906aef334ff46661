import { tsKernels } from "../lib/tensor/ts-kernels.ts";
import { checkGemm, checkLayerKernels, checkLevel2, checkRejections } from "./tensor_cases.ts";
import { checkInputWeights, checkTrainingElementwise } from "./tensor_training_cases.ts";

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`tsKernels gemm matches naive (${dtype})`, () =>
    checkGemm(tsKernels, tsKernels.vector, dtype, 11));
  Deno.test(`tsKernels gemv/ger match naive (${dtype})`, () =>
    checkLevel2(tsKernels, tsKernels.vector, dtype, 12));
  Deno.test(`tsKernels layer kernels match naive (${dtype})`, () =>
    checkLayerKernels(tsKernels, tsKernels.vector, dtype, 13));
  Deno.test(`tsKernels training kernels and input weights match naive (${dtype})`, () => {
    checkTrainingElementwise(tsKernels, tsKernels.vector, dtype, 14);
    checkInputWeights(tsKernels, tsKernels.vector, dtype, 15);
  });
}

Deno.test("tsKernels rejects mismatched shapes and precisions", () => checkRejections(tsKernels));
