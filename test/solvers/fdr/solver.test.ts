/**
 * The solver end to end (specs/fdr.md §2.1): schema limits (A7, 413 naming liftedBytes), gridding, samples → jumps
 * with sizes, constant y, determinism, SURE table and pick, noise estimators on pure noise, jump-size rules.
 */
import { describe, expect, it } from 'vitest';
import { fdrSpecSchema, validateSpec, type FdrSpecInput } from '../../../shared/index.js';
import { createRng } from '../../../solvers/core/rng.js';
import { solver } from '../../../solvers/fdr/index.js';
import { gridProblem } from '../../../solvers/fdr/gridding.js';
import { isosurface, jumpSizes } from '../../../solvers/fdr/recover.js';
import { secondDifferenceVariance, nnDifferenceVariance, waveletMadVariance } from '../../../solvers/fdr/noise.js';
import { pickCandidate } from '../../../solvers/fdr/sure.js';
import { makeTestContext } from '../../support/run-context.js';

const grid2d = (n: number, L: number) => ({ solver: 'fdr', problem: { kind: 'grid', values: { shape: [n, n], data: new Array(n * n).fill(0) } }, options: { levels: L } });

describe('schema', () => {
  it('A7: 256²×64 and 50³×32 are too large (liftedBytes), 256²×32 is accepted', () => {
    expect(() => validateSpec(grid2d(256, 32))).not.toThrow();
    for (const spec of [grid2d(256, 64), { solver: 'fdr', problem: { kind: 'grid', values: { shape: [50, 50, 50], data: new Array(125000).fill(0) } }, options: { levels: 32 } }]) {
      try {
        validateSpec(spec);
        expect.unreachable();
      } catch (e) {
        const err = e as { status: number; code: string; message: string; issues: { path: string; message: string }[] };
        expect(err.status).toBe(413);
        expect(err.code).toBe('too_large');
        expect(err.issues.some((i) => i.path === 'options.levels' && i.message.includes('liftedBytes'))).toBe(true);
      }
    }
  });
  it('fills defaults and rejects bad input with 400', () => {
    const s = fdrSpecSchema.parse({ solver: 'fdr', problem: { kind: 'grid', values: { shape: [4, 4], data: new Array(16).fill(1) } } });
    expect(s.options).toMatchObject({ variant: 'corrected', levels: 32, lambda: 'sure', nu: 'sure', maxIterations: 5000, tolerance: 5e-5 });
    expect(s.options.sure.search).toMatchObject({ method: 'grid', points: 6, lambda: [1, 500], nu: [0.001, 1] });
    const bad = { solver: 'fdr', problem: { kind: 'samples', X: { shape: [10, 2], data: new Array(20).fill(1) }, y: new Array(10).fill(0) } };
    expect(() => validateSpec(bad)).toThrow(/constant/);
    expect(() => validateSpec({ ...grid2d(8, 3) })).toThrow();
  });
});

function discSamples(n: number, seed: number): { X: number[]; y: number[] } {
  const rng = createRng(seed);
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const b = rng.next();
    X.push(a, b);
    const r = Math.hypot(a - 0.5, b - 0.5);
    y.push((r < 0.25 ? r : r + 0.5) + 0.01 * rng.normal());
  }
  return { X, y };
}

