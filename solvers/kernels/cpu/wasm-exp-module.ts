/**
 * @module A hand-assembled WebAssembly SIMD (f64x2) version of fast-exp.ts's RBF weight rows (specs/root.md §8: the walk's
 * cross-kernel is exp-bound): for each row r of a block S (stride np, even), S[r,i] = a[i]·exp(g·max(xn[i] + yn[r] −
 * 2S[r,i], 0)) and sums[r] = Σ_i S[r,i]. Same operations in the same order as the JS loop, two lanes at a time, so every
 * weight is bit-identical to expRowScaled (only the row sum is added in two lanes). The 2^(j/256)/4 table addresses are
 * formed with i32x4 ops on the low words of t = y·N/ln2 + 1.5·2^52 and read with v128.load64_lane; 2^(k+2) is built from
 * t's bits as 2^(k+66)·2^-64 (same single rounding as the JS product with the table's 2^(k+2), subnormals included).
 * expArgCode / expCode are shared with the fused mean-gradient kernel (wasm-rbf-grad-module.ts).
 *
 * Export `block(sPtr, rows, np, xnPtr, aPtr, ynPtr, sumPtr, g)` (byte addresses); memory imported as env.mem.
 */
import { F64T, I32, V128, moduleBytes, uleb, w } from './wasm-encoding.js';

/** Constants of the JS kernel (fast-exp.ts) and where its tables lie in the wasm memory (bytes). */
export interface ExpModuleConstants {
  inv: number;
  l1: number;
  l2: number;
  shift: number;
  xmin: number;
  c3: number;
  c4: number;
  c5: number;
  /** Byte address of the 256-entry 2^(j/256)/4 table. */
  tBase: number;
  /** Byte address (multiple of 16) of EXP_VCONSTS.length v128 constants written by vconstsInto (read from memory in the
   *  loops: TurboFan rebuilds a v128.const with three instructions at every use, a load is one). */
  vBase: number;
}

/** The v128 constants of expCode, in memory order (f64 pairs, then the i32x4 255 mask and the i64x2 exponent bias). */
const F64_CONSTS = ['xmin', 'inv', 'shift', 'l1', 'l2', 'half', 'c3', 'c4', 'c5', 'twoM64'] as const;
export const EXP_VCONSTS = F64_CONSTS.length + 2;
/** 2^(k+2) is built as 2^(k+66) (always normal for k ≥ −1076) times 2^-64: exponent field k + 66 + 1023. */
const P_BIAS = 66 + 1023;

/** Writes the constants read by expCode at c.vBase (f64 view of the same memory). */
export function vconstsInto(f64: Float64Array, c: ExpModuleConstants): void {
  const v = { ...c, half: 0.5, twoM64: 2 ** -64 };
  for (let i = 0; i < F64_CONSTS.length; i++) f64.fill(v[F64_CONSTS[i]], c.vBase / 8 + 2 * i, c.vBase / 8 + 2 * i + 2);
  const i32 = new Int32Array(f64.buffer, c.vBase + 16 * F64_CONSTS.length, 8);
  i32.fill(255, 0, 4);
  i32.set([P_BIAS, 0, P_BIAS, 0], 4);
}

export const simd = (op: number) => [0xfd, ...uleb(op)];
const vload = [...simd(0x00), 4, 0];
const vstore = [...simd(0x0b), 4, 0];
/** v128.load64_splat with a byte offset. */
export const load64Splat = (off = 0) => [...simd(0x0a), 3, ...uleb(off)];
/** v128.load64_lane (address, vector) → vector with lane `lane` loaded. */
const load64Lane = (lane: number, off = 0) => [...simd(0x57), 3, ...uleb(off), lane];
const i32x4Lane = (lane: number) => [...simd(0x1b), lane];
export const f64x2Lane = (lane: number) => [...simd(0x21), lane];
/** f64x2.pmax(a, b) = a < b ? b : a (lane-wise; NaN in b is not taken, NaN in a is kept). */
const pmax = simd(0xf7);
const vAnd = simd(0x4e);
const i32x4Shl = simd(0xab);
const i64x2Shl = simd(0xcb);
const i64x2ShrU = simd(0xcd);
const i64x2Add = simd(0xce);
export const ltS = [0x48];

