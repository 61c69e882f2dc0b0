/** A5: the gpu.js pipeline (float32, gpu.js mode 'cpu') agrees with the float64 path on tiny grids. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { CpuLiftedSolver, type LiftedConfig } from '../../../solvers/fdr/lifted.js';
import { GpuLiftedPipeline } from '../../../solvers/kernels/fdr/pipeline.js';

describe('gpu.js pipeline vs float64', () => {
  const rng = createRng(3);
  for (const variant of ['corrected', 'reference'] as const) {
    for (const [shape, L] of [
      [[12], 6],
      [[5, 4], 5],
      [[3, 3, 2], 4],
    ] as [number[], number][]) {
      it(`${variant} ${shape.join('×')} L ${L}: v within 1e-4 after 40 iterations, same measure`, () => {
        const N = shape.reduce((a, b) => a * b, 1);
        const f = new Float64Array(N).map(() => rng.next());
        const cfg: LiftedConfig = { shape, levels: L, lambda: 30, nu: 0.02, variant, h: variant === 'reference' ? shape.map(() => 1 / shape[0]) : shape.map((n) => 1 / n) };
        const gpu = new GpuLiftedPipeline(f, cfg, 'cpu');
        const cpu = new CpuLiftedSolver(f, cfg);
        const eg = gpu.iterate(40);
        const ec = cpu.iterate(40);
        const vg = gpu.readV();
        let m = 0;
        for (let i = 0; i < vg.length; i++) m = Math.max(m, Math.abs(vg[i] - cpu.state.v[i]));
        expect(m).toBeLessThanOrEqual(1e-4);
        expect(Math.abs(eg - ec)).toBeLessThanOrEqual(1e-5 + 1e-3 * ec);
        gpu.destroy();
      });
    }
  }
});
