/**
 * Checkpoint and resume (issue 10): a `bilevel` job stopped after k upper iterations (at the boundary, or inside a
 * lower solve) and resumed from its checkpoint gives the same result as an uninterrupted run, bit for bit on the
 * float64 CPU path: θ, history, cost counters, counts, ε/δ/α, loss, reconstruction. MAID on the quadratic and on a tiny TV
 * batch (paper and reference variants; on TV both bounds draw random probes), HOAG (undo point, L, schedule),
 * periodic saves on a fake clock, a budget stop at a boundary, a foreign checkpoint ignored, the binary round-trip.
 */
import { describe, expect, it } from 'vitest';
import { JobStore, bilevelSpecSchema, validateSpec, type BilevelSpec, type JobStatus } from '../../../shared/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../functions/worker/checkpoint-codec.js';
import { createJsonLogger } from '../../../functions/json-logger.js';
import { runJob } from '../../../functions/worker/run-job.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { MemoryStore } from '../../support/memory-store.js';
import { decodeState, encodeState, type BilevelCheckpointMeta } from '../../../solvers/bilevel/checkpoint.js';
import { solver } from '../../../solvers/bilevel/index.js';
import type { CheckpointData, SolverOutput } from '../../../solvers/core/types.js';
import { makeTestContext, type TestContext } from '../../support/run-context.js';
import { quadraticSpec, smallQuadratic } from './fixtures.js';

const quad = (options: Record<string, unknown> = {}): BilevelSpec =>
  bilevelSpecSchema.parse(quadraticSpec(smallQuadratic(4, 30, 4, 3), { maxIterations: 14, alpha0: 0.5, ...options }));
const tv = (options: Record<string, unknown> = {}): BilevelSpec =>
  bilevelSpecSchema.parse({ solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 1, size: 10, noise: 0.1, seed: 2 } }, options: { maxIterations: 10, alpha0: 0.1, ...options } });

/** Aborts the job once the progress point of upper iteration k has been reported. */
async function stoppedAt(k: number): Promise<TestContext> {
  const ctx = await makeTestContext();
  ctx.progress = (p) => {
    ctx.progressLog.push(p);
    if (p.iteration >= k) ctx.controller.abort();
  };
  return ctx;
}

/** The retried attempt: a fresh context (same seed) that loads the first attempt's checkpoint number `pick`. */
async function retryOf(first: TestContext, pick = first.checkpoints.length - 1): Promise<TestContext> {
  const ctx = await makeTestContext();
  ctx.checkpoint = { load: async <T>() => first.checkpoints[pick] as CheckpointData<T> | undefined, save: first.checkpoint.save };
  return ctx;
}

const metaOf = (ctx: TestContext, i = ctx.checkpoints.length - 1) => (ctx.checkpoints[i] as CheckpointData<BilevelCheckpointMeta>).meta;

/** Bit-identical outputs (NaN equals NaN; every float compared exactly). */
function same(a: SolverOutput, b: SolverOutput): void {
  expect(b.theta).toEqual(a.theta);
  expect(b.history).toEqual(a.history);
  expect(b.cost).toEqual(a.cost);
  expect(b).toEqual(a);
}

async function stopAndResume(spec: BilevelSpec, k: number, whole: SolverOutput): Promise<void> {
  const a = await stoppedAt(k);
  const first = await solver.run(spec, a);
  expect(first.stop).toBe('cancelled');
  expect(a.checkpoints.length).toBe(1); // the run was short: only the save on cancel
  expect(metaOf(a).iteration).toBe(k);
  const b = await retryOf(a);
  const second = await solver.run(spec, b);
  same(whole, second);
  if (k < whole.iterations) expect(b.progressLog[0].iteration).toBe(k + 1); // no iteration is redone
}