/** v128.const holding v in both f64 lanes. */
export function vconst(v: number): number[] {
  const b = new Uint8Array(new Float64Array([v, v]).buffer);
  return [...simd(0x0c), ...b];
}

/** v128 locals used by expCode (indices; all distinct). */
export interface ExpLocals {
  y: number;
  t: number;
  nn: number;
  r: number;
  r2: number;
  q: number;
  s: number;
  p: number;
  idx: number;
  /** EXP_VCONSTS v128 locals holding the constants (expConstsCode); without them, expCode loads them from memory. */
  consts?: number[];
}

/**
 * Code setting local y = pmax(g·pmax(0, d2), XMIN) from `d2` (code leaving the squared distances on the stack) and the
 * splatted g in local vg: as the JS row, d2 > 0 ? d2 : 0 (NaN → 0), then x < XMIN ? XMIN : x (NaN kept).
 */
export function expArgCode(c: ExpModuleConstants, d2: number[], vg: number, y: number): number[] {
  return [...vconst(0), ...d2, ...pmax, ...w.get(vg), ...w.vMul, ...k(c, 'xmin'), ...pmax, ...w.set(y)];
}

/** The v128 constant `name` (or the i32x4 'mask' 255 / i64x2 'bias'): from its local when given, else from memory. */
function k(c: ExpModuleConstants, name: (typeof F64_CONSTS)[number] | 'mask' | 'bias', consts?: number[]): number[] {
  const i = name === 'mask' ? F64_CONSTS.length : name === 'bias' ? F64_CONSTS.length + 1 : F64_CONSTS.indexOf(name);
  return consts ? w.get(consts[i]) : [...w.i32(0), ...w.vLoad(c.vBase + 16 * i)];
}

/** Code loading the constants into `consts` (EXP_VCONSTS v128 locals), for ExpLocals.consts. */
export function expConstsCode(c: ExpModuleConstants, consts: number[]): number[] {
  return consts.flatMap((local, i) => [...w.i32(0), ...w.vLoad(c.vBase + 16 * i), ...w.set(local)]);
}

/** Code leaving (s + s·q(r))·2^(k+2) = exp(y) on the stack (y in local L.y, already clamped), as fast-exp.ts's expBelow. */
export function expCode(c: ExpModuleConstants, L: ExpLocals): number[] {
  const { get, set, tee } = w;
  return [
    // t = y·INV + SHIFT, n = t − SHIFT, r = (y − n·L1) − n·L2
    ...get(L.y), ...k(c, 'inv', L.consts), ...w.vMul, ...k(c, 'shift', L.consts), ...w.vAdd, ...tee(L.t), ...k(c, 'shift', L.consts), ...w.vSub, ...set(L.nn),
    ...get(L.y), ...get(L.nn), ...k(c, 'l1', L.consts), ...w.vMul, ...w.vSub, ...get(L.nn), ...k(c, 'l2', L.consts), ...w.vMul, ...w.vSub, ...tee(L.r),
    ...get(L.r), ...w.vMul, ...set(L.r2),
    // q = (r + r2·(0.5 + r·C3)) + (r2·r2)·(C4 + r·C5)
    ...get(L.r), ...get(L.r2), ...k(c, 'half', L.consts), ...get(L.r), ...k(c, 'c3', L.consts), ...w.vMul, ...w.vAdd, ...w.vMul, ...w.vAdd,
    ...get(L.r2), ...get(L.r2), ...w.vMul, ...k(c, 'c4', L.consts), ...get(L.r), ...k(c, 'c5', L.consts), ...w.vMul, ...w.vAdd, ...w.vMul, ...w.vAdd, ...set(L.q),
    // s = T[n & 255]: byte offsets 8·(n & 255) (+ tBase) in i32 lanes 0 and 2 (n in the low word of each lane of t)
    ...get(L.t), ...k(c, 'mask', L.consts), ...vAnd, ...w.i32(3), ...i32x4Shl, ...tee(L.idx),
    ...i32x4Lane(0), ...load64Splat(c.tBase), ...set(L.s), ...get(L.idx), ...i32x4Lane(2), ...get(L.s), ...load64Lane(1, c.tBase), ...set(L.s),
    // P' = 2^(k+66) for k = n >> 8: t's bits are those of 1.5·2^52 plus n (a multiple of 2^44 above bit 8), so the low 11
    // bits of (bits >>> 8) + bias are k + 66 + 1023 ∈ [13, 1089], shifted into the exponent field
    ...get(L.t), ...w.i32(8), ...i64x2ShrU, ...k(c, 'bias', L.consts), ...i64x2Add, ...w.i32(52), ...i64x2Shl, ...set(L.p),
    // ((s + s·q)·P')·2^-64 = (s + s·q)·2^(k+2) with the one rounding of the JS product (the first product is exact)
    ...get(L.s), ...get(L.s), ...get(L.q), ...w.vMul, ...w.vAdd, ...get(L.p), ...w.vMul, ...k(c, 'twoM64', L.consts), ...w.vMul,
  ];
}

