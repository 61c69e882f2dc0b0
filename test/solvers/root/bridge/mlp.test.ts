import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../solvers/core/rng.js';
import { initParameters, layerViews, Mlp, parameterCount } from '../../../../solvers/root/bridge/mlp.js';
import { emaUpdate, PlateauScheduler } from '../../../../solvers/root/bridge/optim.js';
import { createCpuKernels } from '../../../../solvers/kernels/cpu/index.js';

const k = createCpuKernels();

describe('denoiser MLP', () => {
  it('parameter count (d+3)H + H + 2(H² + H) + Hd + d', () => {
    expect(parameterCount(24, 1024)).toBe(2_152_472);
  });

  it('backward matches central differences of the L1 loss', () => {
    const d = 3;
    const H = 8;
    const B = 4;
    const rng = createRng(5);
    const params = initParameters(d, H, rng);
    for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal();
    const mlp = new Mlp(k, d, H, B);
    const x = rng.fillNormal(new Float64Array(B * d));
    const target = rng.fillNormal(new Float64Array(B * d), 0, 3);
    for (let i = 0; i < B; i++) mlp.setInput(i, x, i * d, 0.37 * i, 0.5, -0.2 * i);
    const loss = () => {
      mlp.forward(B, layerViews(d, H, params));
      return mlp.l1Loss(B, target);
    };
    loss();
    const grads = new Float64Array(params.length);
    mlp.backward(B, layerViews(d, H, params), layerViews(d, H, grads), false);
    const h = 1e-6;
    let worst = 0;
    for (let p = 0; p < params.length; p += 7) {
      const v = params[p];
      params[p] = v + h;
      const up = loss();
      params[p] = v - h;
      const dn = loss();
      params[p] = v;
      worst = Math.max(worst, Math.abs((up - dn) / (2 * h) - grads[p]));
    }
    expect(worst).toBeLessThan(1e-6);
    // accumulation sums gradients
    loss();
    mlp.backward(B, layerViews(d, H, params), layerViews(d, H, grads), true);
    const again = new Float64Array(params.length);
    loss();
    mlp.backward(B, layerViews(d, H, params), layerViews(d, H, again), false);
    for (let p = 0; p < params.length; p += 5) expect(grads[p]).toBeCloseTo(2 * again[p], 12);
  });

  it('initialisation: weights N(0, 0.02²), biases within ±1/√fan_in', () => {
    const d = 24;
    const H = 256;
    const p = initParameters(d, H, createRng(1));
    const L = layerViews(d, H, p);
    let s = 0;
    let s2 = 0;
    for (const v of L[1].W) {
      s += v;
      s2 += v * v;
    }
    const n = L[1].W.length;
    expect(Math.abs(s / n)).toBeLessThan(1e-3);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(0.02, 3);
    for (const l of L) for (const b of l.b) expect(Math.abs(b)).toBeLessThanOrEqual(1 / Math.sqrt(l.nin));
  });
});

describe('optimiser pieces', () => {
  it('plateau scheduler halves after patience + 1 bad steps, then cools down', () => {
    const s = new PlateauScheduler(1e-3, 0.5, 3, 2);
    s.step(1);
    for (let i = 0; i < 3; i++) expect(s.step(1)).toBe(1e-3);
    expect(s.step(1)).toBe(5e-4);
    for (let i = 0; i < 2 + 3; i++) expect(s.step(1)).toBe(5e-4);
    expect(s.step(1)).toBe(2.5e-4);
    const m = new PlateauScheduler(1e-6, 0.5, 0, 0);
    m.step(1);
    expect(m.step(1)).toBe(5e-7);
    expect(m.step(1)).toBe(5e-7);
  });
  it('EMA copies before batch 4000 and decays after', () => {
    const e = Float64Array.from([1, 1]);
    emaUpdate(16, e, Float64Array.from([3, 5]));
    expect(Array.from(e)).toEqual([3, 5]);
    emaUpdate(4000, e, Float64Array.from([5, 5]));
    expect(e[0]).toBeCloseTo(0.995 * 3 + 0.005 * 5, 14);
  });
});
