/**
 * @module Training of the conditional Brownian bridge (specs/root.md §1.5, §2.1–2.2): per batch t ~ U{0..999},
 * ε ~ N(0, I), CFG mask (u ≤ p ⇒ y_high = y_low = 0), x_t = (1 − m_t)x_high + m_t x_low + √δ_t ε, target
 * r_t = x_t − x_high, L1 loss; gradients summed over `accumulate` batches (D9), Adam (β 0.9/0.999, ε 1e-8), plateau
 * scheduler stepped with the current batch loss, EMA every 8·accumulate batches. Validation with the EMA weights.
 */
import type { Kernels } from '../../kernels/ops.js';
import type { Rng } from '../../core/rng.js';
import { initParameters, layerViews, type LayerView, Mlp, parameterCount } from './mlp.js';
import { emaUpdate, PlateauScheduler } from './optim.js';
import { BRIDGE_STEPS, makeSchedule, type Schedule } from './schedule.js';
import type { Denoiser } from './sampler.js';

export interface PairBatchSource {
  count: number;
  xHigh: Float64Array;
  xLow: Float64Array;
  yHigh: Float64Array;
  yLow: Float64Array;
}

export interface TrainerScalars {
  batches: number;
  optimizerSteps: number;
  lastLoss: number;
  lr: number;
  best: number;
  bad: number;
  cool: number;
}

export interface TrainerOptions {
  d: number;
  hidden: number;
  batchSize: number;
  accumulate: number;
  learningRate: number;
  cfgDropout: number;
}

export class BridgeTrainer {
  readonly params: Float64Array;
  readonly ema: Float64Array;
  readonly grads: Float64Array;
  /** Adam first and second moments. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly scheduler: PlateauScheduler;
  /** Global batch counter (1-based after the first batch). */
  batches = 0;
  optimizerSteps = 0;
  lastLoss = Number.NaN;
  private readonly mlp: Mlp;
  private readonly layers: LayerView[];
  private readonly emaLayers: LayerView[];
  private readonly gradLayers: LayerView[];
  private readonly schedule: Schedule;
  private readonly target: Float64Array;
  private readonly eps: Float64Array;
  private readonly xt: Float64Array;

  constructor(
    readonly kernels: Kernels,
    readonly opts: TrainerOptions,
    initRng: Rng,
    sampleBatch = 128,
  ) {
    const { d, hidden: H } = opts;
    this.params = initParameters(d, H, initRng);
    this.ema = Float64Array.from(this.params);
    const n = parameterCount(d, H);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.scheduler = new PlateauScheduler(opts.learningRate);
    this.mlp = new Mlp(kernels, d, H, Math.max(opts.batchSize, sampleBatch));
    this.layers = layerViews(d, H, this.params);
    this.emaLayers = layerViews(d, H, this.ema);
    this.gradLayers = layerViews(d, H, this.grads);
    this.schedule = makeSchedule();
    this.target = new Float64Array(this.mlp.maxBatch * d);
    this.eps = new Float64Array(d);
    this.xt = new Float64Array(d);
  }

  /** Scalars of the optimiser state (with params, ema, grads, m, v: everything a resume needs). */
  scalars(): TrainerScalars {
    const sc = this.scheduler;
    return { batches: this.batches, optimizerSteps: this.optimizerSteps, lastLoss: this.lastLoss, lr: sc.lr, best: sc.best, bad: sc.bad, cool: sc.cool };
  }

  /** Restores a state saved with `scalars()` and the five flat arrays. */
  restore(s: TrainerScalars, arrays: { params: Float64Array; ema: Float64Array; grads: Float64Array; m: Float64Array; v: Float64Array }): void {
    for (const [name, a] of Object.entries(arrays)) {
      if (a.length !== this.params.length) throw new Error(`checkpoint array ${name} has ${a.length} entries, expected ${this.params.length}`);
    }
    this.params.set(arrays.params);
    this.ema.set(arrays.ema);
    this.grads.set(arrays.grads);
    this.m.set(arrays.m);
    this.v.set(arrays.v);
    this.batches = s.batches;
    this.optimizerSteps = s.optimizerSteps;
    this.lastLoss = s.lastLoss;
    this.scheduler.lr = s.lr;
    this.scheduler.best = s.best;
    this.scheduler.bad = s.bad;
    this.scheduler.cool = s.cool;
  }

