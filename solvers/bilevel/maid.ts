/**
 * @module MAID (specs/bilevel.md §2.1; Algorithms 3.1/3.2 of Salehi, Mukherjee, Roberts & Ehrhardt) and the
 * `fixed-accuracy` baseline (§2.5): inexact hypergradient with the descent test ω ≤ (1 − η)‖z‖, inexact
 * backtracking on ψ(α) = U(x̃⁺, ε) − Lo(x̃, ε) + λα‖z‖² ≤ 0 (Lemma 3.5) with Lo at the current x̃ (`fresh`) or the
 * last recorded loss (`stale`, D1), and the adaptive rules ε, δ ← ν·(·) on failure, ← ν̄·(·) and α ← ρ̄·α on success.
 * After each upper iteration the loop state goes to the `boundary` hook; a run given that state resumes exactly there.
 */
import type { F64 } from '../kernels/ops.js';
import type { Engine } from './engine.js';

export interface MaidSettings {
  method: 'maid' | 'fixed-accuracy';
  variant: 'paper' | 'reference';
  eps0: number;
  delta0: number;
  alpha0: number | 'auto';
  rho: number;
  rhoBar: number;
  nu: number;
  nuBar: number;
  eta: number;
  lambda: number;
  maxIterations: number;
  tolerance: number;
  referenceValue: 'fresh' | 'stale';
  maxBacktracks: number;
  maxAttempts: number;
  epsMin: number;
  descentTest: boolean;
}

export interface HistoryPoint {
  iteration: number;
  upperLoss: number;
  eps: number;
  delta: number;
  alpha: number;
  cost: number;
  accepted: boolean;
  gradNorm: number;
  omega: number;
}

/** One accepted step as recorded for the invariants (§6). */
export interface StepRecord {
  iteration: number;
  attempt: number;
  backtracks: number;
  alphaStart: number;
  alpha: number;
  eps: number;
  zNorm: number;
  omega: number;
  up: number;
  lo: number;
  psi: number;
  /** θ after the step. */
  theta: number[];
}

export interface RunOutcome {
  stop: 'converged' | 'max_iterations' | 'budget' | 'cancelled';
  iterations: number;
  theta: F64;
  x: F64;
  /** Accuracy at which the final x̃ was solved. */
  xEps: number;
  upperLoss: number;
  accepted: number;
  failedLineSearches: number;
  eps: number;
  delta: number;
  alpha: number;
  history: HistoryPoint[];
  steps: StepRecord[];
  /** Every ε, δ value in the order they were set, with the reason (tests). */
  accuracyLog: { eps: number; delta: number; why: 'init' | 'descent' | 'failed' | 'accepted' }[];
  /** Upper iterations taken over from a checkpoint (0 for a fresh run); `steps` covers only the later ones. */
  resumedFrom: number;
}

export type ProgressHook = (h: HistoryPoint & { measure: number }) => void;

/**
 * The state of MAID or HOAG at an upper-iteration boundary (checkpoint.ts). `scalars` and `vectors` are the method's
 * own variables by name; `vectors`, `history` and `accuracyLog` are live references (copy what must outlive the call).
 */
export interface LoopState {
  method: 'maid' | 'hoag';
  /** Upper iterations completed. */
  iteration: number;
  /** Set when the run stops at this boundary (budget or time); a resumed run returns at once. */
  stop: 'budget' | null;
  scalars: Record<string, number>;
  vectors: Record<string, F64>;
  history: HistoryPoint[];
  accuracyLog: RunOutcome['accuracyLog'];
}

export interface LoopResume {
  /** State to continue from (its method must match). */
  resume?: LoopState;
  /** Called after every upper iteration (after the progress hook). */
  boundary?: (s: LoopState) => Promise<void>;
}

