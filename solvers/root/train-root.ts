/**
 * @module The ROOT epoch loop (specs/root.md §2.1): per epoch, GP rows (all or a fresh subset), F synthetic functions
 * with perturbed (ℓ, σ²), up/down walks from a random order of the top-pool rows, pair filtering, the first ⌊0.1k⌋
 * kept pairs of each function to the growing validation pool, the rest shuffled into batches for the bridge; EMA
 * validation every 20 epochs and at the last epoch. Stops early on cancel or the time budget. Checkpoints (at most
 * every 30 s, at batch or epoch boundaries, and on cancel) hold the trainer, the validation pool and, inside an epoch,
 * that epoch's pairs and batch order, so a resumed run is bit-identical to an uninterrupted one on the CPU backend.
 */
import type { CheckpointArrays, RunContext } from '../core/types.js';
import { BridgeTrainer, type PairBatchSource, type TrainerScalars } from './bridge/train.js';
import { fromJsonNumber, type JsonNumber, type RootCheckpointer, toJsonNumber } from './checkpoint.js';
import { GpMean, type GpWorkspace } from './gp.js';
import type { Offline } from './offline.js';
import { gpRowsFor } from './offline.js';
import type { ResolvedOptions } from './options.js';
import { type PairSet, walkBuffers, walkPairs } from './pairs.js';
import type { Pause } from './pause.js';
import type { Streams } from './streams.js';
import type { RootTiming } from './timing.js';

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
  /** The first `count` pairs as standalone arrays (checkpoints). */
  arrays(prefix: string, count = this.count): CheckpointArrays {
    const d = this.d;
    return {
      [`${prefix}XHigh`]: this.xHigh.slice(0, count * d),
      [`${prefix}XLow`]: this.xLow.slice(0, count * d),
      [`${prefix}YHigh`]: this.yHigh.slice(0, count),
      [`${prefix}YLow`]: this.yLow.slice(0, count),
    };
  }
  /** Replaces the content with arrays written by `arrays(prefix)`. */
  load(prefix: string, a: CheckpointArrays): void {
    const yHigh = a[`${prefix}YHigh`] as Float64Array;
    this.count = 0;
    this.push({ count: yHigh.length, d: this.d, xHigh: a[`${prefix}XHigh`] as Float64Array, xLow: a[`${prefix}XLow`] as Float64Array, yHigh, yLow: a[`${prefix}YLow`] as Float64Array }, 0, yHigh.length);
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
  /** Where a loaded checkpoint put the run (epochs completed, batch offset inside the next epoch). */
  resumedFrom?: { epochs: number; pairOffset: number };
}

interface EpochRecordJson extends Omit<EpochRecord, 'loss'> {
  loss: JsonNumber;
}

/** JSON part of a training checkpoint (arrays: params, ema, grads, adamM, adamV, val*, and train*, order inside an epoch). */
export interface TrainingMeta {
  version: number;
  hash: string;
  /** Epochs completed. */
  epochsDone: number;
  /** True: inside epoch `epochsDone`, its pairs generated, batches before pair offset `from` trained. */
  inEpoch: boolean;
  from: number;
  epochKept: number;
  epochMaxYHigh: JsonNumber;
  lossSum: JsonNumber;
  nb: number;
  trainer: Omit<TrainerScalars, 'lastLoss' | 'best'> & { lastLoss: JsonNumber; best: JsonNumber };
  pairsPerEpoch: number[];
  history: EpochRecordJson[];
  validationLoss: JsonNumber;
  lastMaxYHigh: JsonNumber;
  jittered: number;
}

interface EpochCursor {
  from: number;
  kept: number;
  maxYHigh: number;
  lossSum: number;
  nb: number;
}

