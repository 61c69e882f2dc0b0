/**
 * @module The `fdr` solver (DESIGN §7, specs/fdr.md §2.1): gridding, optional SURE over (λ, ν), the final lifted
 * solve on the CPU (float64) or the gpu.js pipeline (float32), recovery of u, the jump set and jump sizes, and the
 * artifacts u.npy (float64) and jumpMask.npy (int32).
 */
import { fdrLiftedBytes, fdrSpecSchema, type FdrSpec } from '../../shared/index.js';
import { availableParallelism } from 'node:os';
import { HistoryRecorder, type RunContext, type Solver, type SolverOutput } from '../core/index.js';
import { cpuLiftedSolve, fitLifted, type FitParams, type LiftedSolve } from './fit.js';
import { gridProblem, type Gridded } from './gridding.js';
import { FdrCheckpointer, fingerprint, type FdrJobState } from './checkpoint.js';
import { liftedSteps, pairCount, type LiftedSnapshot, type LiftedStop } from './lifted.js';
import { jumpSizes } from './recover.js';
import { resources } from './resources.js';
import { runSurePool } from './sure-pool.js';
import { drawProbes, estimateNoise, evaluateCandidate, pickCandidate, sureCandidates, type SureRow } from './sure.js';

/**
 * The lifted back-end for the kernels that run: float64 CPU; on a real GPU (WebGPU adapter) the gpu.js pipeline in
 * webgpu mode (asynchronous driver, state on the device); otherwise gpu.js's own JavaScript mode.
 */
async function chooseSolve(ctx: RunContext): Promise<LiftedSolve> {
  if (ctx.kernels.info.backend !== 'gpu') return cpuLiftedSolve;
  const { gpuLiftedSolve } = await import('../kernels/fdr/pipeline.js');
  if (ctx.kernels.info.device.includes('webgpu')) {
    const { installNavigatorGpu } = await import('../kernels/gpu/webgpu-shim.js');
    await installNavigatorGpu();
    return gpuLiftedSolve('webgpu');
  }
  return gpuLiftedSolve('cpu');
}

