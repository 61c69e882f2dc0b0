/**
 * @module Runs the gpu.js kernels of kernel-sources.ts by name. `GpuRunner` is the seam between the synchronous
 * Kernels interface and gpu.js: `createDirectRunner` calls gpu.js in-thread (modes `cpu` and `webasm`, whose calls
 * are synchronous); the WebGPU runner (webgpu-bridge.ts) proxies the same calls to a worker thread, because WebGPU
 * calls only resolve asynchronously. Kernels are compiled once per name with dynamic output and argument sizes.
 */
import { GPU, type IKernelRunShortcut, type KernelOutput } from 'gpu.js';
import { KERNEL_SOURCES, type KernelName } from './kernel-sources.js';

export type KernelArg = Float64Array | Float32Array | Int32Array | number;

export interface GpuRunner {
  /** What executes the kernels, e.g. "gpu.js webasm" or "gpu.js webgpu (NVIDIA H100)". */
  readonly device: string;
  /**
   * Runs kernel `name` over `output` ([len] or [cols, rows]) and writes the float32 result, flattened row-major,
   * through `sink(flat)`; the array passed to sink is only valid during the call.
   */
  run(name: KernelName, output: readonly number[], args: readonly KernelArg[], sink: (flat: Float32Array) => void): void;
  destroy(): void;
}

export const KERNEL_SETTINGS = {
  dynamicOutput: true,
  dynamicArguments: true,
  precision: 'single',
  tactic: 'precision',
  loopMaxIterations: 1 << 24,
} as const;

/** Flattens a gpu.js 1-D or 2-D result into `scratch` (grown as needed); returns the filled prefix. */
export function flatten(res: KernelOutput, len: number, scratch: { buf: Float32Array }): Float32Array {
  if (res instanceof Float32Array) return res;
  if (scratch.buf.length < len) scratch.buf = new Float32Array(len);
  const rows = res as unknown as Float32Array[];
  let o = 0;
  for (const row of rows) {
    scratch.buf.set(row, o);
    o += row.length;
  }
  return scratch.buf.subarray(0, o);
}

export function createDirectRunner(mode: 'cpu' | 'webasm'): GpuRunner {
  const gpu = new GPU({ mode });
  const kernels = new Map<KernelName, IKernelRunShortcut>();
  const scratch = { buf: new Float32Array(0) };
  return {
    device: `gpu.js ${mode}`,
    run(name, output, args, sink) {
      let k = kernels.get(name);
      if (!k) {
        k = gpu.createKernel(KERNEL_SOURCES[name], { ...KERNEL_SETTINGS, output: [...output] }) as IKernelRunShortcut;
        kernels.set(name, k);
      }
      k.setOutput([...output]);
      const res = k(...(args as number[])) as KernelOutput;
      const len = output.reduce((a, b) => a * b, 1);
      sink(flatten(res, len, scratch));
    },
    destroy() {
      gpu.destroy();
    },
  };
}
