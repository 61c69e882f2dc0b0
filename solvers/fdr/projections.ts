/**
 * @module Projections of the lifted Mumford–Shah saddle problem (specs/fdr.md §1.3): the parabola
 * {(x, y): y ≥ |x|²/4 − c} (closed form of Pock et al. 2009 via Cardano, stable D form), the ball |s| ≤ ν
 * (`corrected`: a true projection; `reference`: the rescale-above-ν·n₁ rule) and the box of v.
 */

/**
 * Projects (x0, y0) onto {y ≥ |x|²/4 − c} in place: x0 = buf[off + 0..d−1], y0 = buf[off + d].
 * Returns true when the point moved.
 */
export function projectParabolaInPlace(buf: Float64Array, off: number, d: number, c: number): boolean {
  let n2 = 0;
  for (let j = 0; j < d; j++) n2 += buf[off + j] * buf[off + j];
  const y0 = buf[off + d];
  if (y0 >= n2 / 4 - c) return false;
  const yp = y0 + c;
  const nrm = Math.sqrt(n2);
  const a = nrm / 2;
  const b = (2 / 3) * (1 - yp / 2);
  let r: number;
  let D: number;
  if (b < 0) {
    const mb32 = (-b) ** 1.5;
    D = (a - mb32) * (a + mb32);
  } else {
    D = a * a + b * b * b;
  }
  if (D >= 0) {
    const w = Math.cbrt(a + Math.sqrt(D));
    r = w === 0 ? 0 : w - b / w;
  } else {
    const mb = -b;
    let arg = a / mb ** 1.5;
    if (arg > 1) arg = 1;
    else if (arg < -1) arg = -1;
    r = 2 * Math.sqrt(mb) * Math.cos(Math.acos(arg) / 3);
  }
  let m2 = 0;
  if (nrm > 0) {
    const scale = (2 * r) / nrm;
    for (let j = 0; j < d; j++) {
      const v = buf[off + j] * scale;
      buf[off + j] = v;
      m2 += v * v;
    }
  } else {
    for (let j = 0; j < d; j++) buf[off + j] = 0;
  }
  buf[off + d] = m2 / 4 - c;
  return true;
}

/**
 * Ball step on the d components buf[off..off+d−1]. `corrected`: s = m·min(1, ν/|m|). `reference`: if |m| > ν·n₁
 * then s = ν·m/|m| else s = m (not a projection; D1).
 */
export function projectBallInPlace(buf: Float64Array, off: number, d: number, nu: number, threshold: number): void {
  let n2 = 0;
  for (let j = 0; j < d; j++) n2 += buf[off + j] * buf[off + j];
  if (n2 > threshold * threshold) {
    const f = nu / Math.sqrt(n2);
    for (let j = 0; j < d; j++) buf[off + j] *= f;
  }
}

/** Box of v at one cell: clip to [0, 1], v[0] = 1, v[L−1] = 0. */
export function projectBoxInPlace(v: Float64Array, off: number, L: number): void {
  for (let k = 0; k < L; k++) {
    const x = v[off + k];
    v[off + k] = x < 0 ? 0 : x > 1 ? 1 : x;
  }
  v[off] = 1;
  v[off + L - 1] = 0;
}
