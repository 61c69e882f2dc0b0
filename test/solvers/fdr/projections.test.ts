/** Projections of specs/fdr.md §1.3 and §6: parabola (feasible, idempotent, ray, brute force), ball, box. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectBallInPlace, projectBoxInPlace, projectParabolaInPlace } from '../../../solvers/fdr/projections.js';

const num = fc.double({ min: -50, max: 50, noNaN: true });
const point = (d: number) => fc.array(num, { minLength: d + 1, maxLength: d + 1 });
const cost = fc.double({ min: 0, max: 20, noNaN: true });

function proj(q: number[], c: number): Float64Array {
  const b = Float64Array.from(q);
  projectParabolaInPlace(b, 0, q.length - 1, c);
  return b;
}
const norm2 = (b: ArrayLike<number>, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += b[j] * b[j];
  return s;
};

describe('parabola projection', () => {
  for (const d of [1, 2, 3]) {
    it(`is feasible, idempotent, keeps feasible points and stays on the ray (d = ${d})`, () => {
      fc.assert(
        fc.property(point(d), cost, (q, c) => {
          const p = proj(q, c);
          const scale = 1 + Math.abs(q[d]) + norm2(q, d);
          expect(p[d]).toBeGreaterThanOrEqual(norm2(p, d) / 4 - c - 1e-9 * scale);
          const pp = proj(Array.from(p), c);
          for (let j = 0; j <= d; j++) expect(Math.abs(pp[j] - p[j])).toBeLessThanOrEqual(1e-9 * scale);
          if (q[d] >= norm2(q, d) / 4 - c) for (let j = 0; j <= d; j++) expect(p[j]).toBe(q[j]);
          // same direction as x0: p_x = α x0 with α ≥ 0
          const nq = Math.sqrt(norm2(q, d));
          if (nq > 1e-9) {
            const alpha = Math.sqrt(norm2(p, d)) / nq;
            for (let j = 0; j < d; j++) expect(Math.abs(p[j] - alpha * q[j])).toBeLessThanOrEqual(1e-8 * scale);
          }
        }),
        { numRuns: 300 },
      );
    });
    it(`is non-expansive (d = ${d})`, () => {
      fc.assert(
        fc.property(point(d), point(d), cost, (a, b, c) => {
          const pa = proj(a, c);
          const pb = proj(b, c);
          let dp = 0;
          let dq = 0;
          for (let j = 0; j <= d; j++) {
            dp += (pa[j] - pb[j]) ** 2;
            dq += (a[j] - b[j]) ** 2;
          }
          expect(Math.sqrt(dp)).toBeLessThanOrEqual(Math.sqrt(dq) + 1e-7 * (1 + Math.sqrt(dq)));
        }),
        { numRuns: 300 },
      );
    });
  }
  it('agrees with a brute-force minimisation over the radius', () => {
    fc.assert(
      fc.property(point(2), cost, (q, c) => {
        if (q[2] >= norm2(q, 2) / 4 - c) return;
        const p = proj(q, c);
        const nq = Math.sqrt(norm2(q, 2));
        // distance² from q to the parabola point at radius ρ ≥ 0 along x0's direction
        const dist = (r: number) => (r - nq) ** 2 + (r * r / 4 - c - q[2]) ** 2;
        let lo = 0;
        let hi = 2 * nq + 4 * Math.sqrt(Math.abs(q[2]) + c + 1) + 10;
        for (let t = 0; t < 200; t++) {
          const m1 = lo + (hi - lo) / 3;
          const m2 = hi - (hi - lo) / 3;
          if (dist(m1) < dist(m2)) hi = m2;
          else lo = m1;
        }
        const rBrute = (lo + hi) / 2;
        const r = Math.sqrt(norm2(p, 2));
        expect(dist(r)).toBeLessThanOrEqual(dist(rBrute) + 1e-7 * (1 + dist(rBrute)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ball and box', () => {
  it('corrected ball: inside unchanged, outside on the sphere, idempotent', () => {
    fc.assert(
      fc.property(point(2), fc.double({ min: 1e-3, max: 5, noNaN: true }), (q, nu) => {
        const b = Float64Array.from(q.slice(0, 3));
        projectBallInPlace(b, 0, 3, nu, nu);
        const n = Math.sqrt(norm2(b, 3));
        expect(n).toBeLessThanOrEqual(nu * (1 + 1e-12));
        if (Math.sqrt(norm2(q, 3)) <= nu) for (let j = 0; j < 3; j++) expect(b[j]).toBe(q[j]);
        const c = b.slice();
        projectBallInPlace(c, 0, 3, nu, nu);
        for (let j = 0; j < 3; j++) expect(c[j]).toBeCloseTo(b[j], 12);
      }),
    );
  });
  it('reference ball leaves norms up to ν·n₁ (D1 regression: ν 0.05, n₁ 10)', () => {
    const b = Float64Array.from([0.3, 0.3]);
    projectBallInPlace(b, 0, 2, 0.05, 0.5);
    expect(Math.hypot(b[0], b[1])).toBeCloseTo(Math.hypot(0.3, 0.3), 12);
    const c = Float64Array.from([0.4, 0.4]);
    projectBallInPlace(c, 0, 2, 0.05, 0.5);
    expect(Math.hypot(c[0], c[1])).toBeCloseTo(0.05, 12);
  });
  it('box: values in [0,1], boundary levels fixed, idempotent', () => {
    fc.assert(
      fc.property(fc.array(num, { minLength: 4, maxLength: 12 }), (a) => {
        const v = Float64Array.from(a);
        projectBoxInPlace(v, 0, v.length);
        expect(v[0]).toBe(1);
        expect(v[v.length - 1]).toBe(0);
        for (const x of v) expect(x >= 0 && x <= 1).toBe(true);
        const w = v.slice();
        projectBoxInPlace(w, 0, w.length);
        expect(Array.from(w)).toEqual(Array.from(v));
      }),
    );
  });
});
