/**
 * @module The `root` job (specs/root.md §2): load and encode the offline data, resolve presets, then run ROOT
 * (pairs → bridge training → guided skip sampling from the top-Q rows toward the target, D1–D3), the GA-on-GP baseline
 * or random designs; decode candidates, predict them with the base GP of epoch 0, score benchmarks with their oracle,
 * and write candidates / predictions / scores / the trained bridge as .npy artifacts. On the CPU backend the base GP
 * uses at most BASE_GP_ROWS_CPU rows (a warning and `options.baseGpRows` say so). Cancelled ROOT runs with at least
 * one trained epoch still sample candidates with the current EMA weights; cancelled GA returns its current points.
 * Internal hook `trained` (benchmarks: the guidance protocol) gets the trained bridge to sample it with other weights w.
 * With `options.bridge.job` there is no training: the candidates are sampled from the bridge that job trained
 * (reuse.ts), and the same seed reproduces that job's candidates.
 */
import type { RootSpec } from '../../shared/index.js';
import { downsample, HistoryRecorder } from '../core/history.js';
import type { Rng } from '../core/rng.js';
import type { RunContext, SolverOutput } from '../core/types.js';
import { gradientAscent, randomDesigns } from './baselines.js';
import { type Denoiser, sampleBridge } from './bridge/sampler.js';
import { type Dataset, decodeDesigns, encodeDesigns, loadDataset } from './dataset.js';
import { GpMean, GpWorkspace } from './gp.js';
import { unzscore, zscore } from './normalise.js';
import { gpRowsFor, type Offline, prepareOffline } from './offline.js';
import { BASE_GP_ROWS_CPU, type ResolvedOptions, resolveOptions } from './options.js';
import { rootSpecHash, RootCheckpointer } from './checkpoint.js';
import { Pause } from './pause.js';
import { scoreStats, TFBIND8_RANDOM128 } from './scores.js';
import { Streams } from './streams.js';
import { RootTiming } from './timing.js';
import { type RootTraining, trainRoot } from './train-root.js';
import { weightsDenoiser } from './bridge/train.js';
import { BRIDGE_ARTIFACTS, type LoadedBridge, loadBridge } from './reuse.js';

/** Time allowed for sampling candidates after a cancel (the sampler is stopped at this deadline). */
export const CANCEL_SAMPLING_MS = 20_000;

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

/**
 * Internal (benchmarks, tests; not part of the job contract): what the sampler needs once the bridge is trained.
 * `sampleRootDesigns(t, w, t.samplerRng())` with w = `options.guidance` reproduces the job's own candidates exactly.
 */
export interface TrainedRoot {
  ds: Dataset;
  off: Offline;
  options: ResolvedOptions;
  target: TargetInfo;
  /** The Q start rows (z-scored, start order) and their normalised scores. */
  startRows: Float64Array;
  yStart: Float64Array;
  denoiser: Denoiser;
  /** A fresh generator of the job's sampler-noise stream (the same noise sequence on every call). */
  samplerRng: () => Rng;
}

/** Internal hooks of `solveRoot` (benchmarks, tests). */
export interface RootHooks {
  /** Awaited once after training (method `root`), before the job's own sampling. */
  trained?: (t: TrainedRoot) => Promise<void>;
}

export interface SampleHooks {
  aborted?: () => boolean;
  pause?: () => Promise<void>;
  onStep?: (i: number, t: number) => void;
}

/**
 * Guided skip sampling (§1.6) of the trained bridge from the start rows toward the target with CFG weight w, slot
 * order per D1, decoded to user-unit designs [Q×width]; undefined when `aborted` stopped the sampler.
 */
export async function sampleRootDesigns(t: TrainedRoot, guidance: number, rng: Rng, hooks: SampleHooks = {}): Promise<Float64Array | undefined> {
  const { ds, off, options: o } = t;
  const Q = t.yStart.length;
  const d = off.d;
  const yTarget = new Float64Array(Q).fill(t.target.z);
  // D1: corrected feeds (y_high = target, y_low = start ŷ) as in training; reference swaps the two slots.
  const [slotHigh, slotLow] = o.variant === 'reference' ? [t.yStart, yTarget] : [yTarget, t.yStart];
  const x = await sampleBridge(Q, d, t.startRows, slotHigh, slotLow, t.denoiser, {
    steps: o.samplingSteps,
    eta: o.samplerEta,
    guidance,
    rng,
    aborted: hooks.aborted,
    pause: hooks.pause,
    onStep: hooks.onStep,
  });
  return x && decodeDesigns(ds, Q, unzscore(Q, d, x, off.xStats, x));
}

