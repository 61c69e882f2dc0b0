/**
 * @module The ROOT denoiser (specs/root.md §1.5, CODE model/.../ours/mlp.py): input [x_t (d), t raw, y_high, y_low] →
 * Linear(d+3, H) → Swish → Linear(H, H) → Swish → Linear(H, H) → Swish → Linear(H, d). Parameters live in one flat
 * Float64Array (so Adam and the EMA are single elementwise passes); weights N(0, 0.02²), biases U(±1/√fan_in).
 * Forward, L1 loss and backward run on ctx.kernels (dense / denseBackward).
 */
import type { Kernels } from '../../kernels/ops.js';
import type { Rng } from '../../core/rng.js';

export interface LayerView {
  nin: number;
  nout: number;
  W: Float64Array;
  b: Float64Array;
}

export function layerSizes(d: number, H: number): number[] {
  return [d + 3, H, H, H, d];
}

export function parameterCount(d: number, H: number): number {
  const s = layerSizes(d, H);
  let n = 0;
  for (let l = 0; l + 1 < s.length; l++) n += s[l] * s[l + 1] + s[l + 1];
  return n;
}

/** Views of the 4 layers inside a flat parameter (or gradient) vector. */
export function layerViews(d: number, H: number, flat: Float64Array): LayerView[] {
  const s = layerSizes(d, H);
  const out: LayerView[] = [];
  let off = 0;
  for (let l = 0; l + 1 < s.length; l++) {
    const nin = s[l];
    const nout = s[l + 1];
    const W = flat.subarray(off, off + nin * nout);
    off += nin * nout;
    const b = flat.subarray(off, off + nout);
    off += nout;
    out.push({ nin, nout, W, b });
  }
  return out;
}

/** PyTorch-like initialisation used by the reference: W ~ N(0, 0.02²), b ~ U(−1/√fan_in, 1/√fan_in). */
export function initParameters(d: number, H: number, rng: Rng): Float64Array {
  const flat = new Float64Array(parameterCount(d, H));
  for (const layer of layerViews(d, H, flat)) {
    rng.fillNormal(layer.W, 0, 0.02);
    const bound = 1 / Math.sqrt(layer.nin);
    rng.fillUniform(layer.b, -bound, bound);
  }
  return flat;
}

/** Forward/backward buffers for batches of up to maxBatch rows, and the operations on them. */
export class Mlp {
  readonly inputWidth: number;
  readonly input: Float64Array;
  readonly output: Float64Array;
  private readonly pre: Float64Array[];
  private readonly act: Float64Array[];
  private readonly dAct: Float64Array[];
  private readonly dOut: Float64Array;

  constructor(
    readonly kernels: Kernels,
    readonly d: number,
    readonly H: number,
    readonly maxBatch: number,
  ) {
    this.inputWidth = d + 3;
    this.input = new Float64Array(maxBatch * this.inputWidth);
    this.output = new Float64Array(maxBatch * d);
    this.pre = [0, 1, 2].map(() => new Float64Array(maxBatch * H));
    this.act = [0, 1, 2].map(() => new Float64Array(maxBatch * H));
    this.dAct = [0, 1].map(() => new Float64Array(maxBatch * H));
    this.dOut = new Float64Array(maxBatch * d);
  }

  /** Writes row i of the input: [x (d), t, yHigh, yLow]. */
  setInput(i: number, x: Float64Array, xOff: number, t: number, yHigh: number, yLow: number): void {
    const w = this.inputWidth;
    const d = this.d;
    for (let j = 0; j < d; j++) this.input[i * w + j] = x[xOff + j];
    this.input[i * w + d] = t;
    this.input[i * w + d + 1] = yHigh;
    this.input[i * w + d + 2] = yLow;
  }

  /** output[B×d] = f(input[B×(d+3)]) with the given parameter views. */
  forward(B: number, layers: LayerView[]): Float64Array {
    const k = this.kernels;
    const H = this.H;
    k.dense(B, this.inputWidth, H, this.input, layers[0].W, layers[0].b, 'silu', this.act[0], this.pre[0]);
    k.dense(B, H, H, this.act[0], layers[1].W, layers[1].b, 'silu', this.act[1], this.pre[1]);
    k.dense(B, H, H, this.act[1], layers[2].W, layers[2].b, 'silu', this.act[2], this.pre[2]);
    k.dense(B, H, this.d, this.act[2], layers[3].W, layers[3].b, 'none', this.output);
    return this.output;
  }

  /** Mean absolute error of output[B×d] against target[B×d]; also sets ∂loss/∂output for `backward`. */
  l1Loss(B: number, target: Float64Array): number {
    const n = B * this.d;
    let s = 0;
    const inv = 1 / n;
    for (let i = 0; i < n; i++) {
      const r = this.output[i] - target[i];
      s += Math.abs(r);
      this.dOut[i] = r > 0 ? inv : r < 0 ? -inv : 0;
    }
    return s * inv;
  }

  /** Back-propagates the last l1Loss into grads (views of the flat gradient), summing into them when `accumulate`. */
  backward(B: number, layers: LayerView[], grads: LayerView[], accumulate: boolean): void {
    const k = this.kernels;
    const H = this.H;
    k.denseBackward(B, H, this.d, this.act[2], layers[3].W, this.output, 'none', this.dOut, grads[3].W, grads[3].b, this.dAct[0], accumulate);
    k.denseBackward(B, H, H, this.act[1], layers[2].W, this.pre[2], 'silu', this.dAct[0], grads[2].W, grads[2].b, this.dAct[1], accumulate);
    k.denseBackward(B, H, H, this.act[0], layers[1].W, this.pre[1], 'silu', this.dAct[1], grads[1].W, grads[1].b, this.dAct[0], accumulate);
    k.denseBackward(B, this.inputWidth, H, this.input, layers[0].W, this.pre[0], 'silu', this.dAct[0], grads[0].W, grads[0].b, undefined, accumulate);
  }
}
