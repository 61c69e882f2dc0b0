/** A5: the gpu.js pipeline (float32, gpu.js mode 'cpu') agrees with the float64 path on tiny grids. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { CpuLiftedSolver, type LiftedConfig, type LiftedSnapshot } from '../../../solvers/fdr/lifted.js';
import { GpuLiftedPipeline, runLiftedAsync } from '../../../solvers/kernels/fdr/pipeline.js';

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

describe('asynchronous driver (the WebGPU schedule, run here in gpu.js cpu mode)', () => {
  it('snapshots through onBlock and resumes from one to the same iterate as an uninterrupted run', async () => {
    const rng = createRng(5);
    const shape = [5, 4];
    const f = new Float64Array(20).map(() => rng.next());
    const cfg: LiftedConfig = { shape, levels: 5, lambda: 30, nu: 0.02, variant: 'corrected', h: [1 / 5, 1 / 4] };
    const whole = new GpuLiftedPipeline(f, cfg, 'cpu');
    const first = new GpuLiftedPipeline(f, cfg, 'cpu');
    const second = new GpuLiftedPipeline(f, cfg, 'cpu');
    try {
      const a = await runLiftedAsync(whole, { maxIterations: 40, tolerance: 0 });
      // the first run is cancelled after 20 iterations; its snapshot is taken at the stop
      let snap: LiftedSnapshot | undefined;
      let blocks = 0;
      const ctl = new AbortController();
      const b1 = await runLiftedAsync(first, {
        maxIterations: 40,
        tolerance: 0,
        signal: ctl.signal,
        onBlock: async (take, cancelled) => {
          blocks++;
          if (cancelled) snap = await take();
          else if (blocks === 2) ctl.abort();
        },
      });
      expect(b1.stop).toBe('cancelled');
      expect(b1.iterations).toBe(20);
      expect(snap?.iteration).toBe(20);
      const b2 = await runLiftedAsync(second, { maxIterations: 40, tolerance: 0, resume: snap });
      expect(b2.iterations).toBe(a.iterations);
      expect(Object.is(b2.measureFinal, a.measureFinal)).toBe(true);
      const va = await whole.readVAsync();
      const vb = await second.readVAsync();
      expect(vb.every((x, i) => Object.is(x, va[i]))).toBe(true);
      // the snapshot matches the synchronous export's layout
      const sync = first.exportState();
      for (const k of ['v', 'vprev', 'px', 'pt', 's', 'mu']) expect(Array.from(snap?.arrays[k] ?? [])).toEqual(Array.from(sync[k]));
    } finally {
      whole.destroy();
      first.destroy();
      second.destroy();
    }
  });
});
