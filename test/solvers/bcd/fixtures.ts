/** Small seeded problems shared by the bcd tests (dense Gaussian A, lasso data, graphs). */
import { createRng } from '../../../solvers/core/rng.js';
import { resolveBcdOptions, type BcdOptions, type BcdProblemKind, type BcdResolvedOptions } from '../../../shared/index.js';

export function gaussian(m: number, n: number, seed: number): number[] {
  const r = createRng(seed);
  return Array.from({ length: m * n }, () => r.normal());
}

export function vec(n: number, seed: number): number[] {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.normal());
}

export function opts(kind: BcdProblemKind, o: Partial<BcdOptions>): BcdResolvedOptions {
  return resolveBcdOptions(kind, {
    blockSize: 50,
    maxIterations: 1000,
    tolerance: 0,
    diagonal: 'lipschitz',
    ihtIterations: 10,
    lipschitzEstimate: 'bound',
    graphOrder: 'lipschitz',
    ...o,
  });
}

/** Solve the dense SPD system M x = r (Gaussian elimination with partial pivoting), for reference answers. */
export function denseSolve(n: number, M: Float64Array, r: Float64Array): Float64Array {
  const a = M.slice();
  const x = r.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]) > Math.abs(a[p * n + c])) p = i;
    if (p !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    for (let i = c + 1; i < n; i++) {
      const f = a[i * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[i * n + j] -= f * a[c * n + j];
      x[i] -= f * x[c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/** AᵀA and Aᵀy for dense row-major A (m×n). */
export function normalEquations(m: number, n: number, A: number[], y: number[]): { G: Float64Array; r: Float64Array } {
  const G = new Float64Array(n * n);
  const r = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      r[j] += A[i * n + j] * y[i];
      for (let k = 0; k < n; k++) G[j * n + k] += A[i * n + j] * A[i * n + k];
    }
  }
  return { G, r };
}
