/**
 * @module Float64 GEMM, C[m×n] = α·op(A)·op(B) + β·C (row-major), Goto/BLIS style: op(B) is packed into k-major
 * 4-column panels per kc-slice, op(A) into 4-row panels per mc×kc block, and the hand-written WebAssembly SIMD
 * micro-kernel (wasm-gemm-module.ts) accumulates into a padded copy of a row strip of C, which is finally merged as
 * α·(AB) + β·C. Packing absorbs the transposes. Small products (and hosts without wasm SIMD) use gemm-reference.ts.
 */
import type { F64 } from '../ops.js';
import { gemmReference } from './gemm-reference.js';
import { gemmModuleBytes } from './wasm-gemm-module.js';

const KC = 256;
const MC = 64;
/** Products with fewer multiply–adds than this stay on the simple kernel (packing would dominate). */
const MIN_WORK = 12_000;
/** Target bytes for the padded C strip held in wasm memory. */
const STRIP_BYTES = 32 << 20;
const PAGE = 65536;

type BlockFn = (mPanels: number, nPanels: number, kc: number, aPtr: number, bPtr: number, cPtr: number, ldc: number) => void;

interface WasmGemm {
  mem: WebAssembly.Memory;
  block: BlockFn;
  f64: Float64Array;
}

let wasm: WasmGemm | null | undefined;

function loadWasm(): WasmGemm | null {
  if (wasm !== undefined) return wasm;
  try {
    const bytes = gemmModuleBytes();
    const mem = new WebAssembly.Memory({ initial: 64 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
    wasm = { mem, block: inst.exports.block as BlockFn, f64: new Float64Array(mem.buffer) };
  } catch {
    wasm = null; // no WebAssembly SIMD on this host
  }
  return wasm;
}

function ensureBytes(w: WasmGemm, bytes: number): Float64Array {
  const have = w.mem.buffer.byteLength;
  if (have < bytes) {
    w.mem.grow(Math.ceil((bytes - have) / PAGE));
    w.f64 = new Float64Array(w.mem.buffer);
  } else if (w.f64.buffer !== w.mem.buffer) w.f64 = new Float64Array(w.mem.buffer);
  return w.f64;
}

/** True when `gemm` takes the packed wasm path for this size (exposed for tests and the benchmark). */
export function usesBlockedGemm(m: number, n: number, k: number): boolean {
  return m * n * k >= MIN_WORK && m >= 4 && n >= 4 && loadWasm() !== null;
}

export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: F64,
  B: F64,
  beta: number,
  C: F64,
): void {
  if (alpha === 0 || k === 0 || !usesBlockedGemm(m, n, k)) {
    gemmReference(transA, transB, m, n, k, alpha, A, B, beta, C);
    return;
  }
  gemmBlocked(loadWasm()!, transA, transB, m, n, k, alpha, A, B, beta, C);
}

function gemmBlocked(
  w: WasmGemm,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: F64,
  B: F64,
  beta: number,
  C: F64,
): void {
  const nPanels = (n + 3) >> 2;
  const nPad = nPanels * 4;
  const kcMax = Math.min(KC, k);
  const mPadAll = ((m + 3) >> 2) * 4;
  let strip = Math.max(MC, Math.floor(STRIP_BYTES / (8 * nPad / MC)) * MC);
  strip = Math.min(strip, ((mPadAll + MC - 1) / MC | 0) * MC);
  // Layout (in doubles): A block [0, MC·kc) | B slice [aLen, aLen + kc·nPad) | C strip.
  const aOff = 0;
  const bOff = MC * kcMax;
  const cOff = bOff + kcMax * nPad;
  const f = ensureBytes(w, 8 * (cOff + strip * nPad));
  for (let s0 = 0; s0 < m; s0 += strip) {
    const sRows = Math.min(strip, m - s0);
    const sPad = ((sRows + 3) >> 2) * 4;
    f.fill(0, cOff, cOff + sPad * nPad);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(transB, n, k, B, pc, kc, f, bOff, nPanels);
      for (let ic = 0; ic < sRows; ic += MC) {
        const mc = Math.min(MC, sRows - ic);
        const mPanels = (mc + 3) >> 2;
        packA(transA, m, k, A, s0 + ic, mc, pc, kc, f, aOff);
        w.block(mPanels, nPanels, kc, 8 * aOff, 8 * bOff, 8 * (cOff + ic * nPad), 8 * nPad);
      }
    }
    // Merge: C = α·(AB) + β·C on the strip's real rows and columns.
    for (let i = 0; i < sRows; i++) {
      const ci = (s0 + i) * n;
      const pi = cOff + i * nPad;
      if (beta === 0) for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j];
      else for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j] + beta * C[ci + j];
    }
  }
}

/** Pack rows i0..i0+mc of op(A), columns pc..pc+kc, as 4-row panels, k-major, zero-padded to a multiple of 4 rows. */
function packA(transA: boolean, m: number, k: number, A: F64, i0: number, mc: number, pc: number, kc: number, f: Float64Array, off: number): void {
  const panels = (mc + 3) >> 2;
  for (let ip = 0; ip < panels; ip++) {
    const base = off + ip * kc * 4;
    for (let r = 0; r < 4; r++) {
      const i = i0 + ip * 4 + r;
      if (ip * 4 + r >= mc) {
        for (let p = 0; p < kc; p++) f[base + p * 4 + r] = 0;
        continue;
      }
      if (!transA) {
        const row = i * k + pc;
        for (let p = 0; p < kc; p++) f[base + p * 4 + r] = A[row + p];
      } else {
        for (let p = 0; p < kc; p++) f[base + p * 4 + r] = A[(pc + p) * m + i];
      }
    }
  }
}

/** Pack rows pc..pc+kc of op(B) (all n columns) as 4-column panels, k-major, zero-padded to a multiple of 4. */
function packB(transB: boolean, n: number, k: number, B: F64, pc: number, kc: number, f: Float64Array, off: number, nPanels: number): void {
  if (!transB) {
    for (let p = 0; p < kc; p++) {
      const row = (pc + p) * n;
      let j = 0;
      for (let jp = 0; jp < nPanels; jp++) {
        const dst = off + (jp * kc + p) * 4;
        if (j + 4 <= n) {
          f[dst] = B[row + j];
          f[dst + 1] = B[row + j + 1];
          f[dst + 2] = B[row + j + 2];
          f[dst + 3] = B[row + j + 3];
        } else for (let c = 0; c < 4; c++) f[dst + c] = j + c < n ? B[row + j + c] : 0;
        j += 4;
      }
    }
    return;
  }
  for (let jp = 0; jp < nPanels; jp++) {
    const base = off + jp * kc * 4;
    for (let c = 0; c < 4; c++) {
      const j = jp * 4 + c;
      if (j >= n) {
        for (let p = 0; p < kc; p++) f[base + p * 4 + c] = 0;
        continue;
      }
      const row = j * k + pc;
      for (let p = 0; p < kc; p++) f[base + p * 4 + c] = B[row + p];
    }
  }
}
