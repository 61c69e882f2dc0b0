/**
 * @module Float64 exp without Math.exp for the RBF kernels (specs/root.md §8, "Performance notes": the walk's
 * cross-kernel is exp-bound). Tang-style: x = (256·k + j)·ln2/256 + r with the Cody–Waite split of ln2/256 (hi part
 * with 32 significant bits, so n·hi is exact for |n| < 2^21), |r| ≤ ln2/512; exp(x) = 2^k · 2^(j/256) · (1 + q(r)) with
 * q the degree-5 Taylor polynomial (truncation < 1e-20), 2^(j/256) correctly rounded (checked with BigInt at load) and
 * 2^k from a table. Error ≤ ~1 ulp (subnormal results included); arguments ≤ 0 take one branch-free path.
 * expRowsScaled runs blocks of weight rows in WebAssembly SIMD (wasm-exp-module.ts, bit-identical weights) when available.
 */
import type { F64 } from '../ops.js';
import { EXP_VCONSTS, type ExpModuleConstants, expModuleBytes, vconstsInto } from './wasm-exp-module.js';

const TB = 8;
const N = 1 << TB;
/** N/ln2: only picks n, its rounding does not matter. */
const INV = N / Math.LN2;
/** fdlibm's ln2_hi (low 21 bits of the significand zero) and ln2_lo, divided by N (exact). */
const L1 = 0.6931471803691238 / N;
const L2 = 1.9082149292705877e-10 / N;
/** 1.5·2^52: (t + SHIFT) − SHIFT rounds t to the nearest integer (|t| < 2^51). */
const SHIFT = 6755399441055744;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;
/** Arguments below XMIN are clamped to it (exp(XMIN) < 2^-1075 rounds to 0); from HI on the slow path (overflow). */
const XMIN = -745.2;
const HI = 707;
/** POW2[K0 + k] = 2^(k + 2) for k from −1076 to 1021 (exact: 2^-1074 is the smallest subnormal). */
const K0 = 1076;

/** 2^(j/N) correctly rounded: start from Math.pow and move the 53-bit significand M until
 *  (2M − 1)^N ≤ 2^(j + 53N) ≤ (2M + 1)^N (never a tie: 2^(j/N) is irrational for 0 < j < N). */
function twoPowTable(): Float64Array {
  const t = new Float64Array(N);
  const bN = BigInt(N);
  for (let j = 0; j < N; j++) {
    let m = BigInt(Math.round(2 ** (j / N) * 2 ** 52));
    const target = 1n << BigInt(j + 53 * N);
    for (let it = 0; it < 8; it++) {
      if ((2n * m - 1n) ** bN > target) m -= 1n;
      else if ((2n * m + 1n) ** bN < target) m += 1n;
      else break;
    }
    t[j] = Number(m) / 2 ** 52;
  }
  return t;
}

function pow2Table(): Float64Array {
  const p = new Float64Array(K0 + 1022);
  p[K0] = 4;
  for (let k = 1; k <= 1021; k++) p[K0 + k] = p[K0 + k - 1] * 2;
  for (let k = 1; k <= K0; k++) p[K0 - k] = p[K0 - k + 1] * 0.5;
  return p;
}

/** 2^(j/256), j = 0…255. */
export const EXP_TABLE: Float64Array = twoPowTable();
/** 2^(j/256)/4 (exact), paired with POW2's 2^(k+2) so that the smallest scale factor is 2^-1074. */
const T = EXP_TABLE.map((v) => v / 4);
const POW2 = pow2Table();
const TWO64 = 2 ** 64;

/**
 * The shared reduction: (t + t·q(r))·2^(k+2+kOff) with t = 2^(j/N)/4 for an argument y already in range. For normal
 * results the last product is exact (≤ ~1 ulp in all); for subnormal results it is the one rounding onto the
 * subnormal grid (≤ ~0.5 unit of 2^-1074 more).
 */
function expCore(y: number, kOff: number): number {
  const t = y * INV + SHIFT - SHIFT;
  const ti = t | 0;
  const r = y - t * L1 - t * L2;
  const r2 = r * r;
  const q = r + r2 * (0.5 + r * C3) + r2 * r2 * (C4 + r * C5);
  const s = T[ti & (N - 1)];
  return (s + s * q) * POW2[K0 + (ti >> TB) + kOff];
}

/** exp(x) for x < HI (NaN kept): clamped at XMIN. */
function expBelow(x: number): number {
  // biome-ignore lint/complexity/useMathMinMax: a compare-select keeps the hot loop simple (NaN is kept either way)
  return expCore(x < XMIN ? XMIN : x, 0);
}

/** NaN and x ≥ HI: NaN, or 2^(k−64)·… ·2^64 (→ Infinity past the double range). */
function expHigh(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.8) return Number.POSITIVE_INFINITY; // (also keeps 2^(k−62) in POW2)
  return expCore(x, -64) * TWO64;
}

/** exp(x) in float64 without Math.exp: ≤ ~1 ulp (subnormal results: ≤ ~1 unit of 2^-1074), exp(±0) = 1 exactly, NaN → NaN. */
export function fastExp(x: number): number {
  return x < HI ? expBelow(x) : expHigh(x);
}

/**
 * One row of the RBF mean-gradient weights, in place and branch-free: for i < n, r² = max(xn[i] + yn − 2·S[off + i], 0),
 * S[off + i] = a[i]·exp(g·r²); returns Σ_i S[off + i]. g ≤ 0 (g = −1/(2ℓ²)), so every argument is ≤ 0 (or NaN, kept).
 */
