/**
 * @module SURE choice of (λ, ν) (specs/fdr.md §1.9, D13–D15): candidate sets (explicit list, grid or seeded random
 * search), probes b_r drawn once per job (common random numbers), one base and R perturbed solves per candidate
 * (each candidate is an independent unit of work), the `corrected` estimator with per-cell variances σ̂²/n_c over
 * non-empty cells and the `reference` estimator (one σ̂², all cells, clipped probe), and the pick rule.
 */
import type { FdrOptions } from '../../shared/spec/fdr.js';
import type { Rng } from '../core/rng.js';
import { fitLifted, type FitParams, type LiftedSolve } from './fit.js';
import type { Gridded } from './gridding.js';
import type { LiftedSnapshot, SolveOptions } from './lifted.js';
import { nnDifferenceVariance, secondDifferenceVariance, waveletMadVariance } from './noise.js';

export interface Candidate {
  lambda: number;
  nu: number;
}

function spaced(lo: number, hi: number, k: number, scale: 'log' | 'uniform'): number[] {
  if (k === 1) return [lo];
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const t = i / (k - 1);
    out.push(scale === 'log' ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo));
  }
  out[k - 1] = hi;
  return out;
}

function draw(rng: Rng, lo: number, hi: number, scale: 'log' | 'uniform'): number {
  const u = rng.next();
  return scale === 'log' ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
}

/** Candidates of §1.9: explicit list, or grid/random search over the parameters given as "sure". */
export function sureCandidates(options: FdrOptions, rng: Rng): Candidate[] {
  const sure = options.sure;
  if (sure.candidates) return sure.candidates.map((c) => ({ lambda: c.lambda, nu: c.nu }));
  const s = sure.search;
  const searchL = options.lambda === 'sure';
  const searchN = options.nu === 'sure';
  const fixedL = typeof options.lambda === 'number' ? options.lambda : Number.NaN;
  const fixedN = typeof options.nu === 'number' ? options.nu : Number.NaN;
  if (s.method === 'grid') {
    const ls = searchL ? spaced(s.lambda[0], s.lambda[1], s.points, s.scale) : [fixedL];
    const ns = searchN ? spaced(s.nu[0], s.nu[1], s.points, s.scale) : [fixedN];
    const out: Candidate[] = [];
    for (const lambda of ls) for (const nu of ns) out.push({ lambda, nu });
    return out;
  }
  const out: Candidate[] = [];
  for (let i = 0; i < s.samples; i++) {
    const lambda = searchL ? draw(rng, s.lambda[0], s.lambda[1], s.scale) : fixedL;
    const nu = searchN ? draw(rng, s.nu[0], s.nu[1], s.scale) : fixedN;
    out.push({ lambda, nu });
  }
  return out;
}

export interface NoiseEstimate {
  method: 'nn-difference' | 'second-difference' | 'wavelet-mad' | 'given';
  /** Estimator value in [0,1] units (per sample for nn-difference/given, per cell otherwise). */
  value01: number;
  perCell: boolean;
  /** σ_c² per cell, [0,1] units. */
  cellVar: Float64Array;
}

export function estimateNoise(g: Gridded, options: FdrOptions): NoiseEstimate {
  const nv = options.sure.noiseVariance;
  let method: NoiseEstimate['method'];
  let value01: number;
  if (typeof nv === 'number') {
    method = 'given';
    value01 = g.yRange > 0 ? nv / (g.yRange * g.yRange) : 0;
  } else {
    method = nv === 'auto' ? (options.variant === 'reference' ? 'wavelet-mad' : g.samples ? 'nn-difference' : 'second-difference') : nv;
    if (method === 'nn-difference' && !g.samples) method = 'second-difference';
    value01 =
      method === 'nn-difference' ? nnDifferenceVariance(g) : method === 'second-difference' ? secondDifferenceVariance(g.f, g.shape) : waveletMadVariance(g.f, g.shape);
  }
  const perSample = method === 'nn-difference' || method === 'given';
  const cellVar = new Float64Array(g.N);
  for (let x = 0; x < g.N; x++) {
    if (options.variant === 'reference' || !perSample) cellVar[x] = value01;
    else cellVar[x] = g.counts[x] > 0 ? value01 / g.counts[x] : 0;
  }
  return { method, value01, perCell: !perSample, cellVar };
}

/** R probes b_r ~ N(0, I) on the grid, drawn once per job; `corrected`: zero on empty cells. */
export function drawProbes(g: Gridded, R: number, variant: FdrOptions['variant'], rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const b = new Float64Array(g.N);
    rng.fillNormal(b);
    if (variant === 'corrected') for (let x = 0; x < g.N; x++) if (g.counts[x] === 0) b[x] = 0;
    out.push(b);
  }
  return out;
}

export interface SureRow {
  lambda: number;
  nu: number;
  /** y units². */
  sure: number;
  divergence: number;
  iterations: number[];
  stop: string;
}

/** What one candidate needs of the gridded data (a worker thread rebuilds it from shared arrays). */
export type CandidateGrid = Pick<Gridded, 'f' | 'N' | 'counts' | 'yRange'>;