function countStats(g: Gridded): { min: number; median: number; max: number; empty: number } {
  const c = Array.from(g.counts).sort((a, b) => a - b);
  const n = c.length;
  const median = n % 2 ? c[(n - 1) / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  return { min: c[0], median, max: c[n - 1], empty: c.filter((v) => v === 0).length };
}

/** Internal knobs (tests, bench): a lifted back-end, the SURE thread count, the checkpoint interval. */
export interface FdrRunOptions {
  /** Lifted back-end (default: float64 CPU, or the gpu.js pipeline on a GPU context); forces sequential SURE. */
  solve?: LiftedSolve;
  /** SURE worker threads (1 = sequential); default: see defaultSureWorkers. */
  sureWorkers?: number;
  checkpointIntervalMs?: number;
  /** Threads of the final float64 solve (default: 2 where the host has them, see defaultLiftedThreads). */
  liftedThreads?: number;
}

/** 2 threads for a float64 final solve where the host has ≥ 2 cores (small problems stay on one, see lifted.ts). */
export function defaultLiftedThreads(): number {
  return Math.min(2, availableParallelism());
}

/** Per-iteration pair updates (N·P·d) below which worker threads cost more than they save. */
export const SURE_PARALLEL_MIN_WORK = 100_000;

/** os.availableParallelism() threads for CPU SURE on problems big enough to pay for thread start-up, else 1. */
export function defaultSureWorkers(workPerIteration: number, customSolve: boolean): number {
  if (customSolve || workPerIteration < SURE_PARALLEL_MIN_WORK) return 1;
  return availableParallelism();
}

export async function runFdr(spec: FdrSpec, ctx: RunContext, run: FdrRunOptions = {}): Promise<SolverOutput> {
  const t0 = ctx.now();
  const options = spec.options;
  const g = gridProblem(spec.problem, options);
  const L = options.levels;
  const gridOut = { shape: g.shape, lower: g.lower, upper: g.upper };
  const diagnosticsBase = { liftedBytes: fdrLiftedBytes(g.d, g.N, L), counts: countStats(g) };

  if (!(g.yRange > 0)) {
    const u = new Float64Array(g.N).fill(g.yMin);
    const mask = new Int32Array(g.N);
    await ctx.artifacts.write('u.npy', u, g.shape);
    await ctx.artifacts.write('jumpMask.npy', mask, g.shape);
    return {
      solver: 'fdr',
      stop: 'converged',
      iterations: 0,
      history: [],
      options: { ...options, resolution: g.shape },
      grid: gridOut,
      u: { shape: g.shape, data: Array.from(u) },
      jumpMask: { shape: g.shape, data: Array.from(mask) },
      jumps: [],
      lambda: options.lambda === 'sure' ? null : options.lambda,
      nu: options.nu === 'sure' ? null : options.nu,
      sure: null,
      diagnostics: diagnosticsBase,
    };
  }

  const solve = run.solve ?? (await chooseSolve(ctx));
  const base: Omit<FitParams, 'lambda' | 'nu'> = {
    shape: g.shape,
    h: g.h,
    levels: L,
    variant: options.variant,
    jumpThreshold: options.jumpThreshold,
  };
  const elapsed = () => ctx.now() - t0;
  let lambda = typeof options.lambda === 'number' ? options.lambda : Number.NaN;
  let nu = typeof options.nu === 'number' ? options.nu : Number.NaN;
  let sureOut: Record<string, unknown> | null = null;
  let cancelled = false;
  const useSure = options.lambda === 'sure' || options.nu === 'sure';
  // Probes and candidates come from forks of ctx.rng: the same on every attempt and in every worker thread.
  const probes = useSure ? drawProbes(g, options.sure.probes, options.variant, ctx.rng.fork(1)) : [];
  const cands = useSure ? sureCandidates(options, ctx.rng.fork(2)) : [];
  const ck = new FdrCheckpointer(ctx, fingerprint(JSON.stringify({ options, shape: g.shape, h: g.h, seed: ctx.rng.seed }), [g.f]), run.checkpointIntervalMs);
  const state: FdrJobState = (await ck.load(cands.length)) ?? { rows: cands.map(() => null), partial: new Map() };

  if (useSure) {
    const noise = estimateNoise(g, options);
    const solveOpts = { maxIterations: options.maxIterations, tolerance: options.tolerance, signal: ctx.signal, now: ctx.now };
    const onMeasure = (c: number, iteration: number, measure: number) => ctx.progress({ iteration, measure, elapsedMs: elapsed(), phase: 'sure', candidate: c });
    const todo = state.rows.filter((r) => r === null).length;
    const threads = Math.min(run.sureWorkers ?? defaultSureWorkers(g.N * pairCount(L) * g.d, run.solve !== undefined || ctx.kernels.info.backend === 'gpu'), todo);
    if (state.final) {
      // SURE finished on an earlier attempt.
    } else if (threads >= 2) {
      cancelled = await runSurePool({
        cands,
        g,
        base,
        probes,
        epsilon: options.sure.epsilon,
        noise,
        maxIterations: options.maxIterations,
        tolerance: options.tolerance,
        workers: threads,
        signal: ctx.signal,
        state,
        checkpoint: ck,
        onMeasure,
      });
    } else {
      for (let c = 0; c < cands.length && !cancelled; c++) {
        if (state.rows[c]) continue;
        const job = { g, base, probes, epsilon: options.sure.epsilon, noise, solve, solveOpts: { ...solveOpts, onMeasure: (it: number, m: number) => onMeasure(c, it, m) } };
        const out = await evaluateCandidate(cands[c], job, {
          resume: state.partial.get(c),
          onBlock: async (take) => {
            if (ck.due()) await ck.save({ ...state, partial: new Map([...state.partial, [c, await take()]]) });
          },
        });
        if (out.cancelled) {
          state.partial.set(c, out.cancelled);
          await ck.save(state);
          cancelled = true;
        } else {
          state.rows[c] = out.row;
          state.partial.delete(c);
        }
      }
    }
    const rows = state.rows.filter((r): r is SureRow => r !== null);
    const best = rows.length > 0 ? pickCandidate(rows) : 0;
    if (rows.length > 0) {
      lambda = rows[best].lambda;
      nu = rows[best].nu;
    }
    const r2 = g.yRange * g.yRange;
    let cellMin = Infinity;
    let cellMax = -Infinity;
    for (let x = 0; x < g.N; x++) {
      if (options.variant === 'corrected' && g.counts[x] === 0) continue;
      cellMin = Math.min(cellMin, noise.cellVar[x] * r2);
      cellMax = Math.max(cellMax, noise.cellVar[x] * r2);
    }
    sureOut = {
      noiseVariance: { method: noise.method === 'given' ? 'number' : noise.method, value: noise.value01 * r2, perCell: noise.perCell, cellMin, cellMax },
      probes: options.sure.probes,
      epsilon: options.sure.epsilon,
      table: rows,
      chosen: rows.length > 0 ? best : null,
    };
  }

  const history = new HistoryRecorder<{ iteration: number; measure: number; elapsedMs: number }>();
  let stop: LiftedStop = 'cancelled';
  let iterations = 0;
  let u01: Float64Array = new Float64Array(g.N);
  let J: Uint8Array = new Uint8Array(g.N);
  let measureFinal = Number.NaN;
  if (!cancelled && Number.isFinite(lambda) && Number.isFinite(nu)) {
    const fin = state.final;
    for (const p of fin?.history ?? []) history.push(p);
    const finalState = (lifted: LiftedSnapshot | undefined): FdrJobState => ({ rows: state.rows, partial: new Map(), final: { lambda, nu, history: history.finish(), lifted } });
    let stopped: LiftedSnapshot | undefined;
    const r = await fitLifted(g.f, { ...base, lambda, nu }, solve, {
      maxIterations: options.maxIterations,
      tolerance: options.tolerance,
      signal: ctx.signal,
      now: ctx.now,
      resume: fin?.lifted,
      threads: run.liftedThreads ?? defaultLiftedThreads(),
      onMeasure: (iteration, measure) => {
        const p = { iteration, measure, elapsedMs: elapsed() };
        history.push(p);
        ctx.progress({ ...p, phase: 'final' });
      },
      onBlock: async (take, stopNow) => {
        if (stopNow) stopped = await take();
        else if (ck.due()) await ck.save(finalState(await take()));
      },
    });
    if (r.stop === 'cancelled') await ck.save(finalState(stopped));
    stop = r.stop;
    iterations = r.iterations;
    u01 = r.u01;
    J = r.J;
    measureFinal = r.measureFinal;
  }

  const uY = new Float64Array(g.N);
  for (let x = 0; x < g.N; x++) uY[x] = u01[x] * g.yRange + g.yMin;
  const mask = Int32Array.from(J);
  const cellX = (x: number) => Array.from(g.cellX.subarray(x * g.d, x * g.d + g.d));
  const jumps = jumpSizes(uY, J, g.shape, options.jumpSearch, options.variant, cellX);
  await ctx.artifacts.write('u.npy', uY, g.shape);
  await ctx.artifacts.write('jumpMask.npy', mask, g.shape);
  const steps = Number.isFinite(lambda) && Number.isFinite(nu) ? liftedSteps({ shape: g.shape, levels: L, lambda, nu, variant: options.variant, h: g.h }) : null;
  return {
    solver: 'fdr',
    stop,
    iterations,
    elapsedMs: elapsed(),
    history: history.finish(),
    options: { ...options, resolution: g.shape, lambda, nu },
    grid: gridOut,
    u: { shape: g.shape, data: Array.from(uY) },
    jumpMask: { shape: g.shape, data: Array.from(mask) },
    jumps,
    lambda,
    nu,
    sure: sureOut,
    diagnostics: {
      ...diagnosticsBase,
      steps: steps ? { tauV: steps.tauV, sigmaP: Array.from(steps.sigmaP), sigmaS: steps.sigmaS } : null,
      measureFinal,
    },
  };
}

export const solver: Solver<FdrSpec> = {
  name: 'fdr',
  schema: fdrSpecSchema,
  resources,
  run: (spec, ctx) => runFdr(spec, ctx),
};
