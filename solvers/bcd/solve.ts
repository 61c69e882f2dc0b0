/**
 * @module The BCD outer loop (specs/bcd.md §2.1): select b → update (applied to the maintained state) → rescore
 * b ∪ N(b) or everything → monotonicity check (Decision 10) → optimality ‖G(x)‖∞ (every iteration when the full
 * gradient is maintained, else every ⌈n/τ⌉) → relative stop; resync from scratch every 10·⌈n/τ⌉ iterations;
 * cancellation, time budget and progress reporting; sign-pattern tracking for `activeSetIdentifiedAt` (§1.6).
 */
import type { BcdResolvedOptions, StopReason } from '../../shared/index.js';
import { HistoryRecorder, type Rng } from '../core/index.js';
import { eligibleCoordinates, makeFixedBlocks } from './blocks.js';
import type { Model } from './problems/model.js';
import { optimality, psiValue } from './problems/model.js';
import { makeSelector, type Selector } from './rules.js';
import { Updater, type UpdateStats } from './updates.js';

export interface SolveEnv {
  rng: Rng;
  signal?: AbortSignal;
  now: () => number;
  progress?: (p: { iteration: number; objective: number; measure: number | null; elapsedMs: number }) => void;
}

export interface HistoryPoint {
  iteration: number;
  objective: number;
  optimality?: number;
  elapsedMs: number;
}

export interface SolveStats extends UpdateStats {
  fullGradients: number;
  scoreUpdates: number;
  meanBlockSize: number;
  monotonicityViolations: number;
}

export interface SolveOutcome {
  stop: StopReason;
  iterations: number;
  objective: number;
  optimality: number;
  optimalityInitial: number;
  history: HistoryPoint[];
  stats: SolveStats;
  activeSetIdentifiedAt?: number;
  warnings: string[];
  elapsedMs: number;
  selector: Selector;
  /** Objective after every iteration when `traceObjective` (benchmarks / tests), index = iteration. */
  trace?: Float64Array;
}

export interface SolveExtras {
  /** Record F after every iteration into `trace` (length maxIterations + 1). */
  traceObjective?: boolean;
  /** Called after every iteration (tests: state invariants). */
  onIteration?: (k: number, b: Int32Array, len: number) => void;
  /** Baseline for the complexity benchmark: rescore all n items every iteration (the dense O(n) scan). */
  denseScan?: boolean;
}

