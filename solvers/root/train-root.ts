/**
 * @module The ROOT epoch loop (specs/root.md §2.1): per epoch, GP rows (all or a fresh subset), F synthetic functions
 * with perturbed (ℓ, σ²), up/down walks from a random order of the top-pool rows, pair filtering, the first ⌊0.1k⌋
 * kept pairs of each function to the growing validation pool, the rest shuffled into batches for the bridge; EMA
 * validation every 20 epochs and at the last epoch. Stops early on cancel or the time budget.
 */
import type { RunContext } from '../core/types.js';
import { BridgeTrainer, type PairBatchSource } from './bridge/train.js';
import { GpMean, type GpWorkspace } from './gp.js';
import type { Offline } from './offline.js';
import { gpRowsFor } from './offline.js';
import type { ResolvedOptions } from './options.js';
import { type PairSet, walkBuffers, walkPairs } from './pairs.js';
import type { Streams } from './streams.js';

export const VALIDATION_FRACTION = 0.1;
export const VALIDATION_EVERY = 20;

/** A growable pool of pairs. */
export class PairPool implements PairBatchSource {
  count = 0;
  xHigh: Float64Array;
  xLow: Float64Array;
  yHigh: Float64Array;
  yLow: Float64Array;
  constructor(
    readonly d: number,
    capacity = 64,
  ) {
    this.xHigh = new Float64Array(capacity * d);
    this.xLow = new Float64Array(capacity * d);
    this.yHigh = new Float64Array(capacity);
    this.yLow = new Float64Array(capacity);
  }
  clear(): void {
    this.count = 0;
  }
  private grow(need: number): void {
    if (need <= this.yHigh.length) return;
    const cap = Math.max(need, 2 * this.yHigh.length);
    const g = (a: Float64Array, w: number) => {
      const b = new Float64Array(cap * w);
      b.set(a.subarray(0, this.count * w));
      return b;
    };
    this.xHigh = g(this.xHigh, this.d);
    this.xLow = g(this.xLow, this.d);
    this.yHigh = g(this.yHigh, 1);
    this.yLow = g(this.yLow, 1);
  }
  /** Appends pairs [from, to) of a set. */
  push(p: PairSet, from: number, to: number): void {
    const k = to - from;
    if (k <= 0) return;
    this.grow(this.count + k);
    const d = this.d;
    this.xHigh.set(p.xHigh.subarray(from * d, to * d), this.count * d);
    this.xLow.set(p.xLow.subarray(from * d, to * d), this.count * d);
    this.yHigh.set(p.yHigh.subarray(from, to), this.count);
    this.yLow.set(p.yLow.subarray(from, to), this.count);
    this.count += k;
  }
}

export interface EpochRecord {
  iteration: number;
  loss: number;
  validationLoss?: number;
  learningRate: number;
  pairsKept: number;
  elapsedMs: number;
}

export interface RootTraining {
  stop: 'max_iterations' | 'budget' | 'cancelled';
  epochs: number;
  trainer: BridgeTrainer;
  pairsPerEpoch: number[];
  history: EpochRecord[];
  validationLoss: number;
  /** Largest y⁺ label among the last generated epoch's training pairs (−∞ if none). */
  lastMaxYHigh: number;
  /** Number of GP factorisations that needed extra diagonal jitter. */
  jittered: number;
}

