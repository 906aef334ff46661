/**
 * One layer as one node holds it: the node's coded block of W (and its snapshot), the full bias
 * (every node runs the nonlinear steps), the tracked weight norms, the exchange plans of the two
 * stages, their decoders, and the buffers the node computes in. Everything a kernel touches lives
 * in the node's kernel memory.
 *
 * @module
 */

import type { LayerCode, LayerLayout } from "../../codes/layer-code.ts";
import type { StageDecoder } from "../../codes/decoder.ts";
import type { QuickMargin } from "../../tensor/naive-quick-margin.ts";
import type { Kernels } from "../../tensor/kernels.ts";
import type { NormKernels } from "../../tensor/naive-norms.ts";
import type { DType, Float, Matrix } from "../../tensor/matrix.ts";
import type { ExchangePlan } from "../exchange.ts";
import { LayerNorms } from "./norms.ts";

/** A layer of the network at one node; see the module documentation. */
export class NodeLayer {
  readonly layout: LayerLayout;
  /** The stored (coded) block W̃ of this node. */
  readonly block: Matrix;
  /** The block at the last verified checkpoint. */
  readonly blockSnapshot: Matrix;
  /** The layer's bias b (N entries; every node keeps the whole vector). */
  readonly bias: Float;
  readonly biasSnapshot: Float;
  /** Squared row/column norms of the (uncoded) W, and their snapshot. */
  readonly norms: LayerNorms;
  readonly normsSnapshot: LayerNorms;
  readonly forwardActive: boolean;
  readonly backwardActive: boolean;
  /** Forward symbols (G_f) and backward symbols (G_b). */
  readonly forwardSymbols: number;
  readonly backwardSymbols: number;
  /**
   * Encoded input of the products: capacity × blockCols (forward) and batch × blockRows (backward:
   * only training steps run it).
   */
  readonly xin: Matrix;
  readonly din: Matrix;
  /** The node's partial products: capacity × blockRows (forward), batch × blockCols (backward). */
  readonly partialForward: Matrix;
  readonly partialBackward: Matrix;
  /** Encoded update vectors x̂ (batch × blockCols) and δ̂ (batch × blockRows). */
  readonly xhat: Matrix;
  readonly dhat: Matrix;
  /**
   * Received symbols (G × rows·L) and decoded message rows (wanted × rows·L), rows = capacity
   * forward, batch backward: views of the node's two stage buffers, which every stage of every
   * layer shares (a stage's symbols and messages are consumed before the next stage starts).
   */
  readonly forwardReceived: Float;
  readonly backwardReceived: Float;
  readonly forwardMessages: Float;
  readonly backwardMessages: Float;
  /** Per stage and batch size (key `2·b + stage`): decoder, exchange plan, symbol and message views. */
  readonly #stages = new Map<number, StageBuffers>();

  constructor(
    readonly index: number,
    readonly code: LayerCode,
    readonly node: number,
    /** Outputs N (rows of W). */
    readonly rows: number,
    /** Inputs preN (columns of W). */
    readonly cols: number,
    /** Samples of the largest forward stage (a training or an evaluation batch). */
    readonly capacity: number,
    /** Samples of a training batch (the backward stage and the update). */
    readonly batch: number,
    readonly dtype: DType,
    readonly k: Kernels & NormKernels,
    readonly mode: "probabilistic" | "adversarial",
    /** The node's shared stage buffers (see {@link stageBufferLengths}). */
    shared: { readonly received: Float; readonly messages: Float },
    /** The MDS decoders' one-pass clean test (default: the JS reference; nodes pass their wasm kernels'). */
    readonly quickMargin?: QuickMargin,
  ) {
    const layout = code.layout(rows, cols);
    this.layout = layout;
    const { blockRows, blockCols } = layout;
    this.block = k.matrix(blockRows, blockCols, dtype);
    this.blockSnapshot = k.matrix(blockRows, blockCols, dtype);
    this.bias = k.vector(rows, dtype);
    this.biasSnapshot = k.vector(rows, dtype);
    this.norms = new LayerNorms(rows, cols, batch, k);
    this.normsSnapshot = new LayerNorms(rows, cols, batch, k);
    this.forwardActive = code.forwardActive(node);
    this.backwardActive = code.backwardActive(node);
    this.forwardSymbols = code.forwardGroups().length;
    this.backwardSymbols = code.backwardGroups().length;
    this.xin = k.matrix(capacity, blockCols, dtype);
    this.din = k.matrix(batch, blockRows, dtype);
    this.partialForward = k.matrix(capacity, blockRows, dtype);
    this.partialBackward = k.matrix(batch, blockCols, dtype);
    this.xhat = k.matrix(batch, blockCols, dtype);
    this.dhat = k.matrix(batch, blockRows, dtype);
    const n = stageBufferLengths(code, layout, capacity, batch);
    if (shared.received.length < n.received || shared.messages.length < n.messages) {
      throw new RangeError(`layer ${index}: the shared stage buffers are too short`);
    }
    this.forwardReceived = shared.received.subarray(0, this.forwardSymbols * capacity * layout.forwardLength);
    this.backwardReceived = shared.received.subarray(0, this.backwardSymbols * batch * layout.backwardLength);
    this.forwardMessages = shared.messages.subarray(
      0,
      code.forward.wanted.length * capacity * layout.forwardLength,
    );
    this.backwardMessages = shared.messages.subarray(
      0,
      code.backward.wanted.length * batch * layout.backwardLength,
    );
  }

