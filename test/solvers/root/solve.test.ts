import { describe, expect, it } from 'vitest';
import { rootSpecSchema } from '../../../shared/index.js';
import { solver } from '../../../solvers/root/index.js';
import { resources } from '../../../solvers/root/resources.js';
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

describe('root solver end to end', () => {
  it('categorical: shapes, decoded tokens, artifacts, determinism (V14)', async () => {
    const spec = rootSpecSchema.parse({ solver: 'root', problem: cat, options: tiny, seed: 3 });
    const c1 = await makeTestContext();
    const r1 = await solver.run(spec, c1);
    const r2 = await solver.run(spec, await makeTestContext());
    const strip = (r: Record<string, unknown>) => JSON.stringify({ ...r, elapsedMs: 0, history: (r.history as Record<string, unknown>[]).map((h) => ({ ...h, elapsedMs: 0 })) });
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
  });

  it('cancel stops with stop = cancelled', async () => {
    const ctx = await makeTestContext();
    ctx.controller.abort();
    const r = await solver.run(rootSpecSchema.parse({ solver: 'root', problem: cat, options: tiny }), ctx);
    expect(r.stop).toBe('cancelled');
  });
});