export function expModuleBytes(c: ExpModuleConstants): Uint8Array<ArrayBuffer> {
  const [SP, ROWS, NP, XNP, AP, YNP, SUMP, G] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [ROW, I, SA, END] = [8, 9, 10, 11];
  const [VYN, ACC, V, VG, WV] = [12, 13, 14, 15, 16];
  const L: ExpLocals = { y: 17, t: 18, nn: 19, r: 20, r2: 21, q: 22, s: 23, p: 24, idx: 25 };
  const { get, set, tee } = w;
  const inner = [
    // V = S + S; y = pmax(g·pmax(0, (xn + yn) − V), XMIN)  (as JS: d2 > 0 ? d2 : 0, then x < XMIN ? XMIN : x)
    ...get(SA), ...get(I), ...w.add, ...vload, ...tee(V), ...get(V), ...w.vAdd, ...set(V),
    ...expArgCode(c, [...get(XNP), ...get(I), ...w.add, ...vload, ...get(VYN), ...w.vAdd, ...get(V), ...w.vSub], VG, L.y),
    // w = a·((s + s·q)·P); store, accumulate
    ...get(AP), ...get(I), ...w.add, ...vload, ...expCode(c, L), ...w.vMul, ...set(WV),
    ...get(SA), ...get(I), ...w.add, ...get(WV), ...vstore,
    ...get(ACC), ...get(WV), ...w.vAdd, ...set(ACC),
    ...get(I), ...w.i32(16), ...w.add, ...set(I),
  ];
  const outer = [
    ...get(SP), ...get(ROW), ...get(NP), ...w.mul, ...w.i32(3), ...w.shl, ...w.add, ...set(SA),
    ...get(YNP), ...get(ROW), ...w.i32(3), ...w.shl, ...w.add, ...w.f64Load(), ...w.vSplat, ...set(VYN),
    ...vconst(0), ...set(ACC), ...w.i32(0), ...set(I),
    ...w.while([...get(I), ...get(END), ...ltS], inner),
    ...get(SUMP), ...get(ROW), ...w.i32(3), ...w.shl, ...w.add, ...get(ACC), ...f64x2Lane(0), ...get(ACC), ...f64x2Lane(1), ...w.f64Add, ...w.f64Store(),
    ...get(ROW), ...w.i32(1), ...w.add, ...set(ROW),
  ];
  const body = [
    ...get(G), ...w.vSplat, ...set(VG), ...get(NP), ...w.i32(3), ...w.shl, ...set(END), ...w.i32(0), ...set(ROW),
    ...w.while([...get(ROW), ...get(ROWS), ...ltS], outer),
  ];
  return moduleBytes([{ name: 'block', params: [I32, I32, I32, I32, I32, I32, I32, F64T], locals: [[4, I32], [14, V128]], body }]);
}
