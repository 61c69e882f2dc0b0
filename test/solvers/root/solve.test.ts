import { describe, expect, it } from 'vitest';
import { rootSpecSchema } from '../../../shared/index.js';
import { solver } from '../../../solvers/root/index.js';
import { resources } from '../../../solvers/root/resources.js';
import { sampleRootDesigns, solveRoot, type TrainedRoot } from '../../../solvers/root/solve.js';
import type { RootTimingRecord } from '../../../solvers/root/timing.js';
import { makeTestContext } from '../../support/run-context.js';

const cat = {
  kind: 'categorical',
  alphabetSize: 4,
  X: { shape: [8, 3], data: [0, 1, 2, 1, 1, 1, 3, 0, 2, 2, 2, 1, 0, 0, 0, 3, 3, 3, 1, 2, 3, 2, 1, 0] },
  y: [0.2, 0.5, 0.3, 0.6, 0.1, 0.4, 0.7, 0.35],
};
const tiny = { epochs: 2, functionsPerEpoch: 2, startPoints: 8, gradientSteps: 10, hidden: 16, samplingSteps: 10, candidates: 4 };

describe('root spec schema', () => {
  it('rejects constant y, bad tokens with their path, and flags size limits', () => {
    const bad = rootSpecSchema.safeParse({ solver: 'root', problem: { ...cat, y: Array(8).fill(1) } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('zero variance');
    const tok = rootSpecSchema.safeParse({ solver: 'root', problem: { ...cat, X: { shape: [8, 3], data: [...cat.X.data.slice(0, 5), 4, ...cat.X.data.slice(6)] } } });
    expect(tok.error?.issues[0].path).toEqual(['problem', 'X', 'data', 5]);
    const big = rootSpecSchema.safeParse({ solver: 'root', problem: { kind: 'categorical', alphabetSize: 64, X: { shape: [2, 9], data: Array(18).fill(0) }, y: [0, 1] } });
    expect(JSON.stringify(big.error?.issues)).toContain('tooLarge');
    expect(rootSpecSchema.safeParse({ solver: 'root', problem: { kind: 'benchmark', task: 'tfbind8', dim: 5 } }).success).toBe(false);
    const ok = rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'ackley' } });
    expect(ok.options.epochs).toBe(100);
    expect(resources(ok).gpu).toBe(true);
    expect(resources({ ...ok, backend: 'cpu' }).gpu).toBe(false);
  });
});

describe('root resources', () => {
  it('GPU for method root (not with backend cpu) or backend gpu; memory 2·8·n_gp² + 64 MiB per 1M parameters + data', () => {
    const tf = (options: Record<string, unknown>, backend = 'auto') => rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'tfbind8' }, options, backend });
    const root = resources(tf({}));
    expect(root.gpu).toBe(true);
    // 15,000² float64 Gram + factor = 3,433 MiB; 2.15 M parameters ≈ 138 MiB.
    expect(root.memoryMiB).toBeGreaterThanOrEqual(3433 + 137);
    expect(root.memoryMiB).toBeLessThan(3433 + 137 + 1024);
    expect(root.timeoutS).toBeGreaterThan(3600);
    expect(resources(tf({}, 'cpu')).gpu).toBe(false);
    const rnd = resources(tf({ method: 'random' }));
    expect(rnd.gpu).toBe(false);
    // CPU base GP capped at 2,000 rows: 61 MiB of Gram + factor.
    expect(rnd.memoryMiB).toBeLessThanOrEqual(512);
    expect(resources(tf({ method: 'gradient-ascent' }, 'gpu'))).toMatchObject({ gpu: true });
    expect(resources(tf({ method: 'gradient-ascent' }, 'gpu')).memoryMiB).toBeGreaterThan(3433);
  });
});