  /** The exchange plan of a stage for a batch of `b` samples. */
  plan(stage: "forward" | "backward", b: number): ExchangePlan {
    return this.#stage(stage, b).plan;
  }

  /** The decoder of a stage for `b` samples (built once per distinct batch size). */
  decoder(stage: "forward" | "backward", b: number): StageDecoder {
    return this.#stage(stage, b).decoder;
  }

  /** Views of the received symbols (one per group) of a stage for `b` samples. */
  symbolViews(stage: "forward" | "backward", b: number): readonly Float[] {
    return this.#stage(stage, b).symbols;
  }

  /** Views of the decoded message rows (one per wanted row) of a stage for `b` samples. */
  messageViews(stage: "forward" | "backward", b: number): readonly Float[] {
    return this.#stage(stage, b).messages;
  }

  /** What a stage needs per batch size, made once (no allocation per step). */
  #stage(stage: "forward" | "backward", b: number): StageBuffers {
    const key = 2 * b + (stage === "forward" ? 0 : 1);
    let s = this.#stages.get(key);
    if (!s) {
      const forward = stage === "forward";
      const groups = forward ? this.code.forwardGroups() : this.code.backwardGroups();
      const length = b * (forward ? this.layout.forwardLength : this.layout.backwardLength);
      const stageCode = forward ? this.code.forward : this.code.backward;
      const received = forward ? this.forwardReceived : this.backwardReceived;
      const messages = forward ? this.forwardMessages : this.backwardMessages;
      s = {
        plan: { groups: groups.length, length, contributors: groups },
        decoder: stageCode.decoder({ length, mode: this.mode, quickMargin: this.quickMargin }),
        symbols: views(received, groups.length, length),
        messages: views(messages, stageCode.wanted.length, length),
      };
      this.#stages.set(key, s);
    }
    return s;
  }

  /** Saves block, bias and norms as the verified checkpoint. */
  snapshot(): void {
    copyMatrix(this.block, this.blockSnapshot);
    this.biasSnapshot.set(this.bias);
    this.normsSnapshot.copyFrom(this.norms);
  }

  /** Returns block, bias and norms to the last verified checkpoint. */
  rollBack(): void {
    copyMatrix(this.blockSnapshot, this.block);
    this.bias.set(this.biasSnapshot);
    this.norms.copyFrom(this.normsSnapshot);
  }
}

/** A stage's cached plan, decoder and views for one batch size. */
interface StageBuffers {
  readonly plan: ExchangePlan;
  readonly decoder: StageDecoder;
  readonly symbols: readonly Float[];
  readonly messages: readonly Float[];
}

/** `count` consecutive views of `length` entries. */
function views(a: Float, count: number, length: number): Float[] {
  return Array.from({ length: count }, (_, i) => a.subarray(i * length, (i + 1) * length));
}

function copyMatrix(from: Matrix, to: Matrix): void {
  to.data.set(from.data.subarray(from.offset, from.offset + from.rows * from.ld), to.offset);
}

/**
 * Elements a layer's stages need in the node's shared stage buffers: received symbols and decoded
 * message rows, forward for `capacity` samples and backward for `batch` (the larger of the two).
 */
export function stageBufferLengths(
  code: LayerCode,
  layout: LayerLayout,
  capacity: number,
  batch: number,
): { received: number; messages: number } {
  const f = capacity * layout.forwardLength;
  const b = batch * layout.backwardLength;
  return {
    received: Math.max(code.forwardGroups().length * f, code.backwardGroups().length * b),
    messages: Math.max(code.forward.wanted.length * f, code.backward.wanted.length * b),
  };
}
