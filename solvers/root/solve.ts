/**
 * @module The `root` job (specs/root.md §2): load and encode the offline data, resolve presets, then run ROOT
 * (pairs → bridge training → guided skip sampling from the top-Q rows toward the target, D1–D3), the GA-on-GP baseline
 * or random designs; decode candidates, predict them with the base GP of epoch 0, score benchmarks with their oracle,
 * and write candidates / predictions / scores / the trained bridge as .npy artifacts.
 */
import type { RootSpec } from '../../shared/index.js';
import { downsample, HistoryRecorder } from '../core/history.js';
import type { RunContext, SolverOutput } from '../core/types.js';
import { gradientAscent, randomDesigns } from './baselines.js';
import { sampleBridge } from './bridge/sampler.js';
import { type Dataset, decodeDesigns, encodeDesigns, loadDataset } from './dataset.js';
import { GpMean, GpWorkspace } from './gp.js';
import { unzscore, zscore } from './normalise.js';
import { gpRowsFor, type Offline, prepareOffline } from './offline.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { scoreStats, TFBIND8_RANDOM128 } from './scores.js';
import { Streams } from './streams.js';
import { type RootTraining, trainRoot } from './train-root.js';

export interface TargetInfo {
  value: number;
  z: number;
  rule: 'user' | 'offline-margin' | 'paper-oracle';
  clamped: boolean;
}

/** The conditioning target (Decisions D3). */
export function resolveTarget(o: ResolvedOptions, ds: Dataset, off: Offline, lastMaxYHigh: number): TargetInfo {
  const { mean, std } = off.yStats;
  if (typeof o.target === 'number') return { value: o.target, z: (o.target - mean) / std, rule: 'user', clamped: false };
  if (o.variant === 'reference' && ds.benchmark) {
    const z = (0.8 * (ds.benchmark.paperYMax - mean)) / std;
    return { value: mean + std * z, z, rule: 'paper-oracle', clamped: false };
  }
  let z = off.maxYz + o.targetMargin;
  const cap = Math.max(lastMaxYHigh, off.maxYz);
  const clamped = z > cap;
  if (clamped) z = cap;
  return { value: mean + std * z, z, rule: 'offline-margin', clamped };
}

function rows(Q: number, w: number, data: Float64Array, integer: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < Q; i++) out.push(Array.from(data.subarray(i * w, (i + 1) * w), (v) => (integer ? Math.round(v) : v)));
  return out;
}

