/**
 * @module 2-D grad/div (FDR spec §1.2) through the wasm SIMD bodies of wasm-stencil-module.ts, on row blocks staged
 * in wasm memory: each block of input rows (plus its one-row halo) is copied in with a memcpy (`set`), computed,
 * and the output rows copied back out. Blocks are sized to stay in L2, so main memory sees each array once (read u,
 * write out) and the extra copies run at cache speed. Returns false (caller takes the scalar path) for small or
 * degenerate grids, over-long rows, or hosts without WebAssembly SIMD. The grid's boundary rows stay with the caller.
 */
import type { F64 } from '../ops.js';
import { stencilModuleBytes } from './wasm-stencil-module.js';

/** Doubles per staged block of one array (64 KiB); four such regions (+ a halo row) stay in L2. */
const BLOCK = 8192;
/** Grids smaller than this stay on the scalar path (call overhead). */
const MIN_N = 4096;
/** Longer rows (one row per block would spill L2) stay on the scalar path. */
const MAX_ROW = 1 << 15;
const PAGE = 65536;

type RowsFn = (a: number, b: number, c: number, rows: number, n2: number) => void;
type Conv3Fn = (img: number, out: number, rows: number, w: number, ...k: number[]) => void;

interface WasmStencils {
  mem: WebAssembly.Memory;
  f64: Float64Array;
  grad2: RowsFn;
  div2: RowsFn;
  conv3: Conv3Fn;
}

let wasm: WasmStencils | null | undefined;

function load(): WasmStencils | null {
  if (wasm !== undefined) return wasm;
  try {
    const mem = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(stencilModuleBytes()), { env: { mem } });
    const ex = inst.exports as unknown as { grad2: RowsFn; div2: RowsFn; conv3: Conv3Fn };
    wasm = { mem, f64: new Float64Array(mem.buffer), grad2: ex.grad2, div2: ex.div2, conv3: ex.conv3 };
  } catch {
    wasm = null; // no WebAssembly SIMD on this host
  }
  return wasm;
}

/** The wasm memory as doubles, grown to hold at least `doubles`. */
function scratch(s: WasmStencils, doubles: number): Float64Array {
  const have = s.mem.buffer.byteLength;
  if (have < 8 * doubles) {
    s.mem.grow(Math.ceil((8 * doubles - have) / PAGE));
    s.f64 = new Float64Array(s.mem.buffer);
  }
  return s.f64;
}

/** Rows per block for rows of n2 doubles. */
const rowsPerBlock = (n2: number) => Math.max(1, Math.floor(BLOCK / n2));

/** True when the 2-D stencils take the wasm path for an n1×n2 grid (exposed for tests and the benchmark). */
export function usesWasmStencil(n1: number, n2: number): boolean {
  return n1 >= 3 && n2 >= 2 && n1 * n2 >= MIN_N && n2 <= MAX_ROW && load() !== null;
}

/**
 * Page phase (in doubles) for a scratch region exchanging data with element i of `a`. memmove slows ~10× when the
 * destination sits just above the source modulo 4 KiB (4K aliasing of its loads with its own earlier stores), and
 * the arrays' absolute addresses are unknown; large Float64Array backing stores normally start 16 bytes into a page
 * (malloc's mmap header), so the scratch copy is placed half a page away from that guess, which tolerates any
 * actual page offset except a window of ~64 bytes around the guess's opposite.
 */
function phase(a: F64, i: number): number {
  return ((16 + a.byteOffset + 8 * i + 2048) & 4095) >> 3;
}

/** Scratch slots: `count` regions of up to `len` doubles, each with a page of slack for its phase. */
function slots(s: WasmStencils, count: number, len: number): [Float64Array, number] {
  const stride = (Math.ceil((8 * len) / 4096) + 1) * 512;
  return [scratch(s, count * stride), stride];
}

/** grad on an n1×n2 grid, rows 0..n1−2 (both components); false if the wasm path does not apply. */
export function gradWasm2(n1: number, n2: number, u: F64, out: F64): boolean {
  if (!usesWasmStencil(n1, n2)) return false;
  const s = wasm!;
  const N = n1 * n2;
  const R = rowsPerBlock(n2);
  // Slots: u rows + the halo row below | gx | gy.
  const [f, stride] = slots(s, 3, (R + 1) * n2);
  for (let r0 = 0; r0 < n1 - 1; r0 += R) {
    const rows = Math.min(R, n1 - 1 - r0);
    const o = r0 * n2;
    const len = rows * n2;
    const a = phase(u, o);
    const gx = stride + phase(out, N + o);
    const gy = 2 * stride + phase(out, o);
    f.set(u.subarray(o, o + len + n2), a);
    s.grad2(8 * a, 8 * gx, 8 * gy, rows, n2);
    out.set(f.subarray(gy, gy + len), o);
    out.set(f.subarray(gx, gx + len), N + o);
  }
  return true;
}

/** div on an n1×n2 grid, interior rows 1..n1−2; false if the wasm path does not apply. */
export function divWasm2(n1: number, n2: number, p: F64, out: F64): boolean {
  if (!usesWasmStencil(n1, n2)) return false;
  const s = wasm!;
  const N = n1 * n2;
  const R = rowsPerBlock(n2);
  // Slots: py rows with the row above | px | out.
  const [f, stride] = slots(s, 3, (R + 1) * n2);
  for (let r0 = 1; r0 < n1 - 1; r0 += R) {
    const rows = Math.min(R, n1 - 1 - r0);
    const o = r0 * n2;
    const len = rows * n2;
    const py = phase(p, o - n2);
    const px = stride + phase(p, N + o);
    const d = 2 * stride + phase(out, o);
    f.set(p.subarray(o - n2, o + len), py);
    f.set(p.subarray(N + o, N + o + len), px);
    s.div2(8 * px, 8 * (py + n2), 8 * d, rows, n2);
    out.set(f.subarray(d, d + len), o);
  }
  return true;
}

/**
 * 3×3 correlation on an h×w image, interior columns 1..w−2 of rows 1..h−2, with taps k00..k22 (already flipped
 * for the adjoint); the caller fills rows 0, h−1 and columns 0, w−1. False if the wasm path does not apply.
 */
export function conv3Wasm(
  h: number,
  w: number,
  img: F64,
  out: F64,
  k00: number,
  k01: number,
  k02: number,
  k10: number,
  k11: number,
  k12: number,
  k20: number,
  k21: number,
  k22: number,
): boolean {
  if (w < 3 || !usesWasmStencil(h, w)) return false;
  const s = wasm!;
  const R = rowsPerBlock(w);
  // Slots: image rows with the rows above and below | output rows.
  const [f, stride] = slots(s, 2, (R + 2) * w);
  for (let r0 = 1; r0 < h - 1; r0 += R) {
    const rows = Math.min(R, h - 1 - r0);
    const o = r0 * w;
    const len = rows * w;
    const a = phase(img, o - w);
    const d = stride + phase(out, o);
    f.set(img.subarray(o - w, o + len + w), a);
    s.conv3(8 * a, 8 * d, rows, w, k00, k01, k02, k10, k11, k12, k20, k21, k22);
    out.set(f.subarray(d, d + len), o);
  }
  return true;
}
