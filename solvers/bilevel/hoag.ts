/**
 * @module HOAG baseline (specs/bilevel.md §2.6, after Pedregosa 2016 and the reference's `HOAG` class): lower
 * solve and CG both to the current tolerance ε, a step 1/L on the inexact hypergradient, L adapted by the
 * sufficient-decrease test on consecutive losses (a rejected step is undone in the paper variant, as in
 * Pedregosa's code; kept in the reference variant, as in the MAID repository), and ε decreased by a geometric, quadratic or cubic schedule.
 * After each iteration the state (θ, x̃, the undo point, ε, L, the last accepted loss) goes to the `boundary` hook.
 */
import type { F64 } from '../kernels/ops.js';
import type { Engine } from './engine.js';
import type { HistoryPoint, LoopResume, ProgressHook, RunOutcome } from './maid.js';

export interface HoagSettings {
  eps0: number;
  schedule: 'geometric' | 'quadratic' | 'cubic';
  decay: number;
  maxIterations: number;
  tolerance: number;
  lowerCap: number;
  /** Paper variant: a rejected step returns to the previous iterate (Pedregosa 2016); reference: θ stays (§2.6). */
  undoRejected: boolean;
}

/** The HOAG tolerance after iteration k (before the floor at 1e-12). */
export function hoagNextEps(s: Pick<HoagSettings, 'eps0' | 'schedule' | 'decay'>, k: number, eps: number): number {
  if (s.schedule === 'geometric') return s.decay * eps;
  if (k < 1) return eps;
  return Math.min(eps, s.eps0 / (k + 1) ** (s.schedule === 'quadratic' ? 2 : 3));
}

export async function runHoag(engine: Engine, s: HoagSettings, onIteration: ProgressHook, ck: LoopResume = {}): Promise<RunOutcome> {
  const { model } = engine;
  const n = model.n;
  const p = model.p;
  const theta = Float64Array.from(model.theta0);
  const x: F64 = Float64Array.from(model.x0);
  const q = new Float64Array(n);
  const z = new Float64Array(p);
  const gx = new Float64Array(n);
  const thetaPrev = new Float64Array(p);
  const xPrev = new Float64Array(n);
  let hasPrev = false;
  let eps = s.eps0;
  let gPrev = Number.POSITIVE_INFINITY;
  const C = 0.25;
  let L = 1;
  const history: HistoryPoint[] = [];
  const accuracyLog: RunOutcome['accuracyLog'] = [{ eps, delta: eps, why: 'init' }];
  let stop: RunOutcome['stop'] = 'max_iterations';
  let iterations = 0;
  let accepted = 0;
  let failed = 0;
  let recorded = Number.NaN;
  let xEps = eps;
  const r0 = ck.resume;
  if (r0) {
    if (r0.method !== 'hoag') throw new Error('HOAG cannot resume a MAID state');
    const c = r0.scalars;
    theta.set(r0.vectors.theta);
    x.set(r0.vectors.x);
    thetaPrev.set(r0.vectors.thetaPrev);
    xPrev.set(r0.vectors.xPrev);
    hasPrev = c.hasPrev === 1;
    ({ eps, gPrev, L, accepted, failed, recorded, xEps } = c as Record<string, number>);
    iterations = r0.iteration;
    history.push(...r0.history);
    accuracyLog.length = 0;
    accuracyLog.push(...r0.accuracyLog);
    if (r0.stop) stop = r0.stop;
  }
  const resumedFrom = iterations;
  for (let k = resumedFrom; stop === 'max_iterations' && k < s.maxIterations; k++) {
    engine.beginIteration(k);
    const r = await engine.lower(theta, x, eps, x, s.lowerCap);
    if (!r.finite) throw new Error('the lower-level problem diverged at the current hyperparameters');
    xEps = eps;
    if (engine.exhausted()) {
      stop = 'budget';
      break;
    }
    const hg = await engine.hypergradient(x, theta, eps, eps, q, z, gx);
    const gk = hg.g;
    if (k === 0) {
      L = hg.zNorm > 1e-3 ? hg.zNorm / Math.sqrt(p) : 1;
      history.push({ iteration: 0, upperLoss: gk, eps, delta: eps, alpha: 1 / L, cost: engine.total, accepted: false, gradNorm: hg.zNorm, omega: hg.omega });
    }
    recorded = gk;
    if (s.tolerance > 0 && hg.zNorm + hg.omega <= s.tolerance) {
      stop = 'converged';
      break;
    }
    const incr = hg.zNorm / L;
    const epsOld = eps;
    eps = Math.max(hoagNextEps(s, k, eps), 1e-12);
    let moved = true;
    if (gk <= gPrev + C * eps + epsOld * (C + 1) * incr - L * incr * incr) {
      L *= 0.95;
      gPrev = gk;
    } else if (gk >= 1.2 * gPrev) {
      L *= 2;
      eps /= 2;
      moved = false;
      failed++;
      if (s.undoRejected && hasPrev) {
        // Pedregosa's HOAG: go back to the previous iterate and retry from it with the doubled L.
        theta.set(thetaPrev);
        x.set(xPrev);
      }
    } else {
      gPrev = gk;
    }
    if (moved) {
      thetaPrev.set(theta);
      xPrev.set(x);
      hasPrev = true;
      for (let t = 0; t < p; t++) theta[t] = Math.min(1000, Math.max(-1000, theta[t] - z[t] / L));
      accepted++;
      if (!model.admissible(theta)) throw new Error('HOAG stepped to hyperparameters whose exponentials overflow');
    }
    accuracyLog.push({ eps, delta: eps, why: moved ? 'accepted' : 'failed' });
    iterations = k + 1;
    const pt: HistoryPoint = { iteration: k + 1, upperLoss: gk, eps, delta: eps, alpha: 1 / L, cost: engine.total, accepted: moved, gradNorm: hg.zNorm, omega: hg.omega };
    history.push(pt);
    onIteration({ ...pt, measure: hg.zNorm + hg.omega });
    const ending = engine.exhausted();
    if (ck.boundary) {
      await ck.boundary({
        method: 'hoag',
        iteration: iterations,
        stop: ending ? 'budget' : null,
        scalars: { eps, gPrev, L, accepted, failed, recorded, xEps, hasPrev: hasPrev ? 1 : 0 },
        vectors: { theta, x, thetaPrev, xPrev },
        history,
        accuracyLog,
      });
    }
    if (ending) {
      stop = 'budget';
      break;
    }
  }
  // The last step moved θ without a solve: bring x̃ to the final θ so the reported loss belongs to it.
  if (stop === 'max_iterations' && iterations > 0) {
    await engine.lower(theta, x, eps, x, s.lowerCap);
    xEps = eps;
    recorded = model.upper(x);
  }
  return {
    stop,
    iterations,
    theta,
    x,
    xEps,
    upperLoss: recorded,
    accepted,
    failedLineSearches: failed,
    eps,
    delta: eps,
    alpha: 1 / L,
    history,
    steps: [],
    accuracyLog,
    resumedFrom,
  };
}
