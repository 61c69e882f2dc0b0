/**
 * @module The gpu.js backend on a real GPU adapter (WebGPU through Dawn, driven through the worker bridge) against
 * the kernel contract's float64 oracles, with minWork 0 so every heavy op runs on the GPU, at sizes large enough
 * to use many workgroups. Skipped where no adapter answers; `npm run gpu-check` runs it on GPU hosts.
 */
import { describe, expect, it } from 'vitest';
import { createGpuKernels, probeWebGpu } from '../../../solvers/kernels/gpu/index.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { describeKernels } from './kernels.contract.js';

const adapter = await probeWebGpu();

describeKernels('gpu.js webgpu', () => createGpuKernels({ mode: 'webgpu', minWork: 0 }), { tol: 2e-6, runs: 0, big: 40, skip: adapter === null });

describe.skipIf(adapter === null)('webgpu backend selection', () => {
  it('auto and gpu pick the adapter and say so in info.device', async () => {
    const auto = await createKernels('auto');
    expect(auto.info.backend).toBe('gpu');
    expect(auto.info.device).toContain('webgpu');
    expect((await createKernels('gpu')).info.device).toContain('webgpu');
  });
});
