/**
 * @module The `bilevel` solver (DESIGN §7, specs/bilevel.md): MAID, fixed-accuracy and HOAG on the quadratic,
 * TV, FoE and multinomial kinds. Runs the chosen method, then a tight re-solve at the final θ (ε = finalTolerance,
 * not counted) for the reported reconstruction, PSNR and `upperLossTight`; writes reconstructions as `.npy`.
 * Resumes from a checkpoint of the same spec at its last completed upper iteration (checkpoint.ts).
 */
import { bilevelSpecSchema, SolverError, type BilevelSpec } from '../../shared/index.js';
import { HistoryRecorder, type Solver, type SolverOutput } from '../core/index.js';
import type { RunContext } from '../core/types.js';
import { BilevelCheckpointer, CHECKPOINT_VERSION, fingerprint } from './checkpoint.js';
import { Cancelled, Engine } from './engine.js';
import { runHoag } from './hoag.js';
import { runMaid, type HistoryPoint, type RunOutcome } from './maid.js';
import { buildProblem, type BuiltProblem } from './model.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { psnr } from './problems/images.js';
import { resources } from './resources.js';

export interface BilevelRun {
  outcome: RunOutcome;
  engine: Engine;
  built: BuiltProblem;
  options: ResolvedOptions;
  checkpointer: BilevelCheckpointer;
}

export interface BilevelRunOptions {
  /** ctx.now() time between periodic checkpoints (default 30 s). */
  checkpointIntervalMs?: number;
}

/**
 * Runs the method of a parsed spec (from a matching checkpoint when there is one); the pieces the result is built
 * from (tests use these directly). On cancellation saves the last completed upper iteration, then throws Cancelled.
 */
export async function runBilevel(spec: BilevelSpec, ctx: RunContext, runOptions: BilevelRunOptions = {}): Promise<BilevelRun> {
  const options = resolveOptions(spec);
  const built = buildProblem(spec, ctx);
  const { model } = built;
  const hoag = options.method === 'hoag';
  const hash = fingerprint(JSON.stringify({ v: CHECKPOINT_VERSION, spec, seed: ctx.rng.seed }), [model.theta0, model.x0]);
  const checkpointer = new BilevelCheckpointer(ctx, hash, runOptions.checkpointIntervalMs);
  const sizes: Record<string, number> = hoag ? { theta: model.p, x: model.n, thetaPrev: model.p, xPrev: model.n } : { theta: model.p, x: model.n };
  const resumed = await checkpointer.load(hoag ? 'hoag' : 'maid', sizes);
  if (resumed) ctx.log('bilevel: resuming from checkpoint', { iteration: resumed.loop.iteration });
  const start = ctx.now() - (resumed?.elapsedMs ?? 0); // the time limit and elapsedMs count earlier attempts
  const engine = new Engine(
    built.model,
    {
      variant: options.variant,
      lowerSolver: options.lowerSolver,
      bound: options.method === 'fixed-accuracy' ? 'off' : options.bound,
      lowerMaxIterations: options.lowerMaxIterations,
      cgMaxIterations: options.cgMaxIterations,
      budget: options.budget,
      deadline: options.timeLimitS === undefined ? Number.POSITIVE_INFINITY : start + 1000 * options.timeLimitS,
    },
    ctx.rng.fork(104729),
    ctx.signal,
    () => ctx.now(),
  );
  if (resumed) engine.importState(resumed.engine);
  checkpointer.attach(engine, () => ctx.now() - start);
  const ck = { resume: resumed?.loop, boundary: checkpointer.boundary };
  const onIteration = (h: HistoryPoint & { measure: number }) =>
    ctx.progress({
      iteration: h.iteration,
      objective: h.upperLoss,
      measure: h.measure,
      elapsedMs: ctx.now() - start,
      cost: h.cost,
      eps: h.eps,
      delta: h.delta,
      alpha: h.alpha,
    });
  let outcome: RunOutcome;
  try {
    if (options.method === 'hoag') {
      outcome = await runHoag(
        engine,
        { eps0: options.eps0, schedule: options.schedule, decay: options.hoagDecay, maxIterations: options.maxIterations, tolerance: options.tolerance, lowerCap: options.lowerMaxIterations, undoRejected: options.variant === 'paper' },
        onIteration,
        ck,
      );
    } else {
      outcome = await runMaid(
        engine,
        {
          method: options.method,
          variant: options.variant,
          eps0: options.eps0,
          delta0: options.delta0,
          alpha0: options.alpha0,
          rho: options.rho,
          rhoBar: options.rhoBar,
          nu: options.nu,
          nuBar: options.nuBar,
          eta: options.eta,
          lambda: options.lambda,
          maxIterations: options.maxIterations,
          tolerance: options.tolerance,
          referenceValue: options.referenceValue,
          maxBacktracks: options.maxBacktracks,
          maxAttempts: options.maxAttempts,
          epsMin: options.epsMin,
          descentTest: options.bound !== 'off',
        },
        onIteration,
        ck,
      );
    }
  } catch (e) {
    if (e instanceof Cancelled) {
      await checkpointer.saveLast();
      throw e;
    }
    if (e instanceof Error && /diverged|overflow/.test(e.message)) throw new SolverError(e.message);
    throw e;
  }
  return { outcome, engine, built, options, checkpointer };
}