describe('samples pipeline', () => {
  it('grids exactly n_j cells per axis with means and nearest fill', () => {
    const g = gridProblem(
      { kind: 'samples', X: { shape: [10, 1], data: [0, 0.05, 0.1, 0.15, 0.2, 0.8, 0.85, 0.9, 0.95, 1] }, y: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      { resolution: 5, normalize: 'per-axis', variant: 'corrected' },
    );
    expect(g.shape).toEqual([5]);
    expect(Array.from(g.counts)).toEqual([4, 1, 0, 0, 5]);
    // cell 0 mean 1.5, cell 1 holds x = 0.2 only; empty cell 2 (centre 0.5) ties between x = 0.2 and 0.8 → lowest
    // index (y 4); cell 3 (centre 0.7) → x = 0.8 (y 5)
    expect(Array.from(g.f).map((v) => v * 9)).toEqual([1.5, 4, 4, 5, 7].map((v) => expect.closeTo(v, 12)));
  });
  it('2-D disc: finds the circle, sizes near the truth, artifacts, deterministic', async () => {
    const { X, y } = discSamples(2000, 1);
    const input: FdrSpecInput = { solver: 'fdr', problem: { kind: 'samples', X: { shape: [2000, 2], data: X }, y }, options: { levels: 16, lambda: 50, nu: 0.04, resolution: 10 } };
    const spec = fdrSpecSchema.parse(input);
    const ctx = await makeTestContext();
    const out = await solver.run(spec, ctx);
    expect(out.stop).toBe('converged');
    const jumps = out.jumps as { cell: number[]; size: number }[];
    expect(jumps.length).toBeGreaterThan(8);
    for (const j of jumps) {
      const r = Math.hypot((j.cell[0] + 0.5) / 10 - 0.5, (j.cell[1] + 0.5) / 10 - 0.5);
      expect(Math.abs(r - 0.25)).toBeLessThan(0.15);
    }
    const mean = jumps.reduce((s, j) => s + Math.abs(j.size), 0) / jumps.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
    expect(ctx.artifactStore.get('u.npy')?.shape).toEqual([10, 10]);
    expect(ctx.artifactStore.get('jumpMask.npy')?.data.length).toBe(100);
    const again = await solver.run(spec, await makeTestContext());
    expect(again.u).toEqual(out.u);
  });
  it('constant y: no solve, u ≡ y, no jumps', async () => {
    const spec = fdrSpecSchema.parse({ solver: 'fdr', problem: { kind: 'samples', X: { shape: [12, 1], data: Array.from({ length: 12 }, (_, i) => i) }, y: new Array(12).fill(3) } });
    const out = await solver.run(spec, await makeTestContext());
    expect(out).toMatchObject({ iterations: 0, stop: 'converged', jumps: [] });
    expect((out.u as { data: number[] }).data.every((v) => v === 3)).toBe(true);
  });
  it('SURE: table over the grid, pick = minimum, prefers a good fit on a noisy step', async () => {
    const rng = createRng(5);
    const data = Array.from({ length: 48 }, (_, i) => (i < 24 ? 0 : 1) + 0.1 * rng.normal());
    const spec = fdrSpecSchema.parse({
      solver: 'fdr',
      problem: { kind: 'grid', values: { shape: [48], data } },
      options: { levels: 12, maxIterations: 1500, sure: { search: { points: 3, lambda: [1, 100], nu: [0.001, 0.3] } } },
    });
    const out = await solver.run(spec, await makeTestContext());
    const sure = out.sure as { table: { lambda: number; nu: number; sure: number }[]; chosen: number; noiseVariance: { method: string; value: number } };
    expect(sure.table.length).toBe(9);
    expect(sure.noiseVariance.method).toBe('second-difference');
    expect(sure.chosen).toBe(pickCandidate(sure.table as never));
    const best = Math.min(...sure.table.map((r) => r.sure));
    expect(sure.table[sure.chosen].sure).toBe(best);
    expect(out.lambda).toBe(sure.table[sure.chosen].lambda);
    expect((out.jumps as unknown[]).length).toBeGreaterThanOrEqual(1);
  });
  it('pick: ties go to the smaller λ, then the larger ν', () => {
    const row = (lambda: number, nu: number, sure: number) => ({ lambda, nu, sure, divergence: 0, iterations: [], stop: 'converged' });
    expect(pickCandidate([row(5, 0.1, 1), row(2, 0.1, 1), row(2, 0.3, 1), row(9, 0.1, 2)])).toBe(2);
  });
});

describe('noise estimators on pure noise (64×64, ±20%)', () => {
  it('second-difference and wavelet-mad on a grid; nn-difference on samples', () => {
    const rng = createRng(11);
    const sigma = 0.05;
    const f = new Float64Array(4096).map(() => 0.5 + sigma * rng.normal());
    expect(secondDifferenceVariance(f, [64, 64]) / sigma ** 2).toBeGreaterThan(0.8);
    expect(secondDifferenceVariance(f, [64, 64]) / sigma ** 2).toBeLessThan(1.2);
    expect(waveletMadVariance(f, [64, 64]) / sigma ** 2).toBeGreaterThan(0.8);
    expect(waveletMadVariance(f, [64, 64]) / sigma ** 2).toBeLessThan(1.2);
    const n = 4096;
    const X = Array.from({ length: 2 * n }, () => rng.next());
    const y = Array.from({ length: n }, () => 0.5 + sigma * rng.normal());
    y[0] = 0;
    y[1] = 1; // fix the [0,1] scaling range
    const g = gridProblem({ kind: 'samples', X: { shape: [n, 2], data: X }, y }, { resolution: 8, normalize: 'per-axis', variant: 'corrected' });
    expect(nnDifferenceVariance(g) / sigma ** 2).toBeGreaterThan(0.8);
    expect(nnDifferenceVariance(g) / sigma ** 2).toBeLessThan(1.2);
  });
});

describe('recovery', () => {
  it('isosurface of an indicator is exact: (j+1)/L corrected, (j+1.5)/L reference, and monotone', () => {
    const L = 8;
    let prev = -1;
    for (let j = 0; j < L - 1; j++) {
      const v = new Float64Array(L).map((_, k) => (k <= j ? 1 : 0));
      expect(isosurface(v, 1, L, 'corrected')[0]).toBeCloseTo((j + 1) / L, 12);
      expect(isosurface(v, 1, L, 'reference')[0]).toBeCloseTo((j + 1.5) / L, 12);
      expect(isosurface(v, 1, L, 'corrected')[0]).toBeGreaterThan(prev);
      prev = isosurface(v, 1, L, 'corrected')[0];
    }
  });
  it('jump sizes: flat downward step gives size 0 in reference, the drop in corrected (D10)', () => {
    const u = Float64Array.from([1, 1, 1, 0, 0, 0]);
    const J = Uint8Array.from([0, 0, 1, 0, 0, 0]);
    const at = (x: number) => [x + 0.5];
    expect(jumpSizes(u, J, [6], 5, 'reference', at)[0].size).toBe(0);
    const c = jumpSizes(u, J, [6], 5, 'corrected', at)[0];
    expect(c).toMatchObject({ cell: [2], size: -1, from: 1, to: 0, location: [3] });
    const up = jumpSizes(Float64Array.from([0, 0, 0, 1, 1, 1]), J, [6], 5, 'reference', at)[0];
    expect(up.size).toBe(1);
  });
});