  /** Fills the MLP input and the regression target for rows idx[from..from+B) of the pairs; returns B. */
  private fillBatch(pairs: PairBatchSource, idx: ArrayLike<number>, from: number, B: number, rng: Rng): void {
    const d = this.opts.d;
    const { m, sqrtVariance } = this.schedule;
    for (let i = 0; i < B; i++) {
      const p = idx[from + i];
      const t = rng.int(BRIDGE_STEPS);
      rng.fillNormal(this.eps);
      const masked = rng.next() <= this.opts.cfgDropout && this.opts.cfgDropout > 0;
      const mt = m[t];
      const sv = sqrtVariance[t];
      for (let j = 0; j < d; j++) {
        const xh = pairs.xHigh[p * d + j];
        const x = (1 - mt) * xh + mt * pairs.xLow[p * d + j] + sv * this.eps[j];
        this.xt[j] = x;
        this.target[i * d + j] = x - xh;
      }
      this.mlp.setInput(i, this.xt, 0, t, masked ? 0 : pairs.yHigh[p], masked ? 0 : pairs.yLow[p]);
    }
  }

  /** One training batch (global index b = ++batches) on rows order[from..from+B). Returns the batch loss. */
  trainBatch(pairs: PairBatchSource, order: ArrayLike<number>, from: number, B: number, batchRng: (b: number) => Rng): number {
    this.batches++;
    const b = this.batches;
    const acc = this.opts.accumulate;
    this.fillBatch(pairs, order, from, B, batchRng(b));
    this.mlp.forward(B, this.layers);
    const loss = this.mlp.l1Loss(B, this.target);
    this.mlp.backward(B, this.layers, this.gradLayers, (b - 1) % acc !== 0);
    if (b % acc === 0) {
      this.optimizerSteps++;
      this.kernels.adam(this.params.length, this.params, this.grads, this.m, this.v, this.scheduler.lr, 0.9, 0.999, 1e-8, this.optimizerSteps);
      this.scheduler.step(loss);
    }
    if (b % (8 * acc) === 0) emaUpdate(b, this.ema, this.params);
    this.lastLoss = loss;
    return loss;
  }

  /**
   * Mean L1 loss over the pool with the EMA weights, batches of `batchSize` in order, batch k seeded by rng(k).
   * `pause` is awaited between batches; resolves to undefined when `aborted()` becomes true.
   */
  async validate(
    pool: PairBatchSource,
    batchSize: number,
    rng: (k: number) => Rng,
    pause?: () => Promise<void>,
    aborted?: () => boolean,
  ): Promise<number | undefined> {
    if (pool.count === 0) return Number.NaN;
    const order = new Int32Array(pool.count);
    for (let i = 0; i < pool.count; i++) order[i] = i;
    let sum = 0;
    let k = 0;
    const bs = Math.min(batchSize, this.mlp.maxBatch);
    for (let from = 0; from < pool.count; from += bs) {
      if (pause) await pause();
      if (aborted?.()) return undefined;
      const B = Math.min(bs, pool.count - from);
      this.fillBatch(pool, order, from, B, rng(k));
      this.mlp.forward(B, this.emaLayers);
      sum += this.mlp.l1Loss(B, this.target);
      k++;
    }
    return sum / k;
  }

  /** A denoiser evaluating the network with the given flat weights (default: the EMA weights), in row chunks. */
  denoiser(weights: Float64Array = this.ema): Denoiser {
    const layers = weights === this.ema ? this.emaLayers : layerViews(this.opts.d, this.opts.hidden, weights);
    return mlpDenoiser(this.mlp, this.opts.d, layers);
  }
}

/** The denoiser of a network (layers over flat weights), evaluated by `mlp` in chunks of its maxBatch rows. */
export function mlpDenoiser(mlp: Mlp, d: number, layers: LayerView[]): Denoiser {
  return (Q, x, t, yHigh, yLow, out) => {
    for (let r = 0; r < Q; r += mlp.maxBatch) {
      const B = Math.min(mlp.maxBatch, Q - r);
      for (let i = 0; i < B; i++) mlp.setInput(i, x, (r + i) * d, t, yHigh[r + i], yLow[r + i]);
      const f = mlp.forward(B, layers);
      const o = r * d;
      for (let j = 0; j < B * d; j++) out[o + j] = f[j];
    }
  };
}

/**
 * A denoiser for saved weights (a trained bridge reused by a later job), with the trainer's row chunking
 * (max(batchSize, 128) rows), so that it computes exactly what the trainer's denoiser computed.
 */
export function weightsDenoiser(kernels: Kernels, d: number, hidden: number, weights: Float64Array, batchSize: number, sampleBatch = 128): Denoiser {
  return mlpDenoiser(new Mlp(kernels, d, hidden, Math.max(batchSize, sampleBatch)), d, layerViews(d, hidden, weights));
}