function rows(Q: number, w: number, data: Float64Array, integer: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < Q; i++) out.push(Array.from(data.subarray(i * w, (i + 1) * w), (v) => (integer ? Math.round(v) : v)));
  return out;
}

export async function solveRoot(spec: RootSpec, ctx: RunContext, hooks: RootHooks = {}): Promise<SolverOutput> {
  const t0 = ctx.now();
  const ds = await loadDataset(spec.problem, ctx.data);
  const reference = spec.options.variant === 'reference';
  const streams = new Streams(spec.seed, reference);
  const off = prepareOffline(ds, streams.shuffle());
  const o = resolveOptions(spec.options, ds, off.Z, () => streams.lengthscale());
  const { d } = off;
  const aborted = () => ctx.signal.aborted;
  const pause = new Pause(() => ctx.now());
  const warnings: string[] = [];
  const timing = new RootTiming(() => ctx.now());

  // Base GP (ℓ0, σ²0, no perturbation) on the GP rows of epoch 0: GA's surrogate and `predicted` for every method.
  // CPU backend: the first BASE_GP_ROWS_CPU of those rows (a float64 JS Cholesky of 15,000 rows takes many minutes).
  const cpu = ctx.kernels.info.backend === 'cpu';
  const baseGpRows = cpu ? Math.min(o.gpRows, BASE_GP_ROWS_CPU) : o.gpRows;
  if (baseGpRows < o.gpRows) {
    warnings.push(`base GP (predicted${o.method === 'gradient-ascent' ? ', gradient-ascent surrogate' : ''}) fitted on ${baseGpRows} of the ${o.gpRows} epoch-0 GP rows on the CPU backend`);
  }
  o.baseGpRows = baseGpRows;
  const work = new GpWorkspace(o.method === 'root' && !o.bridge ? Math.max(o.gpRows, baseGpRows) : baseGpRows);
  const rows0 = gpRowsFor(off, baseGpRows, () => streams.gpSubset(0));
  const tBase = ctx.now();
  const gp0 = GpMean.fit(ctx.kernels, rows0.n, d, rows0.X, rows0.y, o.lengthscale, o.outputscale, o.gpNoise, work);
  timing.baseGpMs = ctx.now() - tBase;
  await pause.tick();

  const Qstart = o.candidates;
  const starts = off.order.subarray(0, Qstart);
  const startRows = new Float64Array(Qstart * d);
  for (let i = 0; i < Qstart; i++) startRows.set(off.Z.subarray(starts[i] * d, (starts[i] + 1) * d), i * d);

  let stop: SolverOutput['stop'] = 'max_iterations';
  let iterations = 0;
  let history: Record<string, unknown>[] = [];
  let Q = Qstart;
  let designs: Float64Array | undefined;
  let target: TargetInfo | undefined;
  let training: RootTraining | undefined;
  let reused: LoadedBridge | undefined;

  if (o.method === 'root' && o.bridge) {
    // Sampling only, from the bridge an earlier job trained (same problem; this job's seed, Q, w, sampler, target).
    reused = await loadBridge(ctx, o.bridge.job, off, o.variant);
    o.hidden = reused.hidden;
    target = typeof o.target === 'number' ? resolveTarget(o, ds, off, Number.NaN) : reused.target;
    const yStart = new Float64Array(Q);
    for (let i = 0; i < Q; i++) yStart[i] = off.yz[starts[i]];
    const denoiser = weightsDenoiser(ctx.kernels, d, reused.hidden, reused.weights, o.batchSize);
    const trained: TrainedRoot = { ds, off, options: o, target, startRows, yStart, denoiser, samplerRng: () => streams.sampler() };
    const tSample = ctx.now();
    const sampled = await sampleRootDesigns(trained, o.guidance, streams.sampler(), {
      aborted,
      pause: () => pause.tick(),
      onStep: (i) => {
        timing.samplerSteps = i + 1;
        ctx.progress({ iteration: 0, objective: null, elapsedMs: ctx.now() - t0, phase: 'sample', step: i });
      },
    });
    timing.samplingMs = ctx.now() - tSample;
    if (!sampled) return cancelled(0, [], o, [...warnings, 'cancelled while sampling: no candidates']);
    designs = sampled;
  } else if (o.method === 'root') {
    const ckpt = new RootCheckpointer(ctx, rootSpecHash(spec, ds));
    training = await trainRoot(off, o, streams, ctx, t0, work, ckpt, pause, timing);
    iterations = training.epochs;
    history = downsample(training.history.map((r) => ({ ...r })));
    stop = training.stop;
    if (stop === 'cancelled' && training.epochs === 0) return cancelled(iterations, history, o, warnings);
    // After a cancel (before or during sampling) the sampler still runs, up to CANCEL_SAMPLING_MS after the abort.
    let abortSeen: number | undefined;
    const stopSampling = () => {
      if (!ctx.signal.aborted) return false;
      abortSeen ??= ctx.now();
      return ctx.now() - abortSeen > CANCEL_SAMPLING_MS;
    };
    target = resolveTarget(o, ds, off, training.lastMaxYHigh);
    const yStart = new Float64Array(Q);
    for (let i = 0; i < Q; i++) yStart[i] = off.yz[starts[i]];
    const trained: TrainedRoot = { ds, off, options: o, target, startRows, yStart, denoiser: training.trainer.denoiser(), samplerRng: () => streams.sampler() };
    if (hooks.trained) await hooks.trained(trained);
    const tSample = ctx.now();
    const sampled = await sampleRootDesigns(trained, o.guidance, streams.sampler(), {
      aborted: stopSampling,
      pause: () => pause.tick(),
      onStep: (i) => {
        timing.samplerSteps = i + 1;
        ctx.progress({ iteration: iterations, objective: training?.trainer.lastLoss ?? null, measure: training?.validationLoss ?? null, elapsedMs: ctx.now() - t0, phase: 'sample', step: i });
      },
    });
    timing.samplingMs = ctx.now() - tSample;
    if (training.trainer.batches < 8 * o.accumulate) {
      warnings.push(`only ${training.trainer.batches} training batch(es): the EMA weights (copied every ${8 * o.accumulate} batches) are still the initial network`);
    }
    if (ctx.signal.aborted) stop = 'cancelled';
    if (!sampled) {
      warnings.push(`cancelled: sampling did not finish within ${CANCEL_SAMPLING_MS / 1000} s, no candidates`);
      return cancelled(iterations, history, o, warnings);
    }
    if (stop === 'cancelled') warnings.push(`cancelled after ${iterations} epoch(s): candidates sampled with the EMA weights of that point`);
    designs = sampled;
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
    iterations = await gradientAscent(
      gp0,
      Q,
      x,
      o.gradientSteps,
      o.stepSize,
      aborted,
      (s) => {
        const m = meanPred();
        rec.push({ iteration: s, meanPredicted: m });
        ctx.progress({ iteration: s, objective: m, elapsedMs: ctx.now() - t0, phase: 'ascent' });
      },
      () => pause.tick(),
    );
    history = rec.finish();
    if (iterations < o.gradientSteps) {
      stop = 'cancelled';
      warnings.push(`cancelled after ${iterations} of ${o.gradientSteps} gradient steps: candidates are the points reached`);
    }
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
    warnings,
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
    if (training.resumedFrom) (out.training as Record<string, unknown>).resumedFrom = training.resumedFrom;
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
  if (reused) out.training = { bridgeFrom: o.bridge?.job };
  const bridgeWeights = training?.trainer.ema ?? reused?.weights;
  if (bridgeWeights) {
    // written again by a reusing job too, so that its own id can be named by a later one
    await ctx.artifacts.write(BRIDGE_ARTIFACTS.weights, bridgeWeights, [bridgeWeights.length]);
    await ctx.artifacts.write(BRIDGE_ARTIFACTS.layout, Int32Array.from([d, o.hidden]), [2]);
    const norm = new Float64Array(2 * d + 2);
    norm.set(off.xStats.mean, 0);
    norm.set(off.xStats.std, d);
    norm[2 * d] = off.yStats.mean;
    norm[2 * d + 1] = off.yStats.std;
    await ctx.artifacts.write(BRIDGE_ARTIFACTS.normalisation, norm, [2 * d + 2]);
  }
  out.timing = timing.record();
  out.elapsedMs = ctx.now() - t0;
  return out;
}

/** Options as applied (all `auto` resolved), without internal fields. */
function publicOptions(o: ResolvedOptions): Record<string, unknown> {
  const { gpSubset: _unused, ...rest } = o;
  return rest;
}

function cancelled(iterations: number, history: Record<string, unknown>[], o: ResolvedOptions, warnings: string[]): SolverOutput {
  return { stop: 'cancelled', iterations, history, options: publicOptions(o), warnings };
}