function nrm(a: F64): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export async function runMaid(engine: Engine, s: MaidSettings, onIteration: ProgressHook, ck: LoopResume = {}): Promise<RunOutcome> {
  const { model } = engine;
  const n = model.n;
  const p = model.p;
  const adaptive = s.method === 'maid';
  const theta = Float64Array.from(model.theta0);
  let x = Float64Array.from(model.x0);
  let xTrial = new Float64Array(n);
  const xEntry = new Float64Array(n);
  const thetaTrial = new Float64Array(p);
  const q = new Float64Array(n);
  const z = new Float64Array(p);
  const gx = new Float64Array(n);
  const gxTrial = new Float64Array(n);
  let eps = s.eps0;
  let delta = s.delta0;
  let alpha = s.alpha0 === 'auto' ? 1 : s.alpha0;
  let gRec = model.upper(x); // stale reference value: g(x₀) at the unsolved start (D1)
  let recorded = Number.NaN;
  let xEps = eps;
  const history: HistoryPoint[] = [];
  const steps: StepRecord[] = [];
  const accuracyLog: RunOutcome['accuracyLog'] = [{ eps, delta, why: 'init' }];
  let acceptedCount = 0;
  let failed = 0;
  let stop: RunOutcome['stop'] = 'max_iterations';
  let iterations = 0;
  let lastZ = Number.NaN;
  let lastOmega = Number.NaN;
  const r0 = ck.resume;
  if (r0) {
    if (r0.method !== 'maid') throw new Error('MAID cannot resume a HOAG state');
    const c = r0.scalars;
    theta.set(r0.vectors.theta);
    x.set(r0.vectors.x);
    ({ eps, delta, alpha, gRec, recorded, xEps, lastZ, lastOmega } = c as Record<string, number>);
    acceptedCount = c.accepted;
    failed = c.failed;
    iterations = r0.iteration;
    history.push(...r0.history);
    accuracyLog.length = 0;
    accuracyLog.push(...r0.accuracyLog);
    if (r0.stop) stop = r0.stop;
  }
  const resumedFrom = iterations;
  const shrink = (why: 'descent' | 'failed') => {
    eps = Math.max(s.nu * eps, s.epsMin);
    delta = Math.max(s.nu * delta, s.epsMin);
    accuracyLog.push({ eps, delta, why });
  };

  outer: for (let k = resumedFrom; stop === 'max_iterations' && k < s.maxIterations; k++) {
    engine.beginIteration(k);
    let stepAccepted = false;
    for (let j = 0; j < s.maxAttempts; j++) {
      // ---- hypergradient + descent test (Algorithm 3.2) ----
      xEntry.set(x);
      let hg: Awaited<ReturnType<Engine['hypergradient']>>;
      for (;;) {
        const start = s.variant === 'reference' ? xEntry : x; // D7
        const res = await engine.lower(theta, start, eps, x);
        xEps = eps;
        if (Number.isNaN(recorded)) {
          recorded = model.upper(x);
          history.push({ iteration: 0, upperLoss: recorded, eps, delta, alpha, cost: engine.total, accepted: false, gradNorm: Number.NaN, omega: Number.NaN });
        }
        if (!res.finite) throw new Error('the lower-level problem diverged at the current hyperparameters');
        if (engine.exhausted()) {
          stop = 'budget';
          break outer;
        }
        hg = await engine.hypergradient(x, theta, eps, delta, q, z, gx);
        lastZ = hg.zNorm;
        lastOmega = hg.omega;
        if (engine.exhausted()) {
          stop = 'budget';
          break outer;
        }
        if (!adaptive || !s.descentTest || hg.omega <= (1 - s.eta) * hg.zNorm) break;
        if (eps <= s.epsMin && delta <= s.epsMin) {
          stop = 'budget';
          break outer;
        }
        shrink('descent');
      }
      if (s.tolerance > 0 && hg.zNorm + hg.omega <= s.tolerance) {
        stop = 'converged';
        break outer;
      }
      if (s.alpha0 === 'auto' && k === 0 && j === 0) alpha = hg.zNorm > 1e-3 ? Math.sqrt(p) / hg.zNorm : 1;
      // ---- inexact backtracking (Lemma 3.5) ----
      const { Lg } = engine.boundConstants(theta);
      const lo = (s.referenceValue === 'fresh' ? hg.g : gRec) - hg.gNorm * eps;
      const z2 = hg.zNorm * hg.zNorm;
      let a = alpha;
      const nb = s.maxBacktracks + j;
      for (let i = 0; i < nb; i++) {
        for (let t = 0; t < p; t++) thetaTrial[t] = theta[t] - a * z[t];
        let up = Number.POSITIVE_INFINITY;
        if (model.admissible(thetaTrial)) {
          const r = await engine.lower(thetaTrial, x, eps, xTrial);
          if (r.finite) {
            const gT = model.gradUpper(xTrial, gxTrial);
            up = gT + nrm(gxTrial) * eps + 0.5 * Lg * eps * eps;
            const psi = up - lo + s.lambda * a * z2;
            if (psi <= 0) {
              steps.push({ iteration: k, attempt: j, backtracks: i, alphaStart: alpha, alpha: a, eps, zNorm: hg.zNorm, omega: hg.omega, up, lo, psi, theta: Array.from(thetaTrial) });
              theta.set(thetaTrial);
              const tmp = x;
              x = xTrial;
              xTrial = tmp;
              xEps = eps;
              gRec = gT;
              recorded = gT;
              alpha = s.rhoBar * a;
              acceptedCount++;
              stepAccepted = true;
              if (adaptive) {
                eps *= s.nuBar;
                delta *= s.nuBar;
                accuracyLog.push({ eps, delta, why: 'accepted' });
              }
              break;
            }
          }
        }
        a *= s.rho;
        if (engine.exhausted()) {
          stop = 'budget';
          break outer;
        }
        await engine.tick();
      }
      if (stepAccepted) break;
      failed++;
      if (adaptive) shrink('failed');
    }
    iterations = k + 1;
    const pt: HistoryPoint = { iteration: k + 1, upperLoss: recorded, eps, delta, alpha, cost: engine.total, accepted: stepAccepted, gradNorm: lastZ, omega: lastOmega };
    history.push(pt);
    onIteration({ ...pt, measure: lastZ + lastOmega });
    const ending = engine.exhausted();
    if (ck.boundary) {
      await ck.boundary({
        method: 'maid',
        iteration: iterations,
        stop: ending ? 'budget' : null,
        scalars: { eps, delta, alpha, gRec, recorded, xEps, lastZ, lastOmega, accepted: acceptedCount, failed },
        vectors: { theta, x },
        history,
        accuracyLog,
      });
    }
    if (ending) {
      stop = 'budget';
      break;
    }
  }
  return {
    stop,
    iterations,
    theta,
    x,
    xEps,
    upperLoss: recorded,
    accepted: acceptedCount,
    failedLineSearches: failed,
    eps,
    delta,
    alpha,
    history,
    steps,
    accuracyLog,
    resumedFrom,
  };
}
