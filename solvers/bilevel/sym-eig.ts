/**
 * @module Extreme eigenvalues of small symmetric positive semi-definite matrices for the certificate constants
 * (specs/bilevel.md §1.8a: μ = λ_min(A2ᵀA2), L_h = λ_max, L_g = λ_max(A1ᵀA1), ‖J‖ = √λ_max(JᵀJ)).
 * Cyclic Jacobi rotations (exact to round-off) up to n = 160; above, power iteration for λ_max and shifted power
 * iteration for λ_min, run to a 1e-12 relative change and padded outward by 1e-9 relative (safe direction).
 */
import { jacobiEigenvalues } from '../linalg/jacobi-eigen.js';

function symv(n: number, A: Float64Array, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += A[o + j] * x[j];
    out[i] = s;
  }
}

/** Largest eigenvalue of (A − shift·I)·sign by power iteration from a deterministic start. */
function power(n: number, A: Float64Array, shift: number): number {
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + 0.37 * Math.sin(1.7 * i + 0.3);
  let lam = 0;
  for (let it = 0; it < 20000; it++) {
    let nv = 0;
    for (let i = 0; i < n; i++) nv += v[i] * v[i];
    nv = Math.sqrt(nv);
    for (let i = 0; i < n; i++) v[i] /= nv;
    symv(n, A, v, w);
    let r = 0;
    for (let i = 0; i < n; i++) {
      w[i] -= shift * v[i];
      r += v[i] * w[i];
    }
    if (it > 10 && Math.abs(r - lam) <= 1e-12 * Math.abs(r)) {
      lam = r;
      break;
    }
    lam = r;
    const t = v;
    v = w;
    w = t;
  }
  return lam;
}

/** { min, max } eigenvalues of the symmetric PSD matrix A (n×n). */
export function extremeEigenvalues(n: number, A: Float64Array): { min: number; max: number } {
  if (n <= 160) {
    const ev = jacobiEigenvalues(n, A);
    return { min: Math.max(ev[0], 0), max: Math.max(ev[n - 1], 0) };
  }
  const max = power(n, A, 0) * (1 + 1e-9);
  const min = Math.max(0, (max + power(n, A, max)) * (1 - 1e-9));
  return { min, max };
}
