import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { GpMean, GpWorkspace } from '../../../solvers/root/gp.js';
import { walkBuffers, walkPairs } from '../../../solvers/root/pairs.js';
import { createCpuKernels } from '../../../solvers/kernels/cpu/index.js';

const k = createCpuKernels();

function data(n: number, d: number, seed: number) {
  const r = createRng(seed);
  const X = r.fillNormal(new Float64Array(n * d));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin(X[i * d]) + 0.3 * X[i * d + d - 1];
  return { X, y };
}

describe('RBF kernel (V2)', () => {
  it('k(x,x) = σ², symmetric, σ²e^{-1/2} at distance ℓ', () => {
    const X = Float64Array.from([0, 0, 1.5, 0, 0.3, -0.7]);
    const K = new Float64Array(9);
    k.rbf(3, 3, 2, X, X, 1.5, 2.5, K);
    for (let i = 0; i < 3; i++) expect(K[i * 3 + i]).toBe(2.5);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(K[i * 3 + j]).toBe(K[j * 3 + i]);
    expect(K[1]).toBeCloseTo(2.5 * Math.exp(-0.5), 14);
  });
});

describe('GP posterior mean (V3, V4)', () => {
  it('interpolates the training targets with tiny noise', () => {
    const n = 30;
    const d = 3;
    const { X, y } = data(n, d, 1);
    const gp = GpMean.fit(k, n, d, X, y, 1.2, 1.0, 1e-6, new GpWorkspace(n));
    const g = gp.predict(n, X, new Float64Array(n));
    for (let i = 0; i < n; i++) expect(Math.abs(g[i] - y[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(y[i])) + 1e-5);
  });

  it('training residual shrinks as σ² grows (noise 0.01); mean → 0 far from data', () => {
    const n = 40;
    const d = 2;
    const { X, y } = data(n, d, 2);
    const res = [0.25, 1, 4, 16].map((s2) => {
      const gp = GpMean.fit(k, n, d, X, y, 1, s2, 0.01, new GpWorkspace(n));
      const g = gp.predict(n, X, new Float64Array(n));
      let r = 0;
      for (let i = 0; i < n; i++) r += (g[i] - y[i]) ** 2;
      return r;
    });
    for (let i = 1; i < res.length; i++) expect(res[i]).toBeLessThan(res[i - 1]);
    const gp = GpMean.fit(k, n, d, X, y, 1, 1, 0.01, new GpWorkspace(n));
    expect(Math.abs(gp.predict(1, Float64Array.from([100, 0]), new Float64Array(1))[0])).toBeLessThan(1e-12);
  });

  it('analytic gradient matches central differences (h = 1e-4)', () => {
    const n = 25;
    const d = 4;
    const { X, y } = data(n, d, 3);
    const gp = GpMean.fit(k, n, d, X, y, 1.3, 2.0, 0.01, new GpWorkspace(n));
    const r = createRng(9);
    const Y = r.fillNormal(new Float64Array(5 * d), 0, 0.8);
    const G = gp.gradient(5, Y, new Float64Array(5 * d));
    const h = 1e-4;
    const out = new Float64Array(1);
    for (let m = 0; m < 5; m++) {
      for (let j = 0; j < d; j++) {
        const p = Float64Array.from(Y.subarray(m * d, (m + 1) * d));
        p[j] += h;
        const up = gp.predict(1, p, out)[0];
        p[j] -= 2 * h;
        const dn = gp.predict(1, p, out)[0];
        const fd = (up - dn) / (2 * h);
        expect(Math.abs(G[m * d + j] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('property: invariant to row permutation; scaling σ² and noise by c leaves g unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.2, max: 5, noNaN: true }), (seed, c) => {
        const n = 12;
        const d = 2;
        const { X, y } = data(n, d, seed);
        const Yq = Float64Array.from([0.1, -0.2, 1.1, 0.4]);
        const g1 = GpMean.fit(k, n, d, X, y, 0.9, 1.0, 0.01, new GpWorkspace(n)).predict(2, Yq, new Float64Array(2));
        const perm = createRng(seed + 1).shuffle(Int32Array.from({ length: n }, (_, i) => i));
        const Xp = new Float64Array(n * d);
        const yp = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          Xp.set(X.subarray(perm[i] * d, perm[i] * d + d), i * d);
          yp[i] = y[perm[i]];
        }
        const g2 = GpMean.fit(k, n, d, Xp, yp, 0.9, 1.0, 0.01, new GpWorkspace(n)).predict(2, Yq, new Float64Array(2));
        const g3 = GpMean.fit(k, n, d, X, y, 0.9, c, 0.01 * c, new GpWorkspace(n)).predict(2, Yq, new Float64Array(2));
        for (let i = 0; i < 2; i++) {
          expect(g2[i]).toBeCloseTo(g1[i], 8);
          expect(g3[i]).toBeCloseTo(g1[i], 8);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('property: a duplicated training point changes g there by O(noise)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const n = 10;
        const d = 2;
        const { X, y } = data(n, d, seed);
        const X2 = new Float64Array((n + 1) * d);
        X2.set(X);
        X2.set(X.subarray(0, d), n * d);
        const y2 = new Float64Array(n + 1);
        y2.set(y);
        y2[n] = y[0];
        const at = X.subarray(0, d);
        const g1 = GpMean.fit(k, n, d, X, y, 1, 1, 0.01, new GpWorkspace(n)).predict(1, at, new Float64Array(1))[0];
        const g2 = GpMean.fit(k, n + 1, d, X2, y2, 1, 1, 0.01, new GpWorkspace(n + 1)).predict(1, at, new Float64Array(1))[0];
        expect(Math.abs(g1 - g2)).toBeLessThan(0.05 * Math.max(1, Math.abs(y[0])));
      }),
      { numRuns: 30 },
    );
  });
});

describe('pair walks (V5)', () => {
  const n = 40;
  const d = 2;
  const { X, y } = data(n, d, 4);
  const gp = GpMean.fit(k, n, d, X, y, 1, 1, 0.01, new GpWorkspace(n));
  const starts = Int32Array.from({ length: 20 }, (_, i) => i);

  it('every kept pair satisfies g(x⁺) − g(x⁻) > threshold, labels are g at the endpoints', async () => {
    const p = await walkPairs(gp, X, starts, 20, 30, 0.05, 0.001, walkBuffers(20, d), () => false);
    expect(p?.count).toBeGreaterThan(0);
    const gh = gp.predict(p!.count, p!.xHigh, new Float64Array(p!.count));
    const gl = gp.predict(p!.count, p!.xLow, new Float64Array(p!.count));
    for (let i = 0; i < p!.count; i++) {
      expect(p!.yHigh[i] - p!.yLow[i]).toBeGreaterThan(0.001);
      expect(gh[i]).toBeCloseTo(p!.yHigh[i], 12);
      expect(gl[i]).toBeCloseTo(p!.yLow[i], 12);
    }
  });

  it('η → 0 keeps x⁺ = x⁻ = x0 and no pair', async () => {
    expect((await walkPairs(gp, X, starts, 20, 10, 0, 0.001, walkBuffers(20, d), () => false))?.count).toBe(0);
  });

  it('on a concave 1-D GP mean, g(x⁺) ≥ g(x0) ≥ g(x⁻)', async () => {
    const X1 = Float64Array.from([-2, -1, 0, 1, 2]);
    const y1 = Float64Array.from([-4, -1, 0, -1, -4]);
    const g1 = GpMean.fit(k, 5, 1, X1, y1, 1.5, 4, 0.01, new GpWorkspace(5));
    const s = Int32Array.from([1, 3]);
    const p = (await walkPairs(g1, X1, s, 2, 20, 0.01, 0, walkBuffers(2, 1), () => false))!;
    expect(p.count).toBe(2);
    const g0 = g1.predict(5, X1, new Float64Array(5));
    expect(p.yHigh[0]).toBeGreaterThanOrEqual(g0[1]);
    expect(g0[1]).toBeGreaterThanOrEqual(p.yLow[0]);
    expect(p.yHigh[1]).toBeGreaterThanOrEqual(g0[3]);
    expect(g0[3]).toBeGreaterThanOrEqual(p.yLow[1]);
  });
});