describe('bilevel checkpoint and resume', () => {
  it('MAID, quadratic: stopped after k = 1, 6, 13, 14 (the last) upper iterations, resumed → identical', async () => {
    const spec = quad();
    const whole = await solver.run(spec, await makeTestContext());
    expect(whole.stop).toBe('max_iterations');
    expect(whole.iterations).toBe(14);
    expect(whole.accepted as number).toBeGreaterThan(5);
    for (const k of [1, 6, 13, 14]) await stopAndResume(spec, k, whole);
  });

  it('MAID reference variant (GD, stale value, reference bound with N(0, I) probes): resumed → identical', async () => {
    for (const spec of [quad({ variant: 'reference', maxIterations: 8 }), tv({ variant: 'reference', maxIterations: 6 })]) {
      const whole = await solver.run(spec, await makeTestContext());
      expect(whole.stop).toBe('max_iterations');
      await stopAndResume(spec, 3, whole);
    }
  });

  it('MAID, tiny TV batch: resumed after 4 of 10 → identical θ, history, cost, PSNR, reconstruction', async () => {
    const spec = tv();
    const c0 = await makeTestContext();
    const whole = await solver.run(spec, c0);
    expect(whole.iterations).toBe(10);
    const a = await stoppedAt(4);
    await solver.run(spec, a);
    const b = await retryOf(a);
    same(whole, await solver.run(spec, b));
    expect(b.artifactStore.get('reconstructions.npy')).toEqual(c0.artifactStore.get('reconstructions.npy'));
  });

  it('HOAG (paper: undo on rejection; and reference) on TV and the quadratic: resumed → identical', async () => {
    const rejecting = tv({ method: 'hoag', theta0: [1, -3], maxIterations: 8 });
    const h = (await solver.run(rejecting, await makeTestContext())).history as { iteration: number; accepted: boolean }[];
    expect(h.find((p) => p.iteration === 3)?.accepted).toBe(false); // iteration 3 goes back to the undo point of 2
    for (const [spec, k] of [
      [rejecting, 2],
      [tv({ method: 'hoag', maxIterations: 12 }), 5],
      [tv({ method: 'hoag', variant: 'reference', schedule: 'quadratic', maxIterations: 8 }), 3],
      [quad({ method: 'hoag', maxIterations: 10 }), 4],
    ] as const) {
      const whole = await solver.run(spec, await makeTestContext());
      expect(whole.stop).toBe('max_iterations');
      await stopAndResume(spec, k, whole);
    }
  });

  it('fixed-accuracy: resumed → identical', async () => {
    const spec = quad({ method: 'fixed-accuracy', eps0: 1e-4, delta0: 1e-4, maxIterations: 8 });
    await stopAndResume(spec, 5, await solver.run(spec, await makeTestContext()));
  });

  it('stopped inside a lower solve: resumes at the last completed upper iteration, identical result', async () => {
    const spec = tv({ maxIterations: 6 });
    const whole = await solver.run(spec, await makeTestContext());
    const a = await makeTestContext();
    let it = 0;
    a.progress = (p) => {
      it = p.iteration;
    };
    let calls = 0;
    const real = a.now;
    a.now = () => {
      if (it === 3 && ++calls === 3) a.controller.abort(); // the engine reads the clock every 16 lower iterations
      return real();
    };
    expect((await solver.run(spec, a)).stop).toBe('cancelled');
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(metaOf(a).iteration).toBe(3);
    same(whole, await solver.run(spec, await retryOf(a)));
  });

  it('periodic saves every 30 s of ctx.now() (fake clock): resuming from any of them is identical', async () => {
    const spec = tv({ maxIterations: 8 });
    const whole = await solver.run(spec, await makeTestContext());
    const a = await makeTestContext();
    let clock = 0;
    a.now = () => (clock += 4000);
    same(whole, await solver.run(spec, a)); // the clock does not change the numbers
    const its = a.checkpoints.map((_, i) => metaOf(a, i).iteration);
    expect(its.length).toBeGreaterThan(2);
    expect(its.length).toBeLessThan(8);
    expect(its).toEqual([...its].sort((x, y) => x - y));
    for (let i = 1; i < its.length; i++) expect(metaOf(a, i).elapsedMs - metaOf(a, i - 1).elapsedMs).toBeGreaterThanOrEqual(30_000);
    for (const i of [0, its.length - 1]) same(whole, await solver.run(spec, await retryOf(a, i)));
    // Without a due save and without a cancel, nothing is written.
    const c = await makeTestContext();
    await solver.run(spec, c);
    expect(c.checkpoints.length).toBe(0);
  });

  it('a budget stop at a boundary is kept: the retry returns `budget` without more work', async () => {
    const spec = tv({ budget: 400, maxIterations: 100 });
    const whole = await solver.run(spec, await makeTestContext());
    expect(whole.stop).toBe('budget');
    const a = await stoppedAt(whole.iterations);
    await solver.run(spec, a);
    expect(metaOf(a)).toMatchObject({ stop: 'budget', iteration: whole.iterations }); // spent within the last iteration
    const b = await retryOf(a);
    same(whole, await solver.run(spec, b));
    expect(b.progressLog.length).toBe(0);
  });

  it('the time limit continues across attempts: elapsedMs is saved and restored', async () => {
    const spec = tv({ maxIterations: 6 });
    const a = await stoppedAt(2);
    let clock = 0;
    a.now = () => (clock += 10);
    await solver.run(spec, a);
    const saved = metaOf(a).elapsedMs;
    expect(saved).toBeGreaterThan(0);
    const b = await retryOf(a);
    let clock2 = 1e9;
    b.now = () => (clock2 += 10);
    await solver.run(spec, b);
    expect(b.progressLog[0].elapsedMs).toBeGreaterThan(saved);
  });

  it('a checkpoint of another spec, seed or method is ignored', async () => {
    const a = await stoppedAt(4);
    await solver.run(quad(), a);
    for (const other of [quad({ alpha0: 0.25 }), quad({ method: 'hoag' }), bilevelSpecSchema.parse(quadraticSpec(smallQuadratic(5, 30, 4, 3), { maxIterations: 14, alpha0: 0.5 }))]) {
      const whole = await solver.run(other, await makeTestContext());
      const b = await retryOf(a);
      same(whole, await solver.run(other, b));
      expect(b.progressLog[0].iteration).toBe(1);
    }
    const seeded = await makeTestContext({ seed: 9 });
    seeded.checkpoint = (await retryOf(a)).checkpoint;
    await solver.run(quad(), seeded);
    expect(seeded.progressLog[0].iteration).toBe(1);
  });

  it('binary round-trip (worker codec) keeps NaN/∞ scalars, history and typed vectors; wrong hash/sizes → undefined', () => {
    const loop = {
      method: 'hoag' as const,
      iteration: 2,
      stop: null,
      scalars: { eps: 0.05, gPrev: Number.POSITIVE_INFINITY, L: 3, hasPrev: 1, lastZ: Number.NaN },
      vectors: { theta: Float64Array.of(-1, 0.5), x: Float64Array.of(1, 2, 3) },
      history: [
        { iteration: 0, upperLoss: 1, eps: 0.1, delta: 0.1, alpha: 0.5, cost: 10, accepted: false, gradNorm: Number.NaN, omega: Number.NaN },
        { iteration: 1, upperLoss: 0.5, eps: 0.05, delta: 0.05, alpha: 0.5, cost: 20, accepted: true, gradNorm: 2, omega: 0.25 },
        { iteration: 2, upperLoss: 0.4, eps: 0.05, delta: 0.05, alpha: 0.5, cost: 30, accepted: true, gradNorm: 1, omega: 0.125 },
      ],
      accuracyLog: [
        { eps: 0.1, delta: 0.1, why: 'init' as const },
        { eps: 0.05, delta: 0.05, why: 'failed' as const },
      ],
    };
    const engine = { cost: { lowerIterations: 5, cgIterations: 6, lowerSolves: 2, cgSolves: 2, extraProducts: 4 }, uncertifiedSolves: 0, LJ: 0, LHinv: Number.POSITIVE_INFINITY, jNorm: 1.5, budgetHit: false };
    const enc = encodeState('h', loop, engine, 1234, 2, 2); // the live history is one point ahead of the boundary
    const data = decodeCheckpoint<BilevelCheckpointMeta>(encodeCheckpoint(enc.meta, enc.arrays));
    const sizes = { theta: 2, x: 3 };
    const dec = decodeState('h', 'hoag', sizes, data);
    expect(dec?.loop.history).toEqual(loop.history.slice(0, 2));
    expect(dec?.loop.accuracyLog).toEqual(loop.accuracyLog);
    expect(dec?.loop.scalars).toEqual(loop.scalars);
    expect(dec?.loop.vectors).toEqual(loop.vectors);
    expect(dec?.engine).toEqual(engine);
    expect(dec?.elapsedMs).toBe(1234);
    expect(decodeState('other', 'hoag', sizes, data)).toBeUndefined();
    expect(decodeState('h', 'maid', sizes, data)).toBeUndefined();
    expect(decodeState('h', 'hoag', { theta: 2, x: 4 }, data)).toBeUndefined();
    expect(decodeState('h', 'hoag', { ...sizes, xPrev: 3 }, data)).toBeUndefined();
    expect(decodeState('h', 'hoag', sizes, undefined)).toBeUndefined();
  });
});

