/**
 * The pipeline's index arithmetic survives an inexact f32 division (WebGPU: 41/41 may give 0.99999994): with
 * Math.floor perturbed as such a GPU would answer (an exact integer quotient one short, a quotient just below an
 * integer rounded up to it), the gpu.js 'cpu' pipeline still tracks the float64 path, on grids whose arrays span
 * several texture rows (N·P > 4096, so the row quotients q / W are exercised too).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { CpuLiftedSolver, type LiftedConfig } from '../../../solvers/fdr/lifted.js';
import { GpuLiftedPipeline } from '../../../solvers/kernels/fdr/pipeline.js';

const floor = Math.floor;
const hits = { low: 0, high: 0 };

/** floor of a quotient as an f32 GPU division may see it: exact integers one short, near-integers rounded up. */
function inexactFloor(v: number): number {
  const m = Math.round(v);
  if (v > 0 && v === m) {
    hits.low++;
    return m - 1;
  }
  if (m > 0 && m > v && m - v <= 2 ** -21 * m) {
    hits.high++;
    return m;
  }
  return floor(v);
}

function withInexactFloor<T>(fn: () => T): T {
  Math.floor = inexactFloor;
  try {
    return fn();
  } finally {
    Math.floor = floor;
  }
}

describe('gpu.js pipeline with an inexact division', () => {
  const rng = createRng(11);
  for (const [shape, L, variant] of [
    [[120], 12, 'corrected'],
    [[11, 10], 9, 'reference'],
    [[5, 4, 5], 9, 'corrected'],
  ] as [number[], number, 'corrected' | 'reference'][]) {
    it(`${variant} ${shape.join('×')} L ${L}: v within 1e-4 of float64 after 20 iterations`, () => {
      const N = shape.reduce((a, b) => a * b, 1);
      expect(N * ((L * (L + 1)) / 2)).toBeGreaterThan(4096);
      const f = new Float64Array(N).map(() => rng.next());
      const cfg: LiftedConfig = { shape, levels: L, lambda: 30, nu: 0.02, variant, h: variant === 'reference' ? shape.map(() => 1 / shape[0]) : shape.map((n) => 1 / n) };
      const gpu = new GpuLiftedPipeline(f, cfg, 'cpu');
      const cpu = new CpuLiftedSolver(f, cfg);
      // two plain iterations build both ping-pong kernel sets (gpu.js compiles outside the perturbation)
      gpu.iterate(2);
      hits.low = 0;
      hits.high = 0;
      const eg = withInexactFloor(() => gpu.iterate(18));
      const ec = cpu.iterate(20);
      expect(hits.low).toBeGreaterThan(1000);
      const vg = gpu.readV();
      let m = 0;
      for (let i = 0; i < vg.length; i++) m = Math.max(m, Math.abs(vg[i] - cpu.state.v[i]));
      expect(m).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(eg - ec)).toBeLessThanOrEqual(1e-5 + 1e-3 * ec);
      gpu.destroy();
    });
  }
});
