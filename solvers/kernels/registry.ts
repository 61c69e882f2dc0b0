/**
 * @module Kernel backends by name (tfjs engine style): `cpu` (float64 reference) and `gpu` (gpu.js). `gpu` means
 * gpu.js on a real GPU adapter (WebGPU) when one answers, else gpu.js webasm (or its cpu mode). `auto` takes the GPU
 * backend only when a real GPU adapter initialises, otherwise the float64 CPU backend. The chosen backend's `info`
 * is recorded in every result. gpu.js loads only when a GPU backend is asked for or probed.
 */
import { createCpuKernels } from './cpu/index.js';
import type { Kernels } from './ops.js';

export type KernelChoice = 'auto' | 'cpu' | 'gpu';

export async function createKernels(choice: KernelChoice): Promise<Kernels> {
  if (choice === 'cpu') return createCpuKernels();
  const gpu = await import('./gpu/index.js');
  if (choice === 'gpu') return gpu.createGpuKernels({ mode: 'auto' });
  if ((await gpu.probeWebGpu()) !== null) {
    try {
      return await gpu.createGpuKernels({ mode: 'webgpu' });
    } catch {
      // the adapter answered but the device or the worker did not start: the CPU path is always correct
    }
  }
  return createCpuKernels();
}
