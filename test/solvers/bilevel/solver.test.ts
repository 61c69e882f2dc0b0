/**
 * The `bilevel` job end to end: schema defaults and limits (413 tags), per-kind option resolution, a TV run with
 * PSNR, bounds, the reconstruction artifact and progress; HOAG and fixed-accuracy runs; multinomial accuracy;
 * same spec + seed ⇒ identical result; cancellation stops with `cancelled`.
 */
import { describe, expect, it } from 'vitest';
import { bilevelSpecSchema } from '../../../shared/index.js';
import { solver } from '../../../solvers/bilevel/index.js';
import { Engine } from '../../../solvers/bilevel/engine.js';
import { buildProblem } from '../../../solvers/bilevel/model.js';
import { resolveOptions } from '../../../solvers/bilevel/options.js';
import { syntheticClasses } from '../../../solvers/bilevel/problems/multinomial.js';
import { createRng } from '../../../solvers/core/rng.js';
import { makeTestContext } from '../../support/run-context.js';
import { quadraticSpec, smallQuadratic } from './fixtures.js';

const tvSpec = (options: Record<string, unknown> = {}) =>
  bilevelSpecSchema.parse({ solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 2, size: 16, noise: 0.1, seed: 3 } }, options: { maxIterations: 10, ...options } });

describe('bilevel spec schema', () => {
  it('fills defaults and resolves per-kind options', () => {
    const s = tvSpec();
    expect(s.options.eps0).toBe(0.1);
    expect(s.options.variant).toBe('paper');
    const r = resolveOptions(s);
    expect(r.alpha0).toBe(0.01);
    expect(r.nuBar).toBe(1.05);
    expect(r.referenceValue).toBe('fresh');
    const q = resolveOptions(bilevelSpecSchema.parse(quadraticSpec(smallQuadratic(0), { variant: 'reference' })));
    expect(q.nuBar).toBe(1.25);
    expect(q.maxIterations).toBe(3000);
    expect(q.referenceValue).toBe('stale');
    expect(q.lowerSolver).toBe('gd');
    expect(q.bound).toBe('reference');
  });

  it('rejects inconsistent shapes and flags size limits as tooLarge', () => {
    const bad = quadraticSpec(smallQuadratic(0));
    bad.problem.b1 = bad.problem.b1.slice(1);
    expect(bilevelSpecSchema.safeParse(bad).success).toBe(false);
    const big = bilevelSpecSchema.safeParse({ solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 64, size: 1024, noise: 0.1 } } });
    expect(big.success).toBe(false);
    const issue = big.error?.issues.find((i) => (i as { params?: { tooLarge?: boolean } }).params?.tooLarge);
    expect(issue).toBeDefined();
    expect(bilevelSpecSchema.safeParse({ solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 1, size: 8, noise: 0.1 } }, options: { lambda: 0.5, eta: 0.1 } }).success).toBe(false);
    expect(bilevelSpecSchema.safeParse({ solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 1, size: 8, noise: 0.1 } }, options: { theta0: [1, 2, 3] } }).success).toBe(false);
  });
});

describe('bilevel solver runs', () => {
  it('TV MAID: result fields, certified bounds, PSNR gain, artifact, progress', async () => {
    const ctx = await makeTestContext({ seed: 5 });
    const r = await solver.run(tvSpec({ maxIterations: 30, alpha0: 0.1 }), ctx);
    expect(r.stop).toBe('max_iterations');
    expect(r.iterations).toBe(30);
    const b = r.upperLossBounds as { lower: number; upper: number };
    expect(b.lower).toBeLessThanOrEqual(r.upperLossTight as number);
    expect(b.upper).toBeGreaterThanOrEqual(r.upperLossTight as number);
    expect(r.certified).toBe(true);
    const ps = r.psnrBatch as { before: number; after: number };
    expect(ps.after).toBeGreaterThan(ps.before + 1);
    expect((r.psnr as unknown[]).length).toBe(2);
    expect(ctx.artifactStore.get('reconstructions.npy')?.shape).toEqual([2, 16, 16]);
    expect(ctx.progressLog.length).toBe(30);
    const cost = r.cost as { lowerIterations: number; cgIterations: number };
    const last = r.history[r.history.length - 1] as { cost: number };
    expect(last.cost).toBe(cost.lowerIterations + cost.cgIterations);
    expect((r.hyperparameters as { weight: number }).weight).toBeCloseTo(Math.exp((r.theta as number[])[0]), 12);
  });

  it('same spec + seed ⇒ identical result; budget stops with `budget`', async () => {
    const a = await solver.run(tvSpec(), await makeTestContext({ seed: 1 }));
    const b = await solver.run(tvSpec(), await makeTestContext({ seed: 1 }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = await solver.run(tvSpec({ budget: 50 }), await makeTestContext());
    expect(c.stop).toBe('budget');
  });

  it('HOAG (three schedules) and fixed-accuracy run on TV and lower the loss', async () => {
    // f(θ₀) from a tight solve at θ₀ (the first history point is the loose ε₀ solve, which can sit below f).
    const ctx0 = await makeTestContext();
    const built = buildProblem(tvSpec(), ctx0);
    const x0 = new Float64Array(built.model.n);
    const e0 = new Engine(built.model, { variant: 'paper', lowerSolver: 'fista', bound: 'off', lowerMaxIterations: 1e5, cgMaxIterations: 1, budget: 1e12, deadline: Number.POSITIVE_INFINITY }, ctx0.rng, ctx0.signal, () => 0);
    await e0.lower(built.model.theta0, x0, 1e-10, x0);
    const f0 = built.model.upper(x0);
    for (const options of [{ method: 'hoag' }, { method: 'hoag', schedule: 'quadratic' }, { method: 'hoag', schedule: 'cubic' }, { method: 'fixed-accuracy', eps0: 1e-5, delta0: 1e-5 }]) {
      const r = await solver.run(tvSpec({ maxIterations: 30, ...options }), await makeTestContext());
      expect(r.upperLossTight as number).toBeLessThan(f0);
    }
  });

  it('multinomial: accuracies and validation CE decrease', async () => {
    const sets = syntheticClasses(createRng(2), { train: 60, validation: 40, test: 40 }, 6, 5, 3);
    const toSplit = (s: typeof sets.train) => ({ X: { shape: [s.m, 6] as [number, number], data: Array.from(s.X) }, labels: Array.from(s.labels) });
    const spec = bilevelSpecSchema.parse({
      solver: 'bilevel',
      problem: { kind: 'multinomial-logistic', train: toSplit(sets.train), validation: toSplit(sets.validation), test: toSplit(sets.test), classes: 3 },
      options: { maxIterations: 5 },
    });
    const r = await solver.run(spec, await makeTestContext());
    const acc = r.accuracy as { train: number; validation: number; test: number };
    expect(acc.validation).toBeGreaterThan(0.5);
    expect(r.upperLoss as number).toBeLessThan((r.history[0] as { upperLoss: number }).upperLoss);
  });

  it('cancellation stops with `cancelled`', async () => {
    const ctx = await makeTestContext();
    ctx.controller.abort();
    const r = await solver.run(tvSpec(), ctx);
    expect(r.stop).toBe('cancelled');
  });
});