describe('root solver end to end', () => {
  it('categorical: shapes, decoded tokens, artifacts, determinism (V14)', async () => {
    const spec = rootSpecSchema.parse({ solver: 'root', problem: cat, options: tiny, seed: 3 });
    const c1 = await makeTestContext();
    const r1 = await solver.run(spec, c1);
    const r2 = await solver.run(spec, await makeTestContext());
    const strip = (r: Record<string, unknown>) => JSON.stringify({ ...r, elapsedMs: 0, timing: undefined, history: (r.history as Record<string, unknown>[]).map((h) => ({ ...h, elapsedMs: 0 })) });
    expect(strip(r1)).toBe(strip(r2));
    const cands = r1.candidates as number[][];
    expect(cands.length).toBe(4);
    for (const c of cands) {
      expect(c.length).toBe(3);
      for (const t of c) expect(Number.isInteger(t) && t >= 0 && t < 4).toBe(true);
    }
    expect((r1.predicted as number[]).every(Number.isFinite)).toBe(true);
    expect(r1.stop).toBe('max_iterations');
    expect(r1.iterations).toBe(2);
    expect((r1.target as { rule: string }).rule).toBe('offline-margin');
    expect(c1.artifactStore.get('candidates.npy')?.shape).toEqual([4, 3]);
    expect(c1.artifactStore.has('bridge-weights.npy')).toBe(true);
    expect(r1.offlineBest).toEqual({ index: 6, x: [1, 2, 3], y: 0.7 });
    const r3 = await solver.run({ ...spec, seed: 4 }, await makeTestContext());
    expect(strip(r3)).not.toBe(strip(r1));
  });

  it('quadratic: gradient ascent on the GP mean beats the offline best; random stays in the box', async () => {
    const problem = { kind: 'benchmark', task: 'quadratic', dim: 2 };
    const ga = await solver.run(rootSpecSchema.parse({ solver: 'root', problem, options: { method: 'gradient-ascent', gpRows: 200, stepSize: 0.05, candidates: 32 } }), await makeTestContext());
    const s = ga.scores as { mean: number; fractionAboveOfflineBest: number };
    const best = (ga.offlineBest as { normalised: number }).normalised;
    expect(s.mean).toBeGreaterThan(best);
    const rnd = await solver.run(rootSpecSchema.parse({ solver: 'root', problem, options: { method: 'random', candidates: 16 } }), await makeTestContext());
    for (const c of rnd.candidates as number[][]) for (const v of c) expect(v >= 0 && v <= 1).toBe(true);
    expect(rnd.starts).toBeUndefined();
  });

  it('quadratic ROOT run (reduced): valid candidates, per-epoch history and progress phases', async () => {
    const ctx = await makeTestContext();
    const spec = rootSpecSchema.parse({
      solver: 'root',
      problem: { kind: 'benchmark', task: 'quadratic', dim: 2 },
      options: { epochs: 3, functionsPerEpoch: 2, startPoints: 64, gpRows: 200, gradientSteps: 20, stepSize: 0.05, hidden: 32, batchSize: 16, accumulate: 1, samplingSteps: 20, candidates: 16 },
    });
    const r = await solver.run(spec, ctx);
    expect((r.candidates as number[][]).length).toBe(16);
    expect(r.history.length).toBe(3);
    expect(Number.isFinite((r.scores as { mean: number }).mean)).toBe(true);
    const phases = new Set(ctx.progressLog.map((p) => p.phase));
    for (const p of ['pairs', 'train', 'sample']) expect(phases.has(p)).toBe(true);
    // Timing record: unit counts are exact; the parts are non-negative, add up to gpMs, and fit in the run's wall time.
    const t = r.timing as RootTimingRecord;
    expect({ epochs: t.epochs, factorisations: t.factorisations, gpRows: t.gpRows, walkSteps: t.walkSteps, samplerSteps: t.samplerSteps }).toEqual({ epochs: 3, factorisations: 6, gpRows: 200, walkSteps: 120, samplerSteps: 20 });
    expect(t.batches).toBe((r.training as { batches: number }).batches);
    for (const v of [t.gramMs, t.choleskyMs, t.walkMs, t.networkMs, t.validationMs, t.samplingMs, t.baseGpMs, t.perEpochMs]) expect(v).toBeGreaterThanOrEqual(0);
    expect(t.gpMs).toBe(t.gramMs + t.choleskyMs + t.walkMs);
    expect(t.gpMs + t.networkMs + t.validationMs).toBeLessThanOrEqual(t.perEpochMs * t.epochs + 1e-9);
    expect(t.perEpochMs * t.epochs + t.samplingMs + t.baseGpMs).toBeLessThanOrEqual((r.elapsedMs as number) + 1e-9);
  });

  it('quadratic ROOT, seeded small budget (≈ 3 s per seed): the mean candidate beats the best offline point (seeds 0, 1)', async () => {
    // The preset η = 0.001 moves 2-D walkers by ≈ 0.1 z-units in 100 steps: the pairs then carry almost no translation
    // and a few hundred batches cannot learn it above the network's own error. Larger walk steps (η = 0.1, 10 steps),
    // one function per epoch and 40 epochs give ≈ 290 batches of well-separated pairs within the same walk cost.
    const options = { epochs: 40, functionsPerEpoch: 1, startPoints: 256, gpRows: 100, gradientSteps: 10, stepSize: 0.1, hidden: 64, batchSize: 32, accumulate: 1, learningRate: 0.003, samplingSteps: 50, candidates: 64 };
    for (const seed of [0, 1]) {
      const r = await solver.run(rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'quadratic', dim: 2 }, options, seed }), await makeTestContext());
      const s = r.scores as { mean: number; p50: number; fractionAboveOfflineBest: number; startScores: { mean: number } };
      const best = (r.offlineBest as { normalised: number }).normalised;
      expect(s.mean).toBeGreaterThan(best + 0.03);
      expect(s.mean).toBeGreaterThan(s.startScores.mean + 0.05);
      expect(s.fractionAboveOfflineBest).toBeGreaterThan(0.5);
    }
  });

  it('trained hook: re-sampling with the job\'s guidance and sampler stream reproduces its candidates; other w differ', async () => {
    const options = { epochs: 2, functionsPerEpoch: 2, startPoints: 64, gpRows: 200, gradientSteps: 10, stepSize: 0.05, hidden: 16, batchSize: 16, accumulate: 1, samplingSteps: 20, candidates: 8 };
    const spec = rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'quadratic', dim: 2 }, options, seed: 4 });
    const sweep = new Map<number, Float64Array>();
    let guidance = Number.NaN;
    const r = await solveRoot(spec, await makeTestContext(), {
      trained: async (t: TrainedRoot) => {
        guidance = t.options.guidance;
        for (const w of [guidance, guidance, guidance + 1]) {
          const x = (await sampleRootDesigns(t, w, t.samplerRng()))!;
          if (sweep.has(w)) expect(x).toEqual(sweep.get(w));
          sweep.set(w, x);
        }
      },
    });
    expect(Float64Array.from((r.candidates as number[][]).flat())).toEqual(sweep.get(guidance));
    expect(sweep.get(guidance + 1)).not.toEqual(sweep.get(guidance));
  });

  it('candidates are equivariant to an affine change of the user X units (z-scoring, de-normalisation)', async () => {
    // A continuous problem: 60 points of a 2-D quadratic, and the same points in units a·x + b (a, b per column).
    const n = 60;
    const X: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = (i * 0.6180339887) % 1;
      const v = (i * 0.7548776662) % 1;
      X.push(u, v);
      y.push(-((u - 0.3) ** 2) - (v - 0.6) ** 2);
    }
    const a = [250, 0.02]; // positive scales: a negative one mirrors the z-scored problem
    const b = [-1000, 3];
    const X2 = X.map((v, k) => a[k % 2] * v + b[k % 2]);
    const options = { epochs: 2, functionsPerEpoch: 2, startPoints: 30, gradientSteps: 10, stepSize: 0.05, hidden: 16, batchSize: 16, samplingSteps: 10, candidates: 5 };
    const run = async (data: number[]) => solver.run(rootSpecSchema.parse({ solver: 'root', problem: { kind: 'continuous', X: { shape: [n, 2], data }, y }, options }), await makeTestContext());
    const r1 = await run(X);
    const r2 = await run(X2);
    const c1 = r1.candidates as number[][];
    const c2 = r2.candidates as number[][];
    let moved = 0;
    for (let i = 0; i < c1.length; i++) {
      for (let j = 0; j < 2; j++) {
        // The same run in z-scored units up to round-off: compare in X units / a.
        expect(Math.abs(c2[i][j] - (a[j] * c1[i][j] + b[j])) / a[j]).toBeLessThan(1e-9);
        moved += Math.abs(c1[i][j] - X[(r1.starts as number[])[i] * 2 + j]);
      }
    }
    expect(moved).toBeGreaterThan(1e-3);
    const p1 = r1.predicted as number[];
    for (const [i, v] of (r2.predicted as number[]).entries()) expect(v).toBeCloseTo(p1[i], 9);
  });

  it('CPU backend: the base GP uses at most 2,000 rows (options echo and warning); GA cancel returns the points reached', async () => {
    const n = 2500;
    const X: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = (i * 0.6180339887) % 1;
      X.push(u);
      y.push(Math.sin(6 * u) + 0.001 * i);
    }
    const spec = rootSpecSchema.parse({ solver: 'root', problem: { kind: 'continuous', X: { shape: [n, 1], data: X }, y }, options: { method: 'gradient-ascent', candidates: 4, gradientSteps: 50 } });
    const ctx = await makeTestContext();
    const progress = ctx.progress;
    ctx.progress = (p) => {
      progress(p);
      if (p.iteration === 20) ctx.controller.abort();
    };
    const r = await solver.run(spec, ctx);
    expect((r.options as { gpRows: number; baseGpRows: number }).gpRows).toBe(n);
    expect((r.options as { baseGpRows: number }).baseGpRows).toBe(2000);
    expect((r.warnings as string[]).join(' ')).toContain('2000 of the 2500');
    expect(r.stop).toBe('cancelled');
    expect(r.iterations).toBe(20);
    expect((r.candidates as number[][]).length).toBe(4);
  });

  it('cancel stops with stop = cancelled', async () => {
    const ctx = await makeTestContext();
    ctx.controller.abort();
    const r = await solver.run(rootSpecSchema.parse({ solver: 'root', problem: cat, options: tiny }), ctx);
    expect(r.stop).toBe('cancelled');
  });
});