export async function solveRoot(spec: RootSpec, ctx: RunContext): Promise<SolverOutput> {
  const t0 = ctx.now();
  const ds = await loadDataset(spec.problem, ctx.data);
  const reference = spec.options.variant === 'reference';
  const streams = new Streams(spec.seed, reference);
  const off = prepareOffline(ds, streams.shuffle());
  const o = resolveOptions(spec.options, ds, off.Z, () => streams.lengthscale());
  const { d } = off;
  const aborted = () => ctx.signal.aborted;

  // Base GP (ℓ0, σ²0, no perturbation) on the GP rows of epoch 0: GA's surrogate and `predicted` for every method.
  const work = new GpWorkspace(o.gpRows);
  const rows0 = gpRowsFor(off, o.gpRows, () => streams.gpSubset(0));
  const gp0 = GpMean.fit(ctx.kernels, rows0.n, d, rows0.X, rows0.y, o.lengthscale, o.outputscale, o.gpNoise, work);

  const Qstart = o.candidates;
  const starts = off.order.subarray(0, Qstart);
  const startRows = new Float64Array(Qstart * d);
  for (let i = 0; i < Qstart; i++) startRows.set(off.Z.subarray(starts[i] * d, (starts[i] + 1) * d), i * d);

  let stop: SolverOutput['stop'] = 'max_iterations';
  let iterations = 0;
  let history: Record<string, unknown>[] = [];
  let Q = Qstart;
  let designs: Float64Array;
  let target: TargetInfo | undefined;
  let training: RootTraining | undefined;

  if (o.method === 'root') {
    training = await trainRoot(off, o, streams, ctx, t0, work);
    iterations = training.epochs;
    history = downsample(training.history.map((r) => ({ ...r })));
    if (training.stop === 'cancelled') return cancelled(iterations, history, o);
    stop = training.stop;
    target = resolveTarget(o, ds, off, training.lastMaxYHigh);
    const yStart = new Float64Array(Q);
    for (let i = 0; i < Q; i++) yStart[i] = off.yz[starts[i]];
    const yTarget = new Float64Array(Q).fill(target.z);
    // D1: corrected feeds (y_high = target, y_low = start ŷ) as in training; reference swaps the two slots.
    const [slotHigh, slotLow] = reference ? [yStart, yTarget] : [yTarget, yStart];
    const x = sampleBridge(Q, d, startRows, slotHigh, slotLow, training.trainer.denoiser(), {
      steps: o.samplingSteps,
      eta: o.samplerEta,
      guidance: o.guidance,
      rng: streams.sampler(),
      aborted,
      onStep: (i) => ctx.progress({ iteration: iterations, objective: training?.trainer.lastLoss ?? null, measure: training?.validationLoss ?? null, elapsedMs: ctx.now() - t0, phase: 'sample', step: i }),
    });
    if (!x) return cancelled(iterations, history, o);
    designs = decodeDesigns(ds, Q, unzscore(Q, d, x, off.xStats, x));
  } else if (o.method === 'gradient-ascent') {
    const x = Float64Array.from(startRows);
    const pred = new Float64Array(Q);
    const rec = new HistoryRecorder<Record<string, unknown>>();
    const meanPred = () => {
      gp0.predict(Q, x, pred);
      let s = 0;
      for (let i = 0; i < Q; i++) s += pred[i];
      return off.yStats.mean + (off.yStats.std * s) / Q;
    };
    rec.push({ iteration: 0, meanPredicted: meanPred() });
    iterations = gradientAscent(gp0, Q, x, o.gradientSteps, o.stepSize, aborted, (s) => {
      const m = meanPred();
      rec.push({ iteration: s, meanPredicted: m });
      ctx.progress({ iteration: s, objective: m, elapsedMs: ctx.now() - t0, phase: 'ascent' });
    });
    history = rec.finish();
    if (iterations < o.gradientSteps) return cancelled(iterations, history, o);
    designs = decodeDesigns(ds, Q, unzscore(Q, d, x, off.xStats, x));
  } else {
    const r = randomDesigns(ds, o.candidates, streams.random());
    Q = r.count;
    designs = r.designs;
  }

  // Predictions of the base GP at the returned designs (re-encoded, z-scored), in user y units.
  const enc = zscore(Q, d, encodeDesigns(ds, Q, designs, new Float64Array(Q * d)), off.xStats, new Float64Array(Q * d));
  const predicted = gp0.predict(Q, enc, new Float64Array(Q));
  for (let i = 0; i < Q; i++) predicted[i] = off.yStats.mean + off.yStats.std * predicted[i];

  let best = 0;
  for (let i = 1; i < ds.n; i++) if (ds.y[i] > ds.y[best]) best = i;
  const integer = ds.kind === 'categorical';
  const offlineBest: Record<string, unknown> = { index: best, x: Array.from(ds.X.subarray(best * ds.width, (best + 1) * ds.width)), y: ds.y[best] };

  const out: SolverOutput = {
    stop,
    iterations,
    history,
    options: publicOptions(o),
    method: o.method,
    variant: o.variant,
    candidates: rows(Q, ds.width, designs, integer),
    predicted: Array.from(predicted),
    offlineBest,
  };
  if (o.method !== 'random') out.starts = Array.from(starts, (s) => off.perm[s]);
  if (target) out.target = target;
  if (training) {
    const tr = training.trainer;
    out.training = {
      batches: tr.batches,
      optimizerSteps: tr.optimizerSteps,
      pairsPerEpoch: training.pairsPerEpoch,
      finalLoss: tr.lastLoss,
      validationLoss: training.validationLoss,
      finalLearningRate: tr.scheduler.lr,
      gpJitterRetries: training.jittered,
    };
  }
  if (ds.benchmark) {
    const b = ds.benchmark;
    offlineBest.normalised = (ds.y[best] - b.yMin) / (b.yMax - b.yMin);
    const raw = b.score(Q, designs);
    const startDesigns = new Float64Array(Qstart * ds.width);
    for (let i = 0; i < Qstart; i++) {
      const u = off.perm[starts[i]];
      startDesigns.set(ds.X.subarray(u * ds.width, (u + 1) * ds.width), i * ds.width);
    }
    const scores: Record<string, unknown> = {
      ...scoreStats(raw, b.yMin, b.yMax, ds.y[best]),
      startScores: scoreStats(b.score(Qstart, startDesigns), b.yMin, b.yMax, ds.y[best]),
      task: b.task,
      dim: b.dim,
      dataSeed: b.dataSeed,
      ...b.info,
    };
    if (b.task === 'tfbind8') scores.baseline = { random128: TFBIND8_RANDOM128 };
    out.scores = scores;
    const norm = new Float64Array(Q);
    for (let i = 0; i < Q; i++) norm[i] = (raw[i] - b.yMin) / (b.yMax - b.yMin);
    await ctx.artifacts.write('scores.npy', norm, [Q]);
  }
  await ctx.artifacts.write('candidates.npy', integer ? Int32Array.from(designs) : designs, [Q, ds.width]);
  await ctx.artifacts.write('predicted.npy', predicted, [Q]);
  if (training) {
    const tr = training.trainer;
    await ctx.artifacts.write('bridge-weights.npy', tr.ema, [tr.ema.length]);
    await ctx.artifacts.write('bridge-layout.npy', Int32Array.from([d, o.hidden]), [2]);
    const norm = new Float64Array(2 * d + 2);
    norm.set(off.xStats.mean, 0);
    norm.set(off.xStats.std, d);
    norm[2 * d] = off.yStats.mean;
    norm[2 * d + 1] = off.yStats.std;
    await ctx.artifacts.write('bridge-normalisation.npy', norm, [2 * d + 2]);
  }
  out.elapsedMs = ctx.now() - t0;
  return out;
}

/** Options as applied (all `auto` resolved), without internal fields. */
function publicOptions(o: ResolvedOptions): Record<string, unknown> {
  const { gpSubset: _unused, ...rest } = o;
  return rest;
}

function cancelled(iterations: number, history: Record<string, unknown>[], o: ResolvedOptions): SolverOutput {
  return { stop: 'cancelled', iterations, history, options: publicOptions(o) };
}
