/**
 * @module The float64 CPU backend against the kernel contract (tolerance 1e-10), plus reference-only checks:
 * the blocked GEMM against the simple one on awkward shapes, conv adjointness and a few closed forms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { usesBlockedGemm } from '../../../solvers/kernels/cpu/gemm.js';
import { createCpuKernels } from '../../../solvers/kernels/cpu/index.js';
import { divRows, gradRows } from '../../../solvers/kernels/cpu/stencils.js';
import { usesWasmStencil } from '../../../solvers/kernels/cpu/wasm-stencils.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { describeKernels, maxErr } from './kernels.contract.js';
import { convOracle, gemmOracle } from './oracles.js';

describeKernels('cpu float64', () => createCpuKernels(), { tol: 1e-10, runs: 200, big: 24 });

describe('cpu float64 reference checks', () => {
  const K = createCpuKernels();

  it('reports itself as the float64 CPU backend, also through the registry', async () => {
    expect(K.info).toEqual({ backend: 'cpu', device: 'cpu-f64', precision: 'float64' });
    expect((await createKernels('cpu')).info.backend).toBe('cpu');
  });

  it('gemm on shapes that straddle the blocking (odd edges, k larger than a panel)', () => {
    const r = createRng(7);
    expect(usesBlockedGemm(67, 45, 301)).toBe(true); // the packed wasm SIMD path is the one under test
    expect(usesBlockedGemm(5, 3, 1)).toBe(false);
    for (const [m, n, k] of [[1, 1, 1], [5, 3, 1], [67, 45, 301], [130, 9, 260], [4, 257, 3], [33, 65, 129]]) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const A = r.fillNormal(new Float64Array(m * k));
        const B = r.fillNormal(new Float64Array(k * n));
        const C = r.fillNormal(new Float64Array(m * n));
        const want = gemmOracle(tA, tB, m, n, k, -0.5, A, B, 1, C);
        K.gemm(tA, tB, m, n, k, -0.5, A, B, 1, C);
        expect(maxErr(C, want)).toBeLessThan(1e-12 * k);
      }
    }
  });

  it('conv2dAdjoint is the adjoint of conv2d: ⟨conv x, y⟩ = ⟨x, conv* y⟩', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(1, 3, 5, 7), fc.nat(1 << 30), (h, w, ks, seed) => {
        const r = createRng(seed);
        const x = r.fillNormal(new Float64Array(h * w));
        const y = r.fillNormal(new Float64Array(h * w));
        const kern = r.fillNormal(new Float64Array(ks * ks));
        const cx = new Float64Array(h * w);
        const cy = new Float64Array(h * w);
        K.conv2d(h, w, x, ks, kern, cx);
        K.conv2dAdjoint(h, w, y, ks, kern, cy);
        const l = K.dot(h * w, cx, y);
        const rr = K.dot(h * w, x, cy);
        return Math.abs(l - rr) <= 1e-10 * (1 + Math.abs(l)) && maxErr(cx, convOracle(h, w, x, ks, kern, false)) < 1e-12;
      }),
      { numRuns: 100 },
    );
  });

  it('grad of a linear ramp is its slope away from the far boundary; div of a constant field is ±c at the edges', () => {
    const shape = [4, 6];
    const u = new Float64Array(24);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) u[i * 6 + j] = 2 * i - 3 * j;
    const g = new Float64Array(48);
    K.grad(shape, u, g);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++) {
        expect(g[i * 6 + j]).toBe(i < 3 ? 2 : 0);
        expect(g[24 + i * 6 + j]).toBe(j < 5 ? -3 : 0);
      }
    const p = new Float64Array(6).fill(1); // 1-D, n = 6
    const d = new Float64Array(6);
    K.div([6], p, d);
    expect(Array.from(d)).toEqual([1, 0, 0, 0, 0, -1]);
  });

  it('2-D grad/div on the wasm SIMD path are bit-identical to the scalar rows, also on array views at odd offsets', () => {
    const r = createRng(11);
    // Shapes on both sides of the wasm gates (n2 odd/even, one-row blocks, many blocks, rows past the block size).
    const shapes: [number, number][] = [[70, 67], [65, 128], [3, 2000], [64, 1025], [130, 33], [9, 9000], [40, 40]];
    let wasmCases = 0;
    for (const [n1, n2] of shapes) {
      if (usesWasmStencil(n1, n2)) wasmCases++;
      const N = n1 * n2;
      for (const skew of [0, 1, 3]) {
        // Views into larger buffers: element offsets change the scratch page phases.
        const u = r.fillNormal(new Float64Array(N + skew)).subarray(skew);
        u[0] = -0;
        u[n2 + 1] = Number.POSITIVE_INFINITY;
        const p = r.fillNormal(new Float64Array(2 * N + skew)).subarray(skew);
        const g = new Float64Array(2 * N + skew).fill(Number.NaN).subarray(skew);
        const gRef = new Float64Array(2 * N).fill(Number.NaN);
        K.grad([n1, n2], u, g);
        gradRows([n1, n2], u, gRef, 0, n1);
        expect(Buffer.from(g.buffer, g.byteOffset, g.byteLength).equals(Buffer.from(gRef.buffer))).toBe(true);
        const d = new Float64Array(N + skew).fill(Number.NaN).subarray(skew);
        const dRef = new Float64Array(N).fill(Number.NaN);
        K.div([n1, n2], p, d);
        divRows([n1, n2], p, dRef, 0, n1);
        expect(Buffer.from(d.buffer, d.byteOffset, d.byteLength).equals(Buffer.from(dRef.buffer))).toBe(true);
        // and the pair stays adjoint on these sizes: ⟨grad u, p⟩ = −⟨u, div p⟩ (finite u)
        const uf = r.fillNormal(new Float64Array(N));
        K.grad([n1, n2], uf, g);
        const lhs = K.dot(2 * N, g, p);
        const rhs = -K.dot(N, uf, d);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.sqrt(N));
      }
    }
    expect(wasmCases).toBe(6); // [40, 40] is below the size gate; the others take the wasm path
  });

  it('3×3 conv2d/conv2dAdjoint on the wasm SIMD path: interior sums bit-identical to the row-major scalar sum', () => {
    const r = createRng(13);
    for (const [h, w] of [[70, 67], [65, 128], [4, 2000], [130, 33]] as const) {
      expect(usesWasmStencil(h, w)).toBe(true);
      const img = r.fillNormal(new Float64Array(h * w));
      const kern = r.fillNormal(new Float64Array(9));
      const out = new Float64Array(h * w).fill(Number.NaN);
      for (const flip of [false, true]) {
        if (flip) K.conv2dAdjoint(h, w, img, 3, kern, out);
        else K.conv2d(h, w, img, 3, kern, out);
        expect(maxErr(out, convOracle(h, w, img, 3, kern, flip))).toBeLessThan(1e-13);
        const k = (a: number, b: number) => (flip ? kern[(2 - a) * 3 + (2 - b)] : kern[a * 3 + b]);
        let mismatches = 0;
        for (let i = 1; i < h - 1; i++)
          for (let j = 1; j < w - 1; j++) {
            let acc = k(0, 0) * img[(i - 1) * w + j - 1];
            for (let t = 1; t < 9; t++) {
              const a = Math.floor(t / 3);
              const b = t % 3;
              acc += k(a, b) * img[(i + a - 1) * w + j + b - 1];
            }
            if (!Object.is(acc, out[i * w + j])) mismatches++;
          }
        expect(mismatches).toBe(0);
      }
    }
  });

  it('projectParabola: feasible points stay, projections land on the parabola and satisfy the normal condition', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -20, max: 5, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.constantFrom(0.25, 0.5, 3),
        (x1, x2, t0, b0, a) => {
          const x = new Float64Array([x1, x2]);
          const t = new Float64Array([t0]);
          const feasible = t0 >= a * (x1 * x1 + x2 * x2) - b0;
          K.projectParabola(1, 2, a, x, t, new Float64Array([b0]));
          if (feasible) return x[0] === x1 && x[1] === x2 && t[0] === t0;
          const r2 = x[0] * x[0] + x[1] * x[1];
          const onCurve = Math.abs(t[0] - (a * r2 - b0)) <= 1e-9 * (1 + Math.abs(t[0]));
          // (x0 − x, t0 − t) is parallel to the outward normal (2a·x, −1): x0 − x = −2a·x·(t0 − t).
          const ok = [0, 1].every((c) => Math.abs([x1, x2][c] - x[c] + 2 * a * x[c] * (t0 - t[0])) <= 1e-7 * (1 + Math.abs(t0)));
          return onCurve && ok;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('dense backward equals finite differences of a scalar loss through the layer', () => {
    const r = createRng(3);
    const [batch, nin, nout] = [3, 4, 2];
    const input = r.fillNormal(new Float64Array(batch * nin));
    const W = r.fillNormal(new Float64Array(nin * nout));
    const bias = r.fillNormal(new Float64Array(nout));
    const c = r.fillNormal(new Float64Array(batch * nout));
    const out = new Float64Array(batch * nout);
    const z = new Float64Array(batch * nout);
    const loss = () => {
      K.dense(batch, nin, nout, input, W, bias, 'silu', out, z);
      return K.dot(batch * nout, out, c);
    };
    loss();
    const dW = new Float64Array(nin * nout);
    const dB = new Float64Array(nout);
    const dIn = new Float64Array(batch * nin);
    K.denseBackward(batch, nin, nout, input, W, z, 'silu', c, dW, dB, dIn, false);
    const h = 1e-6;
    for (const [arr, grad] of [[W, dW], [bias, dB], [input, dIn]] as const) {
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        arr[i] = v + h;
        const lp = loss();
        arr[i] = v - h;
        const lm = loss();
        arr[i] = v;
        expect(grad[i]).toBeCloseTo((lp - lm) / (2 * h), 6);
      }
    }
  });
});