export async function trainRoot(off: Offline, o: ResolvedOptions, streams: Streams, ctx: RunContext, t0: number, work: GpWorkspace): Promise<RootTraining> {
  const { d } = off;
  const trainer = new BridgeTrainer(
    ctx.kernels,
    { d, hidden: o.hidden, batchSize: o.batchSize, accumulate: o.accumulate, learningRate: o.learningRate, cfgDropout: o.cfgDropout },
    streams.init(),
    Math.min(o.candidates, 256),
  );
  const P = o.startPoints;
  const buf = walkBuffers(P, d);
  const pool = off.order.subarray(0, o.poolSize);
  const poolPerm = new Int32Array(pool.length);
  const starts = new Int32Array(P);
  const train = new PairPool(d, 1024);
  const val = new PairPool(d, 1024);
  const pairsPerEpoch: number[] = [];
  const history: EpochRecord[] = [];
  const aborted = () => ctx.signal.aborted;
  const overBudget = () => o.timeLimitS !== undefined && ctx.now() - t0 > o.timeLimitS * 1000;
  let validationLoss = Number.NaN;
  let lastMaxYHigh = Number.NEGATIVE_INFINITY;
  let jittered = 0;
  let stop: RootTraining['stop'] = 'max_iterations';
  let epochs = 0;
  let order = new Int32Array(0);

  for (let e = 0; e < o.epochs; e++) {
    const rows = gpRowsFor(off, o.gpRows, () => streams.gpSubset(e));
    const rng = streams.pairs(e);
    train.clear();
    let kept = 0;
    let maxYHigh = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < o.functionsPerEpoch; s++) {
      if (aborted()) return done('cancelled');
      ctx.progress({ iteration: e, objective: trainer.lastLoss, measure: validationLoss, elapsedMs: ctx.now() - t0, phase: 'pairs', function: s, functions: o.functionsPerEpoch });
      const ell = o.lengthscale + o.perturbation * (2 * rng.next() - 1);
      const s2 = o.outputscale + o.perturbation * (2 * rng.next() - 1);
      const gp = GpMean.fit(ctx.kernels, rows.n, d, rows.X, rows.y, ell, s2, o.gpNoise, work);
      if (gp.noiseUsed > o.gpNoise) jittered++;
      for (let i = 0; i < pool.length; i++) poolPerm[i] = pool[i];
      rng.shuffle(poolPerm);
      for (let i = 0; i < P; i++) starts[i] = poolPerm[i];
      const pairs = walkPairs(gp, off.Z, starts, P, o.gradientSteps, o.stepSize, o.pairThreshold, buf, aborted);
      if (!pairs) return done('cancelled');
      const nVal = Math.floor(VALIDATION_FRACTION * pairs.count);
      val.push(pairs, 0, nVal);
      train.push(pairs, nVal, pairs.count);
      for (let i = nVal; i < pairs.count; i++) if (pairs.yHigh[i] > maxYHigh) maxYHigh = pairs.yHigh[i];
      kept += pairs.count;
    }
    pairsPerEpoch.push(kept);
    if (train.count > 0) lastMaxYHigh = maxYHigh;
    if (order.length < train.count) order = new Int32Array(Math.max(train.count, 2 * order.length));
    const ord = order.subarray(0, train.count);
    for (let i = 0; i < train.count; i++) ord[i] = i;
    rng.shuffle(ord);
    let lossSum = 0;
    let nb = 0;
    for (let from = 0; from < train.count; from += o.batchSize) {
      if (aborted()) return done('cancelled');
      const B = Math.min(o.batchSize, train.count - from);
      lossSum += trainer.trainBatch(train, ord, from, B, (b) => streams.batch(b));
      nb++;
      ctx.progress({ iteration: e, objective: lossSum / nb, measure: validationLoss, elapsedMs: ctx.now() - t0, phase: 'train', batch: trainer.batches });
    }
    const last = e === o.epochs - 1 || overBudget();
    let vl: number | undefined;
    if ((e + 1) % VALIDATION_EVERY === 0 || last) {
      vl = trainer.validate(val, 64, (k) => streams.validation(k));
      if (Number.isFinite(vl)) validationLoss = vl;
    }
    epochs = e + 1;
    const rec: EpochRecord = { iteration: e + 1, loss: nb > 0 ? lossSum / nb : Number.NaN, learningRate: trainer.scheduler.lr, pairsKept: kept, elapsedMs: ctx.now() - t0 };
    if (vl !== undefined && Number.isFinite(vl)) rec.validationLoss = vl;
    history.push(rec);
    ctx.progress({ iteration: e + 1, objective: rec.loss, measure: validationLoss, elapsedMs: rec.elapsedMs, phase: 'train', learningRate: rec.learningRate, pairsKept: kept });
    await Promise.resolve();
    if (last && e < o.epochs - 1) {
      stop = 'budget';
      break;
    }
  }
  return done(stop);

  function done(s: RootTraining['stop']): RootTraining {
    return { stop: s, epochs, trainer, pairsPerEpoch, history, validationLoss, lastMaxYHigh, jittered };
  }
}