describe('through the worker (SIGTERM → requeue → resume)', () => {
  it('the retried attempt resumes at the saved upper iteration and stores the uninterrupted result', async () => {
    const input = { solver: 'bilevel', problem: { kind: 'tv-denoising', synthetic: { count: 1, size: 10, noise: 0.1, seed: 2 } }, options: { maxIterations: 8, alpha0: 0.1 } };
    const store = new MemoryStore();
    const jobs = new JobStore(store);
    const deps = { store, now: Date.now, log: createJsonLogger(() => {}), solverVersion: { version: 't', commit: 't' }, kernels: () => createKernels('cpu') };
    const status = (id: string): JobStatus => ({ id, tenant: 't', solver: 'bilevel', status: 'queued', createdAt: 'now', attempts: 0, maxAttempts: 3 });
    const [idWhole, idStopped] = ['01ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAW'];
    await jobs.create(validateSpec(input), status(idWhole));
    await jobs.create(validateSpec(input), status(idStopped));
    expect((await runJob({ tenant: 't', jobId: idWhole }, deps))?.status).toBe('succeeded');
    const stop = new AbortController();
    const first = await runJob({ tenant: 't', jobId: idStopped }, { ...deps, stopSignal: stop.signal, onProgress: (p) => p.iteration >= 3 && stop.abort() });
    expect(first?.status).toBe('queued');
    const seen: number[] = [];
    const second = await runJob({ tenant: 't', jobId: idStopped }, { ...deps, onProgress: (p) => seen.push(p.iteration) });
    expect(second?.status).toBe('succeeded');
    expect(second?.attempts).toBe(2);
    expect(seen[0]).toBe(4);
    const a = await jobs.readResult('t', idWhole);
    const b = await jobs.readResult('t', idStopped);
    expect(a?.theta).toHaveLength(2);
    expect(a?.history).toHaveLength(9);
    for (const k of ['stop', 'iterations', 'theta', 'history', 'cost', 'accepted', 'failedLineSearches', 'upperLoss', 'upperLossTight', 'finalEps', 'psnrBatch']) expect(b?.[k]).toEqual(a?.[k]);
  });
});
