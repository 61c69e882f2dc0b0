/**
 * @module The wasm memory of one d = 2 lifted FDR solve (specs/fdr.md §1.2): p^x, s, μ, the per-cell M = T*μ̄, the
 * prefix scratch C and the per-pair step tables τ_μ, ωτ_μ live in one WebAssembly.Memory sized once (never grown,
 * so the Float64Array views stay valid), and the pair passes of wasm-pairs-module.ts run on it. Returns null where
 * WebAssembly SIMD is missing or the arrays would not fit a 32-bit wasm memory (the caller keeps the JS loops).
 */
import type { LiftedSteps } from './lifted.js';
import { pairsModuleBytes } from './wasm-pairs-module.js';

type PassFn = (px: number, s: number, mu: number, M: number, C: number, tau: number, tauO: number, L: number, sigmaS: number, nu: number, bt2: number) => void;

export interface PairsWasm {
  dual2: PassFn;
  primal2: PassFn;
  fused2: PassFn;
  /** Byte offsets of the regions. */
  ptr: { tau: number; tauO: number; C: number; M: number; px: number; s: number; mu: number };
  px: Float64Array;
  s: Float64Array;
  mu: Float64Array;
  M: Float64Array;
}

const PAGE = 65536;
/** Largest memory asked for (bytes): below the 4 GiB of wasm32, with room for V8's own limits. */
export const PAIRS_WASM_MAX_BYTES = 3.5 * 2 ** 30;

let mod: WebAssembly.Module | null | undefined;

function compiled(): WebAssembly.Module | null {
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(pairsModuleBytes());
    } catch {
      mod = null; // no WebAssembly SIMD on this host
    }
  }
  return mod;
}

/** Memory and instance for N cells, L levels (d = 2); null when unavailable. */
export function createPairsWasm(N: number, L: number, steps: LiftedSteps): PairsWasm | null {
  const m = compiled();
  if (!m) return null;
  const P = (L * (L + 1)) / 2;
  const sizes = { tau: P, tauO: P, C: 2 * (L + 1), M: 2 * N * L, px: 2 * N * L, s: 2 * N * P, mu: 2 * N * P };
  const ptr = { tau: 0, tauO: 0, C: 0, M: 0, px: 0, s: 0, mu: 0 };
  let at = 0;
  for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) {
    ptr[k] = at;
    at += Math.ceil((sizes[k] * 8) / 16) * 16;
  }
  if (at > PAIRS_WASM_MAX_BYTES) return null;
  let mem: WebAssembly.Memory;
  try {
    mem = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(at / PAGE)) });
  } catch {
    return null; // the host refused the reservation
  }
  const ex = new WebAssembly.Instance(m, { env: { mem } }).exports as unknown as { dual2: PassFn; primal2: PassFn; fused2: PassFn };
  const view = (k: keyof typeof sizes) => new Float64Array(mem.buffer, ptr[k], sizes[k]);
  const tau = view('tau');
  const tauO = view('tauO');
  for (let i = 0; i < P; i++) {
    tau[i] = steps.tauMu[i];
    tauO[i] = steps.omega * steps.tauMu[i];
  }
  return { dual2: ex.dual2, primal2: ex.primal2, fused2: ex.fused2, ptr, px: view('px'), s: view('s'), mu: view('mu'), M: view('M') };
}
