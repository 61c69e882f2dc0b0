/**
 * The fused wasm GP mean gradient (rbf-grad-fused.ts): bit-identical to the GEMM path (same operations, same order) over
 * random shapes (n and m off the 4-tiles, several X chunks and walker groups, d = 1..64); within 1e-13 of a plain float64
 * reference (Math.exp, r² from differences, naive loops) relative to Σ_i |w_i|·(|x_i|∞ + |y|∞), including walkers whose
 * weights underflow; a walker's gradient does not depend on where it sits among the walkers (fast-check). r² comes from
 * |x|² + |y|² − 2x·y (as the GEMM path), so a weight's relative error grows like ε·(|x|² + |y|²)/(2ℓ²): far walkers with
 * tiny but nonzero weights get that factor (κ below) in their tolerance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { rbfMeanGradFused, usesFusedRbfGrad } from '../../../solvers/kernels/cpu/rbf-grad-fused.js';
import { rbfMeanGrad, rbfMeanGradDirect, rbfMeanGradGemm } from '../../../solvers/kernels/cpu/rbf.js';

interface Case {
  n: number;
  m: number;
  d: number;
  X: Float64Array;
  Y: Float64Array;
  a: Float64Array;
  l: number;
  s2: number;
}

function makeCase(seed: number, n: number, m: number, d: number, l: number, far = 0): Case {
  const rng = createRng(seed);
  const X = rng.fillNormal(new Float64Array(n * d));
  const Y = rng.fillNormal(new Float64Array(m * d));
  // some walkers on data points (r² = 0), some far away (weights underflow to 0 or subnormals)
  if (m > 1 && n > 0) Y.set(X.subarray(0, d), 0);
  for (let j = 2; j < m; j += 3) for (let c = 0; c < d; c++) Y[j * d + c] += far;
  return { n, m, d, X, Y, a: rng.fillNormal(new Float64Array(n)), l, s2: 0.5 + rng.next() };
}

/**
 * Plain float64 reference and, per walker, the scale Σ_i |w_i|·(|x_i|∞ + |y|∞) times max(1, κ/50) with
 * κ = max_i (|x_i|² + |y|²)/(2ℓ²) over the rows with nonzero weight.
 */
function reference(k: Case): { G: Float64Array; scale: Float64Array } {
  const { n, m, d, X, Y, a, l, s2 } = k;
  const G = new Float64Array(m * d);
  const scale = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let yInf = 0;
    let yn = 0;
    for (let c = 0; c < d; c++) {
      yInf = Math.max(yInf, Math.abs(Y[j * d + c]));
      yn += Y[j * d + c] ** 2;
    }
    let kappa = 0;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      let xInf = 0;
      let xn = 0;
      for (let c = 0; c < d; c++) {
        r2 += (X[i * d + c] - Y[j * d + c]) ** 2;
        xInf = Math.max(xInf, Math.abs(X[i * d + c]));
        xn += X[i * d + c] ** 2;
      }
      const w = (a[i] * s2 * Math.exp(-r2 / (2 * l * l))) / (l * l);
      for (let c = 0; c < d; c++) G[j * d + c] += w * (X[i * d + c] - Y[j * d + c]);
      scale[j] += Math.abs(w) * (xInf + yInf);
      if (w !== 0) kappa = Math.max(kappa, (xn + yn) / (2 * l * l));
    }
    scale[j] *= Math.max(1, kappa / 50);
  }
  return { G, scale };
}

function fused(k: Case): Float64Array {
  const G = new Float64Array(k.m * k.d).fill(Number.NaN);
  expect(rbfMeanGradFused(k.n, k.m, k.d, k.X, k.Y, k.a, k.l, k.s2, G)).toBe(true);
  return G;
}

/** Largest |G − ref| / scale over walkers (absolute floor 1e-300 for walkers whose weights all underflow). */
function worstRelative(k: Case, G: Float64Array): number {
  const ref = reference(k);
  let worst = 0;
  for (let j = 0; j < k.m; j++)
    for (let c = 0; c < k.d; c++) worst = Math.max(worst, Math.abs(G[j * k.d + c] - ref.G[j * k.d + c]) / (ref.scale[j] + 1e-300));
  return worst;
}

