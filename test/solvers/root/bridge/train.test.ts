import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../solvers/core/rng.js';
import { createCpuKernels } from '../../../../solvers/kernels/cpu/index.js';
import { sampleBridge } from '../../../../solvers/root/bridge/sampler.js';
import { BridgeTrainer } from '../../../../solvers/root/bridge/train.js';

const k = createCpuKernels();

/**
 * Pairs with a known translation: x_high = x_low + s·c, where s ∈ {0.5, 2} is also the conditioning y_high (y_low = −s).
 * A trained bridge, sampled from fresh x_low with y_high = s, must move designs by ≈ s·c: this checks the bridge
 * direction (x_low → x_high), the training target (x_t − x_high, so x̂0 = x − r̂), the sampler's start point and update,
 * and that the conditioning slots are used in the same order in training and sampling.
 */
describe('bridge training on a constant-shift pair set', () => {
  const d = 2;
  const N = 4096;
  const c = [1.0, -0.5];
  const rng = createRng(1);
  const xLow = rng.fillNormal(new Float64Array(N * d), 0, 1);
  const xHigh = new Float64Array(N * d);
  const yHigh = new Float64Array(N);
  const yLow = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const s = i % 2 ? 2 : 0.5;
    yHigh[i] = s;
    yLow[i] = -s;
    for (let j = 0; j < d; j++) xHigh[i * d + j] = xLow[i * d + j] + s * c[j];
  }
  const pairs = { count: N, xHigh, xLow, yHigh, yLow };

  it('after 400 batches the sampler moves fresh x_low by ≈ s·c for the requested y_high = s', async () => {
    const tr = new BridgeTrainer(k, { d, hidden: 32, batchSize: 64, accumulate: 1, learningRate: 3e-3, cfgDropout: 0 }, createRng(2));
    const order = Int32Array.from({ length: N }, (_, i) => i);
    const first = tr.trainBatch(pairs, order, 0, 64, (b) => createRng(1000 + b));
    let last = first;
    for (let s = 1; s < 400; s++) last = tr.trainBatch(pairs, order, (s * 64) % N, 64, (b) => createRng(1000 + b));
    expect(last).toBeLessThan(first);
    const Q = 128;
    const xT = createRng(5).fillNormal(new Float64Array(Q * d), 0, 1);
    const shifts: number[][] = [];
    for (const s of [0.5, 2]) {
      const out = (await sampleBridge(Q, d, xT, new Float64Array(Q).fill(s), new Float64Array(Q).fill(-s), tr.denoiser(tr.params), { steps: 50, eta: 0.2, guidance: 0, rng: createRng(9) }))!;
      const m = [0, 0];
      for (let i = 0; i < Q; i++) for (let j = 0; j < d; j++) m[j] += (out[i * d + j] - xT[i * d + j]) / Q;
      for (let j = 0; j < d; j++) expect(Math.abs(m[j] - s * c[j])).toBeLessThan(0.3);
      shifts.push(m);
    }
    // The conditioning changes the move: y_high = 2 moves by ≈ 1.5·c more than y_high = 0.5.
    expect(shifts[1][0] - shifts[0][0]).toBeGreaterThan(1.0);
    expect(shifts[1][1] - shifts[0][1]).toBeLessThan(-0.5);
  });
});
