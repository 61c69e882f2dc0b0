import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jacobiEigen, jacobiEigenvalues } from '../../../solvers/linalg/jacobi-eigen.js';

describe('cyclic Jacobi', () => {
  it('closed form: [[2,1],[1,2]] has eigenvalues 1 and 3', () => {
    expect(Array.from(jacobiEigenvalues(2, new Float64Array([2, 1, 1, 2])))).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });

  it('property: V diag(w) Vᵀ reconstructs A and V is orthogonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 49, maxLength: 49 }), (n, raw) => {
        const A = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = raw[i * 7 + j];
        const a = A.slice();
        const w = new Float64Array(n);
        const V = new Float64Array(n * n);
        jacobiEigen(n, a, w, V);
        const scale = Math.max(1, ...Array.from(A, Math.abs));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let r = 0;
            let o = 0;
            for (let k = 0; k < n; k++) {
              r += V[i * n + k] * w[k] * V[j * n + k];
              o += V[k * n + i] * V[k * n + j];
            }
            expect(Math.abs(r - A[i * n + j])).toBeLessThan(1e-10 * scale);
            expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