export async function trainRoot(
  off: Offline,
  o: ResolvedOptions,
  streams: Streams,
  ctx: RunContext,
  t0: number,
  work: GpWorkspace,
  ckpt: RootCheckpointer,
  pause: Pause,
  timing?: RootTiming,
): Promise<RootTraining> {
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
  let pairsPerEpoch: number[] = [];
  let history: EpochRecord[] = [];
  const aborted = () => ctx.signal.aborted;
  const tick = () => pause.tick();
  const overBudget = () => o.timeLimitS !== undefined && ctx.now() - t0 > o.timeLimitS * 1000;
  const batchRng = (b: number) => streams.batch(b);
  let validationLoss = Number.NaN;
  let lastMaxYHigh = Number.NEGATIVE_INFINITY;
  let jittered = 0;
  let stop: RootTraining['stop'] = 'max_iterations';
  let epochs = 0;
  let order = new Int32Array(0);
  let cursor: EpochCursor | undefined;
  let resumedFrom: RootTraining['resumedFrom'];

  const saved = await ckpt.load<TrainingMeta>();
  if (saved) {
    const { meta: m, arrays: a } = saved;
    trainer.restore(
      { ...m.trainer, lastLoss: fromJsonNumber(m.trainer.lastLoss), best: fromJsonNumber(m.trainer.best) },
      { params: a.params as Float64Array, ema: a.ema as Float64Array, grads: a.grads as Float64Array, m: a.adamM as Float64Array, v: a.adamV as Float64Array },
    );
    val.load('val', a);
    pairsPerEpoch = [...m.pairsPerEpoch];
    history = m.history.map((r) => ({ ...r, loss: fromJsonNumber(r.loss) }));
    validationLoss = fromJsonNumber(m.validationLoss);
    lastMaxYHigh = fromJsonNumber(m.lastMaxYHigh);
    jittered = m.jittered;
    epochs = m.epochsDone;
    if (m.inEpoch) {
      train.load('train', a);
      order = Int32Array.from(a.order as Int32Array);
      cursor = { from: m.from, kept: m.epochKept, maxYHigh: fromJsonNumber(m.epochMaxYHigh), lossSum: fromJsonNumber(m.lossSum), nb: m.nb };
    }
    resumedFrom = { epochs, pairOffset: cursor?.from ?? 0 };
    ctx.log('root: resumed from checkpoint', resumedFrom);
  }

  for (let e = epochs; e < o.epochs; e++) {
    const tEpoch = ctx.now();
    const valAtStart = val.count;
    const jitteredAtStart = jittered;
    let c: EpochCursor;
    if (cursor) {
      c = cursor;
      cursor = undefined;
    } else {
      c = { from: 0, kept: 0, maxYHigh: Number.NEGATIVE_INFINITY, lossSum: 0, nb: 0 };
      const rows = gpRowsFor(off, o.gpRows, () => streams.gpSubset(e));
      const rng = streams.pairs(e);
      train.clear();
      for (let s = 0; s < o.functionsPerEpoch; s++) {
        await tick();
        if (aborted()) return cancel(e, valAtStart, jitteredAtStart);
        ctx.progress({ iteration: e, objective: trainer.lastLoss, measure: validationLoss, elapsedMs: ctx.now() - t0, phase: 'pairs', function: s, functions: o.functionsPerEpoch });
        const ell = o.lengthscale + o.perturbation * (2 * rng.next() - 1);
        const s2 = o.outputscale + o.perturbation * (2 * rng.next() - 1);
        const gp = GpMean.fit(ctx.kernels, rows.n, d, rows.X, rows.y, ell, s2, o.gpNoise, work, timing);
        if (gp.noiseUsed > o.gpNoise) jittered++;
        if (timing) {
          timing.factorisations++;
          timing.gpRows = rows.n;
        }
        for (let i = 0; i < pool.length; i++) poolPerm[i] = pool[i];
        rng.shuffle(poolPerm);
        for (let i = 0; i < P; i++) starts[i] = poolPerm[i];
        const tWalk = ctx.now();
        const pairs = await walkPairs(gp, off.Z, starts, P, o.gradientSteps, o.stepSize, o.pairThreshold, buf, aborted, tick);
        if (timing) {
          timing.walkMs += ctx.now() - tWalk;
          timing.walkSteps += o.gradientSteps;
        }
        if (!pairs) return cancel(e, valAtStart, jitteredAtStart);
        const nVal = Math.floor(VALIDATION_FRACTION * pairs.count);
        val.push(pairs, 0, nVal);
        train.push(pairs, nVal, pairs.count);
        for (let i = nVal; i < pairs.count; i++) if (pairs.yHigh[i] > c.maxYHigh) c.maxYHigh = pairs.yHigh[i];
        c.kept += pairs.count;
      }
      pairsPerEpoch.push(c.kept);
      if (train.count > 0) lastMaxYHigh = c.maxYHigh;
      if (order.length < train.count) order = new Int32Array(Math.max(train.count, 2 * order.length));
      const ord = order.subarray(0, train.count);
      for (let i = 0; i < train.count; i++) ord[i] = i;
      rng.shuffle(ord);
    }
    const ord = order.subarray(0, train.count);
    while (c.from < train.count) {
      await tick();
      if (aborted()) return cancelInEpoch(e, c);
      const B = Math.min(o.batchSize, train.count - c.from);
      const tBatch = ctx.now();
      c.lossSum += trainer.trainBatch(train, ord, c.from, B, batchRng);
      if (timing) {
        timing.networkMs += ctx.now() - tBatch;
        timing.batches++;
      }
      c.nb++;
      c.from += B;
      ctx.progress({ iteration: e, objective: c.lossSum / c.nb, measure: validationLoss, elapsedMs: ctx.now() - t0, phase: 'train', batch: trainer.batches });
      if (ckpt.due()) await saveInEpoch(e, c);
    }
    const last = e === o.epochs - 1 || overBudget();
    let vl: number | undefined;
    if ((e + 1) % VALIDATION_EVERY === 0 || last) {
      const tVal = ctx.now();
      vl = await trainer.validate(val, 64, (k) => streams.validation(k), tick, aborted);
      if (timing) timing.validationMs += ctx.now() - tVal;
      if (vl === undefined) return cancelInEpoch(e, c);
      if (Number.isFinite(vl)) validationLoss = vl;
    }
    epochs = e + 1;
    if (timing) {
      timing.epochMs += ctx.now() - tEpoch;
      timing.epochs++;
    }
    const rec: EpochRecord = { iteration: e + 1, loss: c.nb > 0 ? c.lossSum / c.nb : Number.NaN, learningRate: trainer.scheduler.lr, pairsKept: c.kept, elapsedMs: ctx.now() - t0 };
    if (vl !== undefined && Number.isFinite(vl)) rec.validationLoss = vl;
    history.push(rec);
    ctx.progress({ iteration: e + 1, objective: rec.loss, measure: validationLoss, elapsedMs: rec.elapsedMs, phase: 'train', learningRate: rec.learningRate, pairsKept: c.kept });
    if (ckpt.due()) await saveEpochStart(e + 1, val.count, jittered);
    if (last && e < o.epochs - 1) {
      stop = 'budget';
      break;
    }
  }
  return done(stop);

  function done(s: RootTraining['stop']): RootTraining {
    const out: RootTraining = { stop: s, epochs, trainer, pairsPerEpoch, history, validationLoss, lastMaxYHigh, jittered };
    if (resumedFrom) out.resumedFrom = resumedFrom;
    return out;
  }

  async function cancel(e: number, valCount: number, jitteredAtStart: number): Promise<RootTraining> {
    await saveEpochStart(e, valCount, jitteredAtStart);
    return done('cancelled');
  }

  async function cancelInEpoch(e: number, c: EpochCursor): Promise<RootTraining> {
    await saveInEpoch(e, c);
    return done('cancelled');
  }

  function meta(epochsDone: number, inEpoch: boolean, c: EpochCursor, jit: number): Omit<TrainingMeta, 'version' | 'hash'> {
    const sc = trainer.scalars();
    return {
      epochsDone,
      inEpoch,
      from: c.from,
      epochKept: c.kept,
      epochMaxYHigh: toJsonNumber(c.maxYHigh),
      lossSum: toJsonNumber(c.lossSum),
      nb: c.nb,
      trainer: { ...sc, lastLoss: toJsonNumber(sc.lastLoss), best: toJsonNumber(sc.best) },
      pairsPerEpoch: [...pairsPerEpoch],
      history: history.map((r) => ({ ...r, loss: toJsonNumber(r.loss) })),
      validationLoss: toJsonNumber(validationLoss),
      lastMaxYHigh: toJsonNumber(lastMaxYHigh),
      jittered: jit,
    };
  }

  function trainerArrays(): CheckpointArrays {
    return { params: trainer.params, ema: trainer.ema, grads: trainer.grads, adamM: trainer.m, adamV: trainer.v };
  }

  /** State at the start of epoch `epochsDone` (no pairs of it yet; the validation pool cut back to `valCount`). */
  async function saveEpochStart(epochsDone: number, valCount: number, jit: number): Promise<void> {
    const c = { from: 0, kept: 0, maxYHigh: Number.NEGATIVE_INFINITY, lossSum: 0, nb: 0 };
    await ckpt.save(meta(epochsDone, false, c, jit), { ...trainerArrays(), ...val.arrays('val', valCount) });
  }

  /** State inside epoch e: its training pairs, their batch order and the batch cursor. */
  async function saveInEpoch(e: number, c: EpochCursor): Promise<void> {
    const arrays = { ...trainerArrays(), ...val.arrays('val'), ...train.arrays('train'), order: order.slice(0, train.count) };
    await ckpt.save(meta(e, true, c, jittered), arrays);
  }
}
