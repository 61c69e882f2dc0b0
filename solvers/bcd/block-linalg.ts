/**
 * @module Small dense symmetric linear algebra for τ×τ block systems (specs/bcd.md §1.4, Decision 12): Cholesky solve
 * with a pseudo-inverse fallback (eigenvalues below 1e−12·λ_max dropped, by cyclic Jacobi), and the largest eigenvalue
 * λ_max (L_b of the gradient update) by Householder tridiagonalisation + Sturm bisection (exact to round-off, O(τ³)).
 * All routines work in caller-provided scratch (`BlockWorkspace`), so the iteration allocates nothing.
 */
import { jacobiEigen } from '../linalg/jacobi-eigen.js';

export { jacobiEigen };

export class BlockWorkspace {
  readonly a: Float64Array;
  readonly v: Float64Array;
  readonly w: Float64Array;
  readonly diag: Float64Array;
  readonly off: Float64Array;
  constructor(readonly cap: number) {
    this.a = new Float64Array(cap * cap);
    this.v = new Float64Array(cap * cap);
    this.w = new Float64Array(cap);
    this.diag = new Float64Array(cap);
    this.off = new Float64Array(cap);
  }
}

/** In-place lower Cholesky of M[n×n] (row-major; upper part ignored). False if a pivot ≤ 0. */
export function cholesky(n: number, M: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let s = M[j * n + j];
    for (let k = 0; k < j; k++) s -= M[j * n + k] * M[j * n + k];
    if (!(s > 0)) return false;
    const d = Math.sqrt(s);
    M[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = M[i * n + j];
      for (let k = 0; k < j; k++) t -= M[i * n + k] * M[j * n + k];
      M[i * n + j] = t / d;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place in x (x holds b on entry). */
export function cholSolve(n: number, Lf: Float64Array, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= Lf[i * n + k] * x[k];
    x[i] = s / Lf[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= Lf[k * n + i] * x[k];
    x[i] = s / Lf[i * n + i];
  }
}

/** bᵀ M⁻¹ b with the Cholesky factor: ‖L⁻¹b‖² (one triangular solve); `tmp` length ≥ n. */
export function cholQuadForm(n: number, Lf: Float64Array, b: Float64Array, tmp: Float64Array): number {
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= Lf[i * n + k] * tmp[k];
    const t = s / Lf[i * n + i];
    tmp[i] = t;
    q += t * t;
  }
  return q;
}

/**
 * Solves M x = b (M symmetric PSD n×n, not modified): Cholesky first; if a pivot fails, the pseudo-inverse with
 * eigenvalues below 1e−12·λ_max dropped. x holds b on entry. Returns false when the pinv fallback was used.
 */
export function solveSpd(n: number, M: Float64Array, x: Float64Array, ws: BlockWorkspace): boolean {
  const a = ws.a;
  for (let k = 0; k < n * n; k++) a[k] = M[k];
  if (cholesky(n, a)) {
    cholSolve(n, a, x);
    return true;
  }
  for (let k = 0; k < n * n; k++) a[k] = M[k];
  jacobiEigen(n, a, ws.w, ws.v);
  let lmax = 0;
  for (let i = 0; i < n; i++) lmax = Math.max(lmax, ws.w[i]);
  const cut = 1e-12 * lmax;
  const tmp = ws.diag;
  for (let j = 0; j < n; j++) {
    let s = 0;
    if (ws.w[j] > cut) {
      for (let i = 0; i < n; i++) s += ws.v[i * n + j] * x[i];
      s /= ws.w[j];
    }
    tmp[j] = s;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += ws.v[i * n + j] * tmp[j];
    x[i] = s;
  }
  return false;
}

/** Largest eigenvalue of symmetric M[n×n] (not modified): Householder to tridiagonal, then Sturm bisection. */
export function lambdaMax(n: number, M: Float64Array, ws: BlockWorkspace): number {
  if (n === 1) return M[0];
  if (n === 2) {
    const a = M[0];
    const d = M[3];
    const b = M[1];
    return 0.5 * (a + d) + Math.sqrt(0.25 * (a - d) * (a - d) + b * b);
  }
  const a = ws.a;
  for (let k = 0; k < n * n; k++) a[k] = M[k];
  const d = ws.diag;
  const e = ws.off;
  const v = ws.w;
  // Householder reduction (values only): for column k, reflect rows/cols k+1..n-1.
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += a[i * n + k] * a[i * n + k];
    alpha = Math.sqrt(alpha);
    if (alpha === 0) {
      e[k] = 0;
      continue;
    }
    const x0 = a[(k + 1) * n + k];
    if (x0 > 0) alpha = -alpha;
    // v = x − alpha e1
    let vnorm2 = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i * n + k];
      if (i === k + 1) v[i] -= alpha;
      vnorm2 += v[i] * v[i];
    }
    e[k] = alpha;
    if (vnorm2 === 0) continue;
    const beta = 2 / vnorm2;
    // A' = H A H on the trailing block, H = I − beta v vᵀ: p = beta A v; K = beta/2 vᵀp; q = p − K v; A −= v qᵀ + q vᵀ.
    const p = ws.v; // reuse as p vector at offset 0..n
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j] * v[j];
      p[i] = beta * s;
      vp += v[i] * p[i];
    }
    const K = 0.5 * beta * vp;
    for (let i = k + 1; i < n; i++) p[i] -= K * v[i];
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) a[i * n + j] -= v[i] * p[j] + p[i] * v[j];
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  e[n - 2] = a[(n - 1) * n + (n - 2)];
  // Gershgorin interval of the tridiagonal matrix.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
  }
  // Count of eigenvalues < s (Sturm); bisection for the largest.
  const countBelow = (s: number): number => {
    let c = 0;
    let q = d[0] - s;
    if (q < 0) c++;
    for (let i = 1; i < n; i++) {
      const ee = e[i - 1];
      q = d[i] - s - (ee * ee) / (q === 0 ? 1e-300 : q);
      if (q < 0) c++;
    }
    return c;
  };
  const scale = Math.max(Math.abs(lo), Math.abs(hi), 1e-300);
  for (let it = 0; it < 200 && hi - lo > 2e-16 * scale; it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(mid) === n) hi = mid;
    else lo = mid;
  }
  return hi;
}
