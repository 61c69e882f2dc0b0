/**
 * @module The gpu.js backend (float32) against the kernel contract in gpu.js `cpu` and `webasm` modes, and webasm
 * through the worker bridge (the path a real WebGPU adapter takes), with minWork 0 so every heavy op runs in gpu.js.
 * Small sizes only: gpu.js compiles per kernel and size. Tolerance 2e-6 relative (float32, ε ≈ 6e-8, scaled by
 * the term counts in the suite). Also: the CPU fallback for small inputs and the registry's choices.
 */
import { describe, expect, it } from 'vitest';
import { createGpuKernels } from '../../../solvers/kernels/gpu/index.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { describeKernels } from './kernels.contract.js';

const FLOAT32_TOL = 2e-6;

describeKernels('gpu.js cpu mode', () => createGpuKernels({ mode: 'cpu', minWork: 0 }), { tol: FLOAT32_TOL, runs: 0, big: 8 });
describeKernels('gpu.js webasm mode', () => createGpuKernels({ mode: 'webasm', minWork: 0 }), { tol: FLOAT32_TOL, runs: 0, big: 8 });
describeKernels('gpu.js webasm via the worker bridge', () => createGpuKernels({ mode: 'webasm', minWork: 0, bridge: true }), {
  tol: FLOAT32_TOL,
  runs: 0,
  big: 8,
});

describe('gpu backend selection', () => {
  it('reports float32 gpu.js and keeps small inputs on the float64 CPU path', async () => {
    const K = await createGpuKernels({ mode: 'webasm' });
    expect(K.info).toEqual({ backend: 'gpu', device: 'gpu.js webasm', precision: 'float32' });
    // 1/3 is not a float32: a bit-exact float64 result proves the product ran on the CPU.
    const C = new Float64Array(1);
    K.gemm(false, false, 1, 1, 1, 1, new Float64Array([1 / 3]), new Float64Array([3]), 0, C);
    expect(C[0]).toBe((1 / 3) * 3);
    const big = await createGpuKernels({ mode: 'webasm', minWork: 0 });
    big.gemm(false, false, 1, 1, 1, 1, new Float64Array([1 / 3]), new Float64Array([1]), 0, C);
    expect(C[0]).toBe(Math.fround(1 / 3));
  });

  it('webgpu without an adapter is an error; auto and the registry fall back', async () => {
    const { probeWebGpu } = await import('../../../solvers/kernels/gpu/index.js');
    const adapter = await probeWebGpu();
    if (adapter !== null) return; // a real GPU: covered by scripts/gpu-check.sh
    await expect(createGpuKernels({ mode: 'webgpu' })).rejects.toThrow(/no GPU adapter/);
    expect((await createGpuKernels({ mode: 'auto' })).info.device).toBe('gpu.js webasm');
    expect((await createKernels('auto')).info).toEqual({ backend: 'cpu', device: 'cpu-f64', precision: 'float64' });
    expect((await createKernels('gpu')).info.backend).toBe('gpu');
  });
});