export interface CandidateJob {
  g: CandidateGrid;
  base: Omit<FitParams, 'lambda' | 'nu'>;
  probes: Float64Array[];
  epsilon: number;
  noise: Pick<NoiseEstimate, 'value01' | 'cellVar'>;
  solve: LiftedSolve;
  solveOpts: SolveOptions;
}

/**
 * A candidate part-way (checkpoint/resume): `solve` is the solve in progress (0 base, r ≥ 1 probe r), with the
 * iterations, the divergence sums of the probes already done, the base fit u0 (once solve ≥ 1) and the lifted
 * state of the solve in progress (absent: it starts cold).
 */
export interface CandidateProgress {
  solve: number;
  its: number[];
  divSum: number;
  weighted: number;
  baseStop: string;
  u0?: Float64Array;
  lifted?: LiftedSnapshot;
}

export type CandidateOutcome = { row: SureRow; cancelled?: undefined } | { cancelled: CandidateProgress; row?: undefined };

export interface CandidateHooks {
  resume?: CandidateProgress;
  /** After every block of 10 iterations; `take()` copies the progress (lifted state included). */
  onBlock?: (take: () => Promise<CandidateProgress>) => void | Promise<void>;
}

/**
 * One candidate: base solve + R perturbed solves, cold-started; returns its SURE row, or its progress when the
 * signal stopped it. Resuming from a progress gives the same row bit for bit (same order of operations).
 */
export async function evaluateCandidate(c: Candidate, job: CandidateJob, hooks: CandidateHooks = {}): Promise<CandidateOutcome> {
  const { g, base, probes, epsilon, noise, solve, solveOpts } = job;
  const params: FitParams = { ...base, lambda: c.lambda, nu: c.nu };
  const f = g.f;
  const R = probes.length;
  const reference = base.variant === 'reference';
  const prog: CandidateProgress = hooks.resume
    ? { ...hooks.resume, its: hooks.resume.its.slice() }
    : { solve: 0, its: [], divSum: 0, weighted: 0, baseStop: '' };
  let stopped: LiftedSnapshot | undefined;
  const optsFor = (resume: LiftedSnapshot | undefined): SolveOptions => ({
    ...solveOpts,
    resume,
    onBlock: async (take, cancelled) => {
      if (cancelled) stopped = await take();
      else if (hooks.onBlock) await hooks.onBlock(async () => ({ ...prog, its: prog.its.slice(), lifted: await take() }));
    },
  });
  if (prog.solve === 0) {
    const u = await fitLifted(f, params, solve, optsFor(prog.lifted));
    if (u.stop === 'cancelled') return { cancelled: { ...prog, lifted: stopped } };
    prog.its.push(u.iterations);
    prog.baseStop = u.stop;
    prog.u0 = u.u01;
    prog.solve = 1;
    prog.lifted = undefined;
  }
  const u0 = prog.u0 as Float64Array;
  const fr = new Float64Array(g.N);
  for (let r = prog.solve; r <= R; r++) {
    const b = probes[r - 1];
    for (let x = 0; x < g.N; x++) {
      const t = f[x] + epsilon * b[x];
      fr[x] = reference ? (t < 0 ? 0 : t > 1 ? 1 : t) : t;
    }
    const ur = await fitLifted(fr, params, solve, optsFor(prog.lifted));
    if (ur.stop === 'cancelled') return { cancelled: { ...prog, its: prog.its.slice(), lifted: stopped } };
    prog.its.push(ur.iterations);
    let dv = 0;
    let wd = 0;
    for (let x = 0; x < g.N; x++) {
      if (!reference && g.counts[x] === 0) continue;
      const dx = b[x] * (ur.u01[x] - u0[x]);
      dv += dx;
      wd += noise.cellVar[x] * dx;
    }
    prog.divSum += dv / epsilon;
    prog.weighted += wd / epsilon;
    prog.solve = r + 1;
    prog.lifted = undefined;
  }
  const div = prog.divSum / R;
  let sure: number;
  if (reference) {
    const s2 = noise.value01;
    let mse = 0;
    for (let x = 0; x < g.N; x++) mse += (f[x] - u0[x]) ** 2;
    mse /= g.N;
    sure = mse - s2 + (2 * s2 * div) / g.N;
  } else {
    let sum = 0;
    let nc = 0;
    for (let x = 0; x < g.N; x++) {
      if (g.counts[x] === 0) continue;
      nc++;
      sum += (f[x] - u0[x]) ** 2 - noise.cellVar[x];
    }
    sure = sum / nc + (2 / nc) * (prog.weighted / R);
  }
  return { row: { lambda: c.lambda, nu: c.nu, sure: sure * g.yRange * g.yRange, divergence: div, iterations: prog.its, stop: prog.baseStop } };
}

/** Minimum SURE; ties → smaller λ, then larger ν. */
export function pickCandidate(rows: SureRow[]): number {
  let best = 0;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i];
    const b = rows[best];
    if (a.sure < b.sure || (a.sure === b.sure && (a.lambda < b.lambda || (a.lambda === b.lambda && a.nu > b.nu)))) best = i;
  }
  return best;
}