export async function tightResolve(run: BilevelRun, ctx: RunContext): Promise<Float64Array> {
  const { built, options, outcome } = run;
  const tight = new Engine(
    built.model,
    { variant: 'paper', lowerSolver: 'fista', bound: 'off', lowerMaxIterations: Math.max(100000, options.lowerMaxIterations), cgMaxIterations: 1, budget: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY },
    ctx.rng.fork(1),
    ctx.signal,
    () => ctx.now(),
  );
  const x = Float64Array.from(outcome.x);
  await tight.lower(outcome.theta, x, options.finalTolerance, x);
  return x;
}

async function run(spec: BilevelSpec, ctx: RunContext): Promise<SolverOutput> {
  let r: BilevelRun;
  try {
    r = await runBilevel(spec, ctx);
  } catch (e) {
    if (e instanceof Cancelled) {
      return { stop: 'cancelled', iterations: 0, history: [], options: resolveOptions(spec) as unknown as Record<string, unknown> };
    }
    throw e;
  }
  const { outcome, engine, built, options } = r;
  const model = built.model;
  let xTight: Float64Array;
  let stop = outcome.stop;
  try {
    xTight = await tightResolve(r, ctx);
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    await r.checkpointer.saveLast(); // the method has finished: a retry resumes at its end and redoes the re-solve
    xTight = Float64Array.from(outcome.x);
    stop = 'cancelled';
  }
  const gx = new Float64Array(model.n);
  const g = model.gradUpper(outcome.x, gx);
  let gn = 0;
  for (let i = 0; i < gx.length; i++) gn += gx[i] * gx[i];
  gn = Math.sqrt(gn);
  const { Lg } = engine.boundConstants(outcome.theta);
  const e = outcome.xEps;
  const rec = new HistoryRecorder<HistoryPoint>();
  for (const h of outcome.history) rec.push(h);
  const result: SolverOutput = {
    stop,
    iterations: outcome.iterations,
    history: rec.finish() as unknown as Record<string, unknown>[],
    options: options as unknown as Record<string, unknown>,
    theta: Array.from(outcome.theta),
    hyperparameters: built.hyperparameters(outcome.theta),
    upperLoss: outcome.upperLoss,
    upperLossBounds: { lower: g - gn * e, upper: g + gn * e + 0.5 * Lg * e * e },
    certified: engine.uncertifiedSolves === 0,
    upperLossTight: model.upper(xTight),
    cost: { ...engine.cost },
    accepted: outcome.accepted,
    failedLineSearches: outcome.failedLineSearches,
    finalEps: outcome.eps,
    finalDelta: outcome.delta,
    finalAlpha: outcome.alpha,
    warnings: { uncertifiedSolves: engine.uncertifiedSolves },
  };
  if (built.images) {
    const im = built.images;
    const before = psnr(im, im.noisy);
    const after = psnr(im, xTight);
    result.psnr = before.perImage.map((b, i) => ({ before: b, after: after.perImage[i] }));
    result.psnrBatch = { before: before.batch, after: after.batch };
    await ctx.artifacts.write('reconstructions.npy', xTight, [im.count, im.h, im.w]);
    if (spec.problem.kind === 'foe-denoising') {
      const F = spec.problem.filters;
      const f = spec.problem.filterSize;
      await ctx.artifacts.write('filters.npy', outcome.theta.slice(1 + 2 * F), [F, f, f]);
    }
  }
  if (built.multinomial) {
    const mm = built.multinomial;
    const m = model as unknown as { accuracy(s: typeof mm.train, W: Float64Array): number; crossEntropy(s: typeof mm.train, W: Float64Array): number };
    result.accuracy = {
      train: m.accuracy(mm.train, xTight),
      validation: m.accuracy(mm.validation, xTight),
      ...(mm.test ? { test: m.accuracy(mm.test, xTight) } : {}),
    };
    if (mm.test) result.testLoss = m.crossEntropy(mm.test, xTight);
  }
  return result;
}

export const solver: Solver<BilevelSpec> = {
  name: 'bilevel',
  schema: bilevelSpecSchema,
  resources,
  run,
};