describe.runIf(usesFusedRbfGrad(8))('rbfMeanGrad, fused wasm kernel', () => {
  it('runs for d = 1..64, not above', () => {
    expect(usesFusedRbfGrad(1) && usesFusedRbfGrad(64)).toBe(true);
    expect(usesFusedRbfGrad(65)).toBe(false);
  });

  it('is bit-identical to the GEMM path over random shapes (chunks of X, walker groups, tails)', () => {
    const rng = createRng(7);
    const shapes: [number, number, number][] = [[1000, 300, 64], [777, 131, 24], [65, 9, 4], [2, 1, 1], [1, 5, 3], [401, 257, 10]];
    for (let t = 0; t < 10; t++) shapes.push([1 + Math.floor(rng.next() * 600), 1 + Math.floor(rng.next() * 300), 1 + Math.floor(rng.next() * 64)]);
    for (const [n, m, d] of shapes) {
      const k = makeCase(n * 31 + m * 7 + d, n, m, d, 0.8 + 3 * rng.next(), 4);
      const want = new Float64Array(m * d);
      rbfMeanGradGemm(n, m, d, k.X, k.Y, k.a, k.l, k.s2, want);
      const got = fused(k);
      let differing = 0;
      for (let e = 0; e < m * d; e++) if (!Object.is(got[e], want[e])) differing++;
      expect(differing, `n=${n} m=${m} d=${d}`).toBe(0);
    }
  });

  it('weights across the subnormal range and the underflow edge are those of the GEMM path, bit for bit', () => {
    // rows at 0 (G = −Σ_i w_i·y): walker j at y_j with exp argument −t_j, t_j swept over [690, 746]
    const n = 6;
    const m = 4000;
    const l = 0.75;
    const X = new Float64Array(n);
    const a = Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (0.3 + i));
    const Y = Float64Array.from({ length: m }, (_, j) => Math.sqrt(2 * l * l * (690 + (56 * j) / m)));
    const want = new Float64Array(m);
    const got = new Float64Array(m);
    rbfMeanGradGemm(n, m, 1, X, Y, a, l, 1, want);
    expect(rbfMeanGradFused(n, m, 1, X, Y, a, l, 1, got)).toBe(true);
    let subnormal = 0;
    for (let j = 0; j < m; j++) {
      if (!Object.is(got[j], want[j])) expect.fail(`walker ${j}: ${got[j]} ≠ ${want[j]}`);
      if (got[j] !== 0 && Math.abs(got[j] / Y[j]) < 2 ** -1022) subnormal++;
    }
    expect(subnormal).toBeGreaterThan(m / 3);
    expect(got[m - 1]).toBe(0);
  });

  it('agrees with a plain Math.exp reference to 1e-13, underflowing weights included', () => {
    const rng = createRng(11);
    const shapes: [number, number, number, number, number][] = [
      [300, 70, 64, 6.25, 3],
      [257, 33, 24, 2.5, 6],
      [130, 41, 10, 1, 10], // far walkers: weights ≈ e^-500 (κ ≈ 500)
      [130, 41, 10, 1, 14], // far walkers: most weights underflow (r² ≳ 1490), some subnormal
      [99, 17, 2, 0.3, 20], // far walkers: every weight underflows to exactly 0
      [50, 300, 1, 0.9, 5],
    ];
    for (let t = 0; t < 6; t++) {
      const d = 1 + Math.floor(rng.next() * 64);
      shapes.push([1 + Math.floor(rng.next() * 400), 1 + Math.floor(rng.next() * 300), d, Math.sqrt(d) * (0.3 + 2 * rng.next()), 5 * rng.next()]);
    }
    for (const [n, m, d, l, far] of shapes) {
      const k = makeCase(n + 1000 * d, n, m, d, l, far);
      expect(worstRelative(k, fused(k)), `n=${n} m=${m} d=${d} ℓ=${l}`).toBeLessThan(1e-13);
    }
  });

  it('the fallback paths (GEMM, direct loops) agree with the reference too', () => {
    for (const [n, m, d, l] of [[130, 21, 10, 2], [70, 9, 3, 0.7]]) {
      const k = makeCase(n + d, n, m, d, l, 2);
      for (const path of [rbfMeanGradGemm, rbfMeanGradDirect]) {
        const G = new Float64Array(m * d);
        path(n, m, d, k.X, k.Y, k.a, l, k.s2, G);
        expect(worstRelative(k, G), `${path.name} n=${n} d=${d}`).toBeLessThan(1e-13);
      }
    }
  });

  it('rbfMeanGrad takes the fused path', () => {
    const k = makeCase(3, 150, 20, 5, 1.5, 2);
    const G = new Float64Array(k.m * k.d);
    rbfMeanGrad(k.n, k.m, k.d, k.X, k.Y, k.a, k.l, k.s2, G);
    expect(G).toEqual(fused(k));
  });

  it("property: a walker's gradient does not depend on its place among the walkers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (n, m, d, seed) => {
          const k = makeCase(seed, n, m, d, 0.5 + (seed % 7), 1);
          const G = fused(k);
          // reverse the walkers and shift them by one tile lane: every walker lands in another lane and tile
          const perm = Array.from({ length: m + 1 }, (_, j) => (j === 0 ? m - 1 : m - j));
          const Y2 = new Float64Array((m + 1) * d);
          for (let j = 0; j <= m; j++) Y2.set(k.Y.subarray(perm[j] * d, (perm[j] + 1) * d), j * d);
          const G2 = fused({ ...k, m: m + 1, Y: Y2 });
          for (let j = 0; j <= m; j++) for (let c = 0; c < d; c++) expect(Object.is(G2[j * d + c], G[perm[j] * d + c])).toBe(true);
        },
      ),
      { numRuns: 40, seed: 5 },
    );
  });
});
