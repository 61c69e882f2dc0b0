/**
 * @module Kernel backends by name (tfjs engine style): `cpu` (float64 reference) and `gpu` (gpu.js). `auto` tries
 * the GPU backend and keeps it only when a real GPU adapter initialises; otherwise the CPU backend. The chosen
 * backend's `info` is recorded in every result.
 */
import type { Kernels } from './ops.js';
import { createCpuKernels } from './cpu/index.js';

export type KernelChoice = 'auto' | 'cpu' | 'gpu';

export async function createKernels(choice: KernelChoice): Promise<Kernels> {
  if (choice === 'cpu') return createCpuKernels();
  // The GPU backend lands with the kernel layer (issue 3); until then every choice runs the CPU reference.
  return createCpuKernels();
}
