/**
 * @module Worker side of webgpu-bridge.ts: builds the gpu.js kernels of kernel-sources.ts in an asynchronous mode
 * (`webgpu` with navigator.gpu installed from Dawn, or threaded `webasm`), answers each posted call with the
 * flattened float32 result, then wakes the blocked caller through the shared control word.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { GPU, type IKernelRunShortcut, type KernelOutput } from 'gpu.js';
import { KERNEL_SOURCES, type KernelName } from './kernel-sources.js';
import { flatten, KERNEL_SETTINGS, type KernelArg } from './runner.js';
import { installNavigatorGpu } from './webgpu-shim.js';

const { port, ctl, mode } = workerData as { port: MessagePort; ctl: Int32Array; mode: 'webgpu' | 'webasm' };

function wake(): void {
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}

async function main(): Promise<void> {
  if (mode === 'webgpu') await installNavigatorGpu();
  const gpu = new GPU({ mode });
  const kernels = new Map<KernelName, IKernelRunShortcut>();
  port.on('message', async (m: { name: KernelName; output: number[]; args: KernelArg[] }) => {
    try {
      let k = kernels.get(m.name);
      if (!k) {
        k = gpu.createKernel(KERNEL_SOURCES[m.name], { ...KERNEL_SETTINGS, output: m.output, asyncMode: true }) as IKernelRunShortcut;
        kernels.set(m.name, k);
      }
      k.setOutput(m.output);
      const res = (await k(...(m.args as number[]))) as KernelOutput;
      const len = m.output.reduce((a, b) => a * b, 1);
      const flat = flatten(res, len, { buf: new Float32Array(len) });
      const copy = flat.byteOffset === 0 && flat.length === flat.buffer.byteLength / 4 ? flat : flat.slice();
      port.postMessage({ result: copy }, [copy.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
    wake();
  });
  port.postMessage({ ready: true });
}

main().catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
