/**
 * @module Cyclic Jacobi eigen-decomposition of a small symmetric matrix (Golub & Van Loan §8.5): rotations until the
 * off-diagonal mass is below 1e-30 of the total; exact to round-off. Used for the bcd pseudo-inverse fallback
 * (eigenvectors) and the bilevel certificate constants (eigenvalues only).
 */

/** Decomposes symmetric A[n×n] (destroyed): eigenvalues in w (unsorted), eigenvectors in the columns of V if given. */
export function jacobiEigen(n: number, A: Float64Array, w: Float64Array, V?: Float64Array): void {
  if (V) {
    V.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) V[i * n + i] = 1;
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const a2 = A[i * n + j] * A[i * n + j];
        tot += a2;
        if (i !== j) off += a2;
      }
    }
    if (off <= 1e-30 * tot || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        if (V) {
          for (let k = 0; k < n; k++) {
            const vkp = V[k * n + p];
            const vkq = V[k * n + q];
            V[k * n + p] = c * vkp - s * vkq;
            V[k * n + q] = s * vkp + c * vkq;
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) w[i] = A[i * n + i];
}

/** Eigenvalues of symmetric A[n×n] (not modified), ascending. */
export function jacobiEigenvalues(n: number, A: Float64Array): Float64Array {
  const a = Float64Array.from(A.subarray(0, n * n));
  const w = new Float64Array(n);
  jacobiEigen(n, a, w);
  return w.sort();
}
