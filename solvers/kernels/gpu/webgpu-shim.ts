/**
 * @module WebGPU for gpu.js in Node: gpu.js's WebGPU backend looks for `navigator.gpu`, which Node lacks; the
 * `webgpu` package (Dawn) provides it through `create([])` plus the WebGPU enum globals. `probeWebGpu` asks Dawn
 * for an adapter (Vulkan on NVIDIA hosts) and names it, or answers null (no package, no driver, no adapter).
 */

export interface WebGpuModule {
  create(flags: string[]): { requestAdapter(o?: object): Promise<GpuAdapterLike | null> };
  globals: Record<string, unknown>;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/** Makes `navigator.gpu` and the WebGPU globals exist in this thread; returns the `navigator.gpu` object. */
export async function installNavigatorGpu(): Promise<ReturnType<WebGpuModule['create']>> {
  const mod = (await import('webgpu')) as unknown as WebGpuModule;
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

export function describeAdapter(a: GpuAdapterLike): string {
  const i = a.info ?? {};
  return [i.description, i.vendor, i.architecture, i.device].filter((s) => s && s.length > 0).join(' ') || 'unknown adapter';
}

let probe: Promise<string | null> | undefined;

/** The adapter's name if a WebGPU adapter answers in this process, else null. Cached. */
export function probeWebGpu(): Promise<string | null> {
  probe ??= (async () => {
    try {
      const mod = (await import('webgpu')) as unknown as WebGpuModule;
      const adapter = await mod.create([]).requestAdapter({ powerPreference: 'high-performance' });
      return adapter ? describeAdapter(adapter) : null;
    } catch {
      return null;
    }
  })();
  return probe;
}
