/**
 * @module Recovery of the fit from the lifted v (specs/fdr.md §1.5–1.8): the ½-isosurface u (per variant, D4),
 * the jump set J = {g ≥ threshold} of the forward-difference norm g with the 1-D clean-up, and per jump cell the
 * jump size by the ±`jumpSearch` walk of §1.8 (with the D10 fix in `corrected`).
 */
import type { FdrVariant } from './lifted.js';

/** u ∈ [0,1] per cell from v (N·L): j = first k with v[k] > ½ ≥ v[k+1], θ = (½ − v[j])/(v[j+1] − v[j]). */
export function isosurface(v: Float64Array | Float32Array, N: number, L: number, variant: FdrVariant): Float64Array {
  const u = new Float64Array(N);
  const off = variant === 'reference' ? 1 : 0.5;
  for (let x = 0; x < N; x++) {
    const b = x * L;
    let j = -1;
    for (let k = 0; k < L - 1; k++) {
      if (v[b + k] > 0.5 && v[b + k + 1] <= 0.5) {
        j = k;
        break;
      }
    }
    if (j < 0) {
      // v[0] = 1 and v[L−1] = 0 after the box, so this only happens for an unprojected v: use the layer cake.
      let sum = 0;
      for (let k = 0; k < L; k++) sum += v[b + k];
      u[x] = sum / L;
      continue;
    }
    const a = v[b + j];
    const c = v[b + j + 1];
    const theta = (0.5 - a) / (c - a);
    u[x] = (j + off + theta) / L;
  }
  return u;
}

function stridesOf(shape: number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    st[j] = s;
    s *= shape[j];
  }
  return st;
}

/** Per-cell integer coordinates of flat index x. */
export function cellOf(x: number, shape: number[]): number[] {
  const st = stridesOf(shape);
  return shape.map((n, j) => Math.floor(x / st[j]) % n);
}

/**
 * Jump set (§1.6): g = Euclidean norm of the forward differences of u (zero at the last index), J = g ≥ thr.
 * In 1-D the clean-up runs on u in place (k = 1..n−2: J[k] ∧ ¬J[k−1] ∧ J[k+1] ⇒ u[k+1] ← u[k], J[k] ← 0).
 */
export function jumpSet(u: Float64Array, shape: number[], threshold: number): Uint8Array {
  const N = u.length;
  const d = shape.length;
  const st = stridesOf(shape);
  const J = new Uint8Array(N);
  for (let x = 0; x < N; x++) {
    let g2 = 0;
    for (let j = 0; j < d; j++) {
      const i = Math.floor(x / st[j]) % shape[j];
      if (i < shape[j] - 1) {
        const df = u[x + st[j]] - u[x];
        g2 += df * df;
      }
    }
    if (Math.sqrt(g2) >= threshold) J[x] = 1;
  }
  if (d === 1) {
    for (let k = 1; k < N - 1; k++) {
      if (J[k] === 1 && J[k - 1] === 0 && J[k + 1] === 1) {
        u[k + 1] = u[k];
        J[k] = 0;
      }
    }
  }
  return J;
}

export interface JumpEntry {
  cell: number[];
  size: number;
  from: number;
  to: number;
  location: number[];
}

/**
 * Jump sizes (§1.8) on u in y units. `cellX(x)` gives the location of cell x (mean X of its samples, or centre).
 */
export function jumpSizes(
  u: Float64Array,
  J: Uint8Array,
  shape: number[],
  search: number,
  variant: FdrVariant,
  cellX: (x: number) => number[],
): JumpEntry[] {
  const N = u.length;
  const d = shape.length;
  const st = stridesOf(shape);
  const out: JumpEntry[] = [];
  const fwdV: number[] = [];
  const fwdC: number[] = [];
  const bwdV: number[] = [];
  const bwdC: number[] = [];
  for (let p = 0; p < N; p++) {
    if (J[p] === 0) continue;
    const from = u[p];
    let best = -1;
    let bestTo = from;
    let bestCell = p;
    for (let j = 0; j < d; j++) {
      const i = Math.floor(p / st[j]) % shape[j];
      fwdV.length = 0;
      fwdC.length = 0;
      bwdV.length = 0;
      bwdC.length = 0;
      fwdV.push(from);
      fwdC.push(p);
      for (let s = 1; s <= search && i + s < shape[j]; s++) {
        const q = p + s * st[j];
        fwdV.push(u[q]);
        fwdC.push(q);
        if (J[q] === 0) break;
      }
      bwdV.push(from);
      bwdC.push(p);
      for (let s = 1; s <= search && i - s >= 0; s++) {
        const q = p - s * st[j];
        bwdV.push(u[q]);
        bwdC.push(q);
        if (J[q] === 0) break;
      }
      let max = -Infinity;
      let min = Infinity;
      let fmax = -Infinity;
      for (const val of fwdV) {
        if (val > max) max = val;
        if (val < min) min = val;
        if (val > fmax) fmax = val;
      }
      for (const val of bwdV) {
        if (val > max) max = val;
        if (val < min) min = val;
      }
      const spread = max - min;
      if (spread > best) {
        best = spread;
        let to = max === fmax || max === from ? max : min;
        if (variant === 'corrected' && to === from && max > min) to = to === max ? min : max;
        bestTo = to;
        let cell = -1;
        for (let t = 0; t < fwdV.length && cell < 0; t++) if (fwdV[t] === to) cell = fwdC[t];
        for (let t = 0; t < bwdV.length && cell < 0; t++) if (bwdV[t] === to) cell = bwdC[t];
        bestCell = cell < 0 ? p : cell;
      }
    }
    const a = cellX(p);
    const b = cellX(bestCell);
    out.push({
      cell: cellOf(p, shape),
      size: bestTo - from,
      from,
      to: bestTo,
      location: a.map((v, j) => (v + b[j]) / 2),
    });
  }
  return out;
}
