/**
 * @module The kernel contract suite (STYLE §2.14): every backend runs the same cases against the brute-force
 * float64 oracles in oracles.ts, with a tolerance set by the backend's precision (relative to the result's scale).
 * `sizes` lets slow backends (gpu.js compiles per shape) run fewer, smaller cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import type { Activation, Csr, Kernels } from '../../../solvers/kernels/ops.js';
import { actOracle, convOracle, csrToDense, gemmOracle, gradOracle, parabolaOracle } from './oracles.js';

export interface ContractOptions {
  /** Max |got − want| / max(1, max |want|). */
  tol: number;
  /** fast-check runs per property (0 skips the random-shape properties). */
  runs: number;
  /** Edge length of the "large" fixed cases (must cross the backend's CPU-fallback threshold when it has one). */
  big: number;
  /** Skip the whole suite (a backend that is absent on this machine, e.g. WebGPU without an adapter). */
  skip?: boolean;
}

const rng = createRng(12345);
const randn = (len: number) => rng.fillNormal(new Float64Array(len));

export function maxErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  let s = 1;
  for (let i = 0; i < want.length; i++) {
    e = Math.max(e, Math.abs(got[i] - want[i]));
    s = Math.max(s, Math.abs(want[i]));
  }
  if (Number.isNaN(e)) return Number.POSITIVE_INFINITY;
  return e / s;
}

export function randomCsr(rows: number, cols: number, density: number, r = rng): Csr {
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (r.next() < density) idx.push(j);
    indptr[i + 1] = idx.length;
  }
  const values = r.fillNormal(new Float64Array(idx.length));
  return { rows, cols, indptr, indices: Int32Array.from(idx), values };
}