export async function solveModel(m: Model, o: BcdResolvedOptions, env: SolveEnv, extras: SolveExtras = {}): Promise<SolveOutcome> {
  const t0 = env.now();
  const n = m.n;
  const warnings = [...m.warnings];
  const eligible = eligibleCoordinates(m.L);
  const tau = Math.max(1, Math.min(o.blockSize, eligible.length));
  const rng = env.rng;
  const fixed = makeFixedBlocks(m, o, eligible, tau, rng);
  let D = m.L;
  if (o.diagonal === 'gershgorin' && (o.rule === 'gsd' || o.rule === 'gsl')) D = m.gershgorin();
  const setup = makeSelector(m, o, tau, eligible, fixed, o.rule === 'gsq' ? m.L : D, rng);
  const sel = setup.selector;
  let cap = tau;
  if (fixed) for (const b of fixed) cap = Math.max(cap, b.length);
  if (o.blocks === 'greedy-forest') cap = n;
  const upd = new Updater(m, o, Math.max(cap, 1));
  const b = new Int32Array(Math.max(cap, n > 0 ? Math.min(n, Math.max(cap, tau)) : 1));

  const stats: SolveStats = { fullGradients: 0, scoreUpdates: 0, meanBlockSize: 0, monotonicityViolations: 0, blockSolves: 0, lineSearchBacktracks: 0, pinvFallbacks: 0 };
  const refreshG = () => {
    if (!m.incremental) {
      m.refreshGradient();
      stats.fullGradients++;
    }
  };
  refreshG();
  sel.rebuild();
  const objective = () => m.f() + psiValue(m);
  let F = objective();
  const opt0 = optimality(m);
  let opt = opt0;
  const hist = new HistoryRecorder<HistoryPoint>();
  hist.push({ iteration: 0, objective: F, optimality: opt0, elapsedMs: 0 });
  const trace = extras.traceObjective ? new Float64Array(o.maxIterations + 1).fill(Number.NaN) : undefined;
  if (trace) trace[0] = F;
  const passLen = Math.max(1, Math.ceil(n / tau));
  const resyncEvery = 10 * passLen;
  const gradAlways = m.incremental || sel.greedy;
  const sign = m.l1 ? new Int8Array(n) : undefined;
  if (sign) for (let i = 0; i < n; i++) sign[i] = Math.sign(m.x[i]);
  let lastSignChange = 0;
  let stop: StopReason = 'max_iterations';
  let k = 0;
  let blockTotal = 0;
  const deadline = o.timeLimitS !== undefined ? t0 + o.timeLimitS * 1000 : Number.POSITIVE_INFINITY;
  let lastYield = env.now();
  let lastProgress = lastYield;
  const tolAbs = o.tolerance * opt0;
  if (o.tolerance > 0 && opt0 <= tolAbs) stop = 'converged';
  else if (opt0 === 0) stop = 'converged';

  while (stop === 'max_iterations' && k < o.maxIterations) {
    if ((k & 15) === 0) {
      const now = env.now();
      if (env.signal?.aborted) {
        stop = 'cancelled';
        break;
      }
      if (now >= deadline) {
        stop = 'budget';
        break;
      }
      if (now - lastYield > 200) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = env.now();
        if (env.signal?.aborted) {
          stop = 'cancelled';
          break;
        }
      }
      if (env.progress && now - lastProgress > 500) {
        env.progress({ iteration: k, objective: F, measure: opt, elapsedMs: now - t0 });
        lastProgress = now;
      }
    }
    const len = sel.next(k, b);
    blockTotal += len;
    const Lb = setup.Lb && sel.lastBlock >= 0 ? setup.Lb[sel.lastBlock] : Number.NaN;
    upd.step(b, len, Lb);
    k++;
    if (sign) {
      for (let t = 0; t < len; t++) {
        const i = b[t];
        const s = Math.sign(m.x[i]);
        if (s !== sign[i]) {
          sign[i] = s;
          lastSignChange = k;
        }
      }
    }
    let resynced = false;
    if (k % resyncEvery === 0) {
      m.resync();
      resynced = true;
    }
    if (gradAlways) refreshG();
    if (resynced || extras.denseScan) sel.rebuild();
    else sel.refresh();
    const Fnew = objective();
    if (Fnew > F + 1e-12 * Math.abs(F)) stats.monotonicityViolations++;
    F = Fnew;
    if (trace) trace[k] = F;
    let point: HistoryPoint = { iteration: k, objective: F, elapsedMs: env.now() - t0 };
    // Optimality every iteration on the dense greedy path (g refreshed anyway); every ⌈n/τ⌉ iterations otherwise, and
    // on the sparse incremental path too, so that an iteration stays O(τ(Δ+1) log n) (amortised O(τ)).
    if ((gradAlways && !m.incremental) || k % passLen === 0 || k === o.maxIterations) {
      if (!gradAlways) refreshG();
      opt = optimality(m);
      point = { ...point, optimality: opt };
      if (o.tolerance > 0 && opt <= tolAbs) stop = 'converged';
    }
    hist.push(point);
    extras.onIteration?.(k, b, len);
  }
  if (!gradAlways) refreshG();
  opt = optimality(m);
  F = objective();
  if (stats.monotonicityViolations > 0) warnings.push(`objective increased in ${stats.monotonicityViolations} iteration(s) (monotonicity check)`);
  if (upd.stats.pinvFallbacks > 0) warnings.push(`pinv fallback used ${upd.stats.pinvFallbacks} times`);
  Object.assign(stats, upd.stats);
  stats.scoreUpdates = sel.scoreUpdates();
  stats.meanBlockSize = k > 0 ? blockTotal / k : 0;
  const elapsedMs = env.now() - t0;
  env.progress?.({ iteration: k, objective: F, measure: opt, elapsedMs });
  return {
    stop,
    iterations: k,
    objective: F,
    optimality: opt,
    optimalityInitial: opt0,
    history: hist.finish(),
    stats,
    activeSetIdentifiedAt: sign ? lastSignChange : undefined,
    warnings,
    elapsedMs,
    selector: sel,
    trace,
  };
}
