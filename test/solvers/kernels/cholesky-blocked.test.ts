/** The blocked Cholesky path (n ≥ 256): L·Lᵀ reconstructs A, the upper triangle is untouched, indefinite fails. */
import { describe, expect, it } from 'vitest';
import { cholesky } from '../../../solvers/kernels/cpu/factorizations.js';
import { createRng } from '../../../solvers/core/rng.js';

function spd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const M = rng.fillNormal(new Float64Array(n * n));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += M[i * n + k] * M[j * n + k];
      A[i * n + j] = A[j * n + i] = s / n + (i === j ? 0.5 : 0);
    }
  return A;
}

describe('blocked Cholesky', () => {
  for (const n of [256, 301]) {
    it(`n=${n}: reconstructs A to round-off and leaves the upper triangle alone`, () => {
      const A = spd(n, n);
      const L = A.slice();
      expect(cholesky(n, L)).toBe(true);
      let err = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
          err = Math.max(err, Math.abs(s - A[i * n + j]));
          if (j < i) expect(L[j * n + i]).toBe(A[j * n + i]);
        }
      expect(err).toBeLessThan(1e-12);
    });
  }

  it('an indefinite matrix fails (a pivot late in the trailing blocks)', () => {
    const n = 300;
    const A = spd(n, 7);
    A[290 * n + 290] = -5;
    expect(cholesky(n, A)).toBe(false);
  });
});