export function describeKernels(label: string, make: () => Promise<Kernels> | Kernels, opts: ContractOptions): void {
  const { tol, runs, big } = opts;
  (opts.skip ? describe.skip : describe)(`kernel contract: ${label}`, () => {
    let K: Kernels;
    const k = async () => {
      K ??= await make();
      return K;
    };

    it('gemm matches the oracle for every transpose pair, alpha/beta, and a large case', async () => {
      const ker = await k();
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const [m, n, kk] of [[3, 5, 4], [big, big + 3, big - 1]]) {
          const A = randn(m * kk);
          const B = randn(kk * n);
          const C = randn(m * n);
          const want = gemmOracle(tA, tB, m, n, kk, 0.7, A, B, -1.3, C);
          ker.gemm(tA, tB, m, n, kk, 0.7, A, B, -1.3, C);
          expect(maxErr(C, want)).toBeLessThan(tol * Math.sqrt(kk));
        }
      }
      // beta = 0 ignores NaN in C (BLAS convention).
      const C = new Float64Array(4).fill(Number.NaN);
      ker.gemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), new Float64Array([3, 4]), 0, C);
      expect(Array.from(C)).toEqual([3, 4, 6, 8]);
    });

    it('gemv (both orientations) matches gemm', async () => {
      const ker = await k();
      for (const [m, n] of [[7, 5], [big, big + 2]]) {
        const A = randn(m * n);
        for (const trans of [false, true]) {
          const x = randn(trans ? m : n);
          const y = randn(trans ? n : m);
          const want = gemmOracle(trans, false, trans ? n : m, 1, trans ? m : n, 1.5, A, x, 0.5, y);
          ker.gemv(trans, m, n, 1.5, A, x, 0.5, y);
          expect(maxErr(y, want)).toBeLessThan(tol * Math.sqrt(Math.max(m, n)));
        }
      }
    });

    it('spmv and its transpose match the dense product', async () => {
      const ker = await k();
      for (const [r, c, dens] of [[6, 9, 0.4], [big * 2, big * 3, 0.1]] as const) {
        const S = randomCsr(r, c, dens);
        const D = csrToDense(S);
        for (const trans of [false, true]) {
          const x = randn(trans ? r : c);
          const y = randn(trans ? c : r);
          const want = gemmOracle(trans, false, trans ? c : r, 1, trans ? r : c, -0.8, D, x, 2, y);
          ker.spmv(trans, S, -0.8, x, 2, y);
          expect(maxErr(y, want)).toBeLessThan(tol * 10);
        }
      }
    });

    it('vector ops and reductions', async () => {
      const ker = await k();
      const n = big * big;
      const x = randn(n);
      const y = randn(n);
      let d = 0;
      let s = 0;
      let q = 0;
      let mx = 0;
      let am = 0;
      for (let i = 0; i < n; i++) {
        d += x[i] * y[i];
        s += x[i];
        q += x[i] * x[i];
        if (Math.abs(x[i]) > mx) mx = Math.abs(x[i]);
        if (x[i] > x[am]) am = i;
      }
      expect(Math.abs(ker.dot(n, x, y) - d)).toBeLessThan(tol * Math.sqrt(n) * 10);
      expect(Math.abs(ker.sum(n, x) - s)).toBeLessThan(tol * Math.sqrt(n) * 10);
      expect(Math.abs(ker.nrm2(n, x) - Math.sqrt(q)) / Math.sqrt(q)).toBeLessThan(tol * 10);
      expect(ker.normInf(n, x)).toBeCloseTo(mx, 12);
      expect(ker.argmax(n, x)).toBe(am);
      expect(ker.argmax(0, x)).toBe(-1);
      expect(ker.argmax(4, new Float64Array([1, 3, 3, 2]))).toBe(1);
      const z = new Float64Array(n);
      ker.axpby(n, 2, x, -3, y, z);
      const w = Float64Array.from(y);
      ker.axpy(n, 0.5, x, w);
      for (let i = 0; i < n; i += 97) {
        expect(z[i]).toBeCloseTo(2 * x[i] - 3 * y[i], 12);
        expect(w[i]).toBeCloseTo(y[i] + 0.5 * x[i], 12);
      }
      ker.axpby(n, 1, x, 1, x, x); // out aliases both inputs
      ker.scale(n, 0.5, x);
      expect(ker.dot(n, x, y)).toBeCloseTo(d, 6);
      expect(Math.abs(ker.nrm2(2, new Float64Array([3e200, 4e200])) - 5e200) / 5e200).toBeLessThan(1e-12);
    });

    it('grad matches forward differences on 1-, 2- and 3-D grids; div is its negative adjoint', async () => {
      const ker = await k();
      for (const shape of [[big * 4], [5, 7], [big, big + 1], [3, 4, 5], [big / 4, big / 2, big / 2]]) {
        const N = shape.reduce((a, b) => a * b, 1);
        const u = randn(N);
        const g = new Float64Array(shape.length * N);
        ker.grad(shape, u, g);
        expect(maxErr(g, gradOracle(shape, u))).toBeLessThan(tol * 2);
        const p = randn(shape.length * N);
        const dv = new Float64Array(N);
        ker.div(shape, p, dv);
        let lhs = 0;
        let rhs = 0;
        const gExact = gradOracle(shape, u);
        for (let i = 0; i < g.length; i++) lhs += gExact[i] * p[i];
        for (let i = 0; i < N; i++) rhs -= u[i] * dv[i];
        expect(Math.abs(lhs - rhs)).toBeLessThan(tol * 10 * Math.sqrt(g.length) * 4);
      }
    });

    it('conv2d and conv2dAdjoint match the oracle (3×3 and 5×5)', async () => {
      const ker = await k();
      for (const [h, w, ks] of [[6, 9, 3], [big, big + 5, 5]]) {
        const img = randn(h * w);
        const K2 = randn(ks * ks);
        const out = new Float64Array(h * w);
        ker.conv2d(h, w, img, ks, K2, out);
        expect(maxErr(out, convOracle(h, w, img, ks, K2, false))).toBeLessThan(tol * ks);
        ker.conv2dAdjoint(h, w, img, ks, K2, out);
        expect(maxErr(out, convOracle(h, w, img, ks, K2, true))).toBeLessThan(tol * ks);
      }
    });

    it('projectBall and projectParabola match the brute-force projections', async () => {
      const ker = await k();
      for (const [n, dim] of [[9, 2], [big * big, 3]]) {
        const v = randn(n * dim);
        const v0 = Float64Array.from(v);
        ker.projectBall(n, dim, 1.1, v);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < dim; c++) s += v0[i * dim + c] ** 2;
          const f = Math.min(1, 1.1 / Math.sqrt(s));
          for (let c = 0; c < dim; c++) expect(Math.abs(v[i * dim + c] - f * v0[i * dim + c])).toBeLessThan(tol * 4);
        }
        for (const a of [0.25, 1.7]) {
          const x = rng.fillNormal(new Float64Array(n * dim), 0, 3);
          const t = rng.fillNormal(new Float64Array(n), 0, 3);
          const b = rng.fillUniform(new Float64Array(n), -1, 2);
          x.fill(0, 0, dim); // an on-axis point
          t[0] = -5;
          b[0] = 0;
          const x0 = Float64Array.from(x);
          const t0 = Float64Array.from(t);
          ker.projectParabola(n, dim, a, x, t, b);
          for (let i = 0; i < n; i++) {
            const want = parabolaOracle(x0.subarray(i * dim, (i + 1) * dim), t0[i], a, b[i]);
            const sc = 1 + Math.abs(want.t);
            expect(Math.abs(t[i] - want.t) / sc).toBeLessThan(tol * 50 + 1e-7);
            for (let c = 0; c < dim; c++) expect(Math.abs(x[i * dim + c] - want.x[c]) / sc).toBeLessThan(tol * 50 + 1e-7);
          }
        }
      }
    });

    it('rbf and rbfMeanGrad match the definition', async () => {
      const ker = await k();
      for (const [n, m, d] of [[5, 4, 3], [big * 2, big, 4]]) {
        const X = randn(n * d);
        const Y = randn(m * d);
        const alpha = randn(n);
        const Km = new Float64Array(n * m);
        ker.rbf(n, m, d, X, Y, 1.3, 2.5, Km);
        const want = new Float64Array(n * m);
        const G = new Float64Array(m * d);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++) {
            let r2 = 0;
            for (let c = 0; c < d; c++) r2 += (X[i * d + c] - Y[j * d + c]) ** 2;
            want[i * m + j] = 2.5 * Math.exp(-r2 / (2 * 1.3 * 1.3));
            for (let c = 0; c < d; c++) G[j * d + c] += (alpha[i] * want[i * m + j] * (X[i * d + c] - Y[j * d + c])) / 1.69;
          }
        expect(maxErr(Km, want)).toBeLessThan(tol * 4);
        const Gk = new Float64Array(m * d);
        ker.rbfMeanGrad(n, m, d, X, Y, alpha, 1.3, 2.5, Gk);
        expect(maxErr(Gk, G)).toBeLessThan(tol * 4 * Math.sqrt(n));
      }
    });

    it('cholesky reconstructs A, trsm inverts L and Lᵀ, and an indefinite matrix fails', async () => {
      const ker = await k();
      for (const n of [4, big]) {
        const M = randn(n * n);
        const A = gemmOracle(false, true, n, n, n, 1, M, M, 0, new Float64Array(n * n));
        for (let i = 0; i < n; i++) A[i * n + i] += n;
        const L = Float64Array.from(A);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L[i * n + j] = -7; // upper part must be untouched
        expect(ker.cholesky(n, L)).toBe(true);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(-7);
        const Lc = Float64Array.from(L);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) Lc[i * n + j] = 0;
        expect(maxErr(gemmOracle(false, true, n, n, n, 1, Lc, Lc, 0, A), A)).toBeLessThan(tol * n);
        const nrhs = 3;
        const X = randn(n * nrhs);
        for (const trans of [false, true]) {
          const B = gemmOracle(trans, false, n, nrhs, n, 1, Lc, X, 0, X);
          ker.trsm(trans, n, nrhs, L, B);
          expect(maxErr(B, X)).toBeLessThan(tol * n * 10);
        }
      }
      expect(ker.cholesky(2, new Float64Array([1, 2, 2, 1]))).toBe(false);
      expect(ker.cholesky(2, new Float64Array([1, 0, 0, Number.NaN]))).toBe(false);
    });

    it('dense forward matches act(in·W + b) for every activation; backward matches the chain rule', async () => {
      const ker = await k();
      for (const [batch, nin, nout] of [[3, 4, 5], [big, big + 1, big - 1]]) {
        const input = randn(batch * nin);
        const W = randn(nin * nout);
        const bias = randn(nout);
        const dOut = randn(batch * nout);
        for (const act of ['none', 'relu', 'silu', 'tanh'] as Activation[]) {
          const out = new Float64Array(batch * nout);
          const z = new Float64Array(batch * nout);
          ker.dense(batch, nin, nout, input, W, bias, act, out, z);
          const zw = gemmOracle(false, false, batch, nout, nin, 1, input, W, 0, z);
          for (let i = 0; i < zw.length; i++) zw[i] += bias[i % nout];
          expect(maxErr(z, zw)).toBeLessThan(tol * Math.sqrt(nin));
          expect(maxErr(out, zw.map((v) => actOracle(act, v)))).toBeLessThan(tol * Math.sqrt(nin));
          const out2 = new Float64Array(batch * nout);
          ker.dense(batch, nin, nout, input, W, bias, act, out2); // no preact buffer
          expect(maxErr(out2, out)).toBeLessThan(tol);
          // Chain rule with a central-difference derivative of the activation.
          const h = 1e-6;
          const dz = zw.map((v, i) => (dOut[i] * (actOracle(act, v + h) - actOracle(act, v - h))) / (2 * h));
          const dW = new Float64Array(nin * nout).fill(1);
          const dB = new Float64Array(nout).fill(1);
          const dIn = new Float64Array(batch * nin);
          ker.denseBackward(batch, nin, nout, input, W, zw, act, dOut, dW, dB, dIn, true);
          const wantW = gemmOracle(true, false, nin, nout, batch, 1, input, dz, 0, dz).map((v) => v + 1);
          const wantB = new Float64Array(nout).fill(1);
          for (let i = 0; i < dz.length; i++) wantB[i % nout] += dz[i];
          const wantIn = gemmOracle(false, true, batch, nin, nout, 1, dz, W, 0, dIn);
          const fdTol = Math.max(tol, 1e-7) * Math.sqrt(batch * nout) * 10;
          expect(maxErr(dW, wantW)).toBeLessThan(fdTol);
          expect(maxErr(dB, wantB)).toBeLessThan(fdTol);
          expect(maxErr(dIn, wantIn)).toBeLessThan(fdTol);
          ker.denseBackward(batch, nin, nout, input, W, zw, act, dOut, dW, dB, undefined, false);
          expect(maxErr(dW, wantW.map((v) => v - 1))).toBeLessThan(fdTol);
        }
      }
    });

    it('adam matches the hand formula over three steps', async () => {
      const ker = await k();
      const n = big * big;
      const p = randn(n);
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      const pw = Float64Array.from(p);
      const mw = new Float64Array(n);
      const vw = new Float64Array(n);
      for (let t = 1; t <= 3; t++) {
        const g = randn(n);
        ker.adam(n, p, g, m, v, 0.01, 0.9, 0.999, 1e-8, t);
        for (let i = 0; i < n; i++) {
          mw[i] = 0.9 * mw[i] + 0.1 * g[i];
          vw[i] = 0.999 * vw[i] + 0.001 * g[i] * g[i];
          pw[i] -= (0.01 * (mw[i] / (1 - 0.9 ** t))) / (Math.sqrt(vw[i] / (1 - 0.999 ** t)) + 1e-8);
        }
      }
      expect(maxErr(p, pw)).toBeLessThan(tol);
      expect(maxErr(m, mw)).toBeLessThan(tol);
    });

    if (runs > 0) {
      it('property: gemm and gemv match the oracle for random shapes, including zero sizes', async () => {
        const ker = await k();
        fc.assert(
          fc.property(fc.nat(9), fc.nat(9), fc.nat(9), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1 << 30 }), (m, n, kk, tA, tB, seed) => {
            const r = createRng(seed);
            const A = r.fillNormal(new Float64Array(m * kk));
            const B = r.fillNormal(new Float64Array(kk * n));
            const C = r.fillNormal(new Float64Array(m * n));
            const want = gemmOracle(tA, tB, m, n, kk, 1.1, A, B, 0.3, C);
            ker.gemm(tA, tB, m, n, kk, 1.1, A, B, 0.3, C);
            return maxErr(C, want) <= tol * 4;
          }),
          { numRuns: runs },
        );
      });

      it('property: grad/div adjointness and zero-sum of div on random 1–3-D shapes', async () => {
        const ker = await k();
        fc.assert(
          fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1 << 30 }), (shape, seed) => {
            const r = createRng(seed);
            const N = shape.reduce((a, b) => a * b, 1);
            const u = r.fillNormal(new Float64Array(N));
            const p = r.fillNormal(new Float64Array(shape.length * N));
            const g = new Float64Array(shape.length * N);
            const dv = new Float64Array(N);
            ker.grad(shape, u, g);
            ker.div(shape, p, dv);
            let lhs = 0;
            let rhs = 0;
            let total = 0;
            for (let i = 0; i < g.length; i++) lhs += g[i] * p[i];
            for (let i = 0; i < N; i++) {
              rhs -= u[i] * dv[i];
              total += dv[i];
            }
            // div of anything sums to zero (telescoping), since ⟨grad 1, p⟩ = 0.
            return Math.abs(lhs - rhs) <= tol * 40 * (1 + Math.abs(lhs)) && Math.abs(total) <= tol * 40 * Math.sqrt(N * shape.length);
          }),
          { numRuns: runs },
        );
      });
    }
  });
}
