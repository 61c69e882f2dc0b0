/**
 * @module The gpu.js backend (float32): the CPU float64 backend with the heavy ops overridden (heavy-ops.ts) and
 * small inputs kept on the CPU. Modes: `webgpu` (a real adapter through Dawn, driven from a worker thread, see
 * webgpu-bridge.ts), `webasm` (WebAssembly f32x4 SIMD) and `cpu` (gpu.js's JavaScript backend); `auto` takes the
 * first that works in that order. `info.device` names what actually runs.
 */
import { GPU } from 'gpu.js';
import { createCpuKernels } from '../cpu/index.js';
import type { Kernels } from '../ops.js';
import { heavyOps, type WorkThresholds } from './heavy-ops.js';
import { createDirectRunner, type GpuRunner } from './runner.js';
import { createWebGpuRunner } from './webgpu-bridge.js';
import { probeWebGpu } from './webgpu-shim.js';

export type GpuMode = 'auto' | 'webgpu' | 'webasm' | 'cpu';

export interface GpuKernelOptions {
  mode?: GpuMode;
  /** Work (multiply–adds or output elements) below which an op runs on the CPU; default by mode. */
  minWork?: number;
  /**
   * webasm only: run it through the worker bridge in async mode (gpu.js worker-pool threads), the same path a
   * real GPU takes. Used by the tests to exercise the bridge without a GPU.
   */
  bridge?: boolean;
}

/**
 * Default CPU-fallback thresholds (work = multiply–adds or elements). On a real GPU the streaming ops stay on the
 * float64 CPU path: with host-resident arrays their cost is the transfer, and on an H200 host grad+div ran at
 * 1.7 GB/s through the GPU against 4.5 GB/s on one CPU core (bench/kernels.ts); GEMM ran 4.6× faster on the GPU.
 * `minWork` overrides both (the tests use 0 to force every op through gpu.js).
 */
const MIN_WORK: Record<Exclude<GpuMode, 'auto'>, WorkThresholds> = {
  webgpu: { compute: 1 << 18, memory: Number.POSITIVE_INFINITY },
  webasm: { compute: 1 << 16, memory: 1 << 16 },
  cpu: { compute: 1 << 16, memory: 1 << 16 },
};

export { probeWebGpu };

export async function createGpuKernels(opts: GpuKernelOptions = {}): Promise<Kernels> {
  const mode = opts.mode ?? 'auto';
  let runner: GpuRunner | undefined;
  let used: Exclude<GpuMode, 'auto'> = 'cpu';
  if (mode === 'webgpu' || mode === 'auto') {
    const adapter = await probeWebGpu();
    if (adapter !== null) {
      runner = await createWebGpuRunner(adapter);
      used = 'webgpu';
    } else if (mode === 'webgpu') throw new Error('gpu.js webgpu: no GPU adapter found');
  }
  if (!runner && mode === 'webasm' && opts.bridge) {
    runner = await createWebGpuRunner('', 'webasm');
    used = 'webasm';
  }
  if (!runner && (mode === 'webasm' || (mode === 'auto' && GPU.isWebAssemblySupported))) {
    runner = createDirectRunner('webasm');
    used = 'webasm';
  }
  if (!runner) {
    runner = createDirectRunner('cpu');
    used = 'cpu';
  }
  const cpu = createCpuKernels();
  return {
    ...cpu,
    ...heavyOps(runner, cpu, opts.minWork === undefined ? MIN_WORK[used] : { compute: opts.minWork, memory: opts.minWork }),
    info: { backend: 'gpu', device: runner.device, precision: 'float32' },
  };
}