export function expRowScaled(S: F64, off: number, n: number, xn: F64, yn: number, a: F64, g: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d2 = xn[i] + yn - 2 * S[off + i];
    // biome-ignore lint/complexity/useMathMinMax: as before this file, a NaN distance clamps to 0 (Math.max would keep it)
    const x = g * (d2 > 0 ? d2 : 0);
    const w = a[i] * expBelow(x);
    S[off + i] = w;
    sum += w;
  }
  return sum;
}

/** Byte offset of the v128 constants after the 2^(j/256)/4 table (a multiple of 16), and the bytes taken by both. */
const VCONSTS_AT = 8 * N;
export const EXP_TABLES_BYTES = VCONSTS_AT + 16 * EXP_VCONSTS;

/**
 * Writes the 2^(j/256)/4 table and the v128 constants into a wasm memory (f64 view) from byte address `base` (a multiple
 * of 16), EXP_TABLES_BYTES in all, and returns the constants for the wasm exp code (wasm-exp-module.ts) that reads them
 * there (it builds 2^(k+2) from the bits of t instead of the POW2 table).
 */
export function expTablesInto(f64: Float64Array, base: number): ExpModuleConstants {
  f64.set(T, base / 8);
  const c = { inv: INV, l1: L1, l2: L2, shift: SHIFT, xmin: XMIN, c3: C3, c4: C4, c5: C5, tBase: base, vBase: base + VCONSTS_AT };
  vconstsInto(f64, c);
  return c;
}

const PAGE = 65536;

/** A wasm memory holding the exp table and constants from byte 0 (EXP_TABLES_BYTES), an f64 view and the constants. */
export interface ExpMemory {
  mem: WebAssembly.Memory;
  f64: Float64Array;
  consts: ExpModuleConstants;
}

export function expMemory(): ExpMemory {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const f64 = new Float64Array(mem.buffer);
  return { mem, f64, consts: expTablesInto(f64, 0) };
}

/** Grows em.mem to at least `bytes` and returns a current f64 view (also kept in em.f64). */
export function expMemoryView(em: ExpMemory, bytes: number): Float64Array {
  const have = em.mem.buffer.byteLength;
  if (have < bytes) em.mem.grow(Math.ceil((bytes - have) / PAGE));
  if (em.f64.buffer !== em.mem.buffer) em.f64 = new Float64Array(em.mem.buffer);
  return em.f64;
}

/** Wasm memory layout (bytes): the table and constants, then per call xn, a, yn, sums and the rows of S (stride np = n rounded up to even). */
const WDATA = EXP_TABLES_BYTES + 64;

interface WasmExp extends ExpMemory {
  block: (sPtr: number, rows: number, np: number, xnPtr: number, aPtr: number, ynPtr: number, sumPtr: number, g: number) => void;
}

let wasm: WasmExp | null | undefined;

function loadWasm(): WasmExp | null {
  if (wasm !== undefined) return wasm;
  try {
    const em = expMemory();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(expModuleBytes(em.consts)), { env: { mem: em.mem } });
    wasm = { ...em, block: inst.exports.block as WasmExp['block'] };
  } catch {
    wasm = null; // no WebAssembly SIMD on this host
  }
  return wasm;
}

/** True when expRowsScaled runs in WebAssembly SIMD on this host (for tests and benchmarks). */
export function usesWasmExp(): boolean {
  return loadWasm() !== null;
}

/**
 * `rows` weight rows at once: for r < rows, sums[r] = expRowScaled(S, off + r·n, n, xn, yn[r], a, g). In WebAssembly SIMD
 * when available (rows copied in and out; the weights are bit-identical to expRowScaled, the sums are added in two lanes),
 * otherwise the JS rows. `js` forces the JS rows.
 */
export function expRowsScaled(S: F64, off: number, rows: number, n: number, xn: F64, yn: F64, a: F64, g: number, sums: F64, js = false): void {
  const wm = js ? null : loadWasm();
  if (wm === null) {
    for (let r = 0; r < rows; r++) sums[r] = expRowScaled(S, off + r * n, n, xn, yn[r], a, g);
    return;
  }
  const np = n + (n & 1);
  const xo = WDATA / 8;
  const ao = xo + np;
  const yo = ao + np;
  const so = yo + rows + (rows & 1);
  const sr = so + rows + (rows & 1);
  const f = expMemoryView(wm, 8 * (sr + rows * np));
  f.set(xn.subarray(0, n), xo);
  f.set(a.subarray(0, n), ao);
  f.set(yn.subarray(0, rows), yo);
  if (np === n) f.set(S.subarray(off, off + rows * n), sr);
  else {
    f[xo + n] = 0; // padding lane: a = 0 gives weight 0
    f[ao + n] = 0;
    for (let r = 0; r < rows; r++) {
      f.set(S.subarray(off + r * n, off + (r + 1) * n), sr + r * np);
      f[sr + r * np + n] = 0;
    }
  }
  wm.block(8 * sr, rows, np, 8 * xo, 8 * ao, 8 * yo, 8 * so, g);
  if (np === n) S.set(f.subarray(sr, sr + rows * n), off);
  else for (let r = 0; r < rows; r++) S.set(f.subarray(sr + r * np, sr + r * np + n), off + r * n);
  for (let r = 0; r < rows; r++) sums[r] = f[so + r];
}
