/**
 * @module A synchronous GpuRunner over an asynchronous gpu.js backend: the kernels live in a worker thread
 * (webgpu-worker.ts); each call posts its arguments, blocks on Atomics.wait until the worker has posted the result,
 * and takes it with receiveMessageOnPort (the synckit technique). WebGPU calls only resolve as Promises, and the
 * Kernels interface is synchronous, so this is how a real GPU serves it. The same bridge drives gpu.js `webasm` in
 * async (threaded) mode, which is how it is tested on machines without a GPU.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { GpuRunner, KernelArg } from './runner.js';

/** A kernel call that has not answered in this long is treated as a hung device. */
const CALL_TIMEOUT_MS = 120_000;

export interface BridgeReply {
  result?: Float32Array;
  error?: string;
}

/**
 * The worker's entry. From compiled JavaScript it is webgpu-worker.js itself; from TypeScript sources (tsx, vitest)
 * a small eval'd entry first registers tsx's loader in the worker thread (Node 20 workers do not inherit it).
 */
function workerEntry(): { entry: string | URL; evalCode: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./webgpu-worker.js', import.meta.url), evalCode: false };
  const tsxDir = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..');
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const target = new URL('./webgpu-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return { entry: code, evalCode: true };
}

export async function createWebGpuRunner(adapterName: string, mode: 'webgpu' | 'webasm' = 'webgpu'): Promise<GpuRunner> {
  const { entry, evalCode } = workerEntry();
  const ctl = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(entry, { eval: evalCode, workerData: { port: port2, ctl, mode }, transferList: [port2] });
  worker.unref();
  const [hello] = (await Promise.race([once(port1, 'message'), once(worker, 'error').then(([e]) => Promise.reject(e))])) as [
    { ready?: boolean; error?: string },
  ];
  if (!hello.ready) {
    await worker.terminate();
    throw new Error(`gpu.js ${mode} worker failed: ${hello.error}`);
  }
  port1.unref();
  return {
    device: mode === 'webgpu' ? `gpu.js webgpu (${adapterName})` : 'gpu.js webasm (threads)',
    run(name, output, args: readonly KernelArg[], sink) {
      Atomics.store(ctl, 0, 0);
      port1.postMessage({ name, output, args });
      if (Atomics.wait(ctl, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new Error(`gpu.js ${mode}: kernel ${name} timed out`);
      const msg = receiveMessageOnPort(port1);
      const reply = msg?.message as BridgeReply | undefined;
      if (!reply || reply.error !== undefined || !reply.result) throw new Error(`gpu.js ${mode}: kernel ${name} failed: ${reply?.error ?? 'no reply'}`);
      sink(reply.result);
    },
    destroy() {
      void worker.terminate();
    },
  };
}
