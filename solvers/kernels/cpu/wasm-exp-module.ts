/**
 * @module A hand-assembled WebAssembly SIMD (f64x2) version of fast-exp.ts's RBF weight rows (specs/root.md §8: the walk's
 * cross-kernel is exp-bound): for each row r of a block S (stride np, even), S[r,i] = a[i]·exp(g·max(xn[i] + yn[r] −
 * 2S[r,i], 0)) and sums[r] = Σ_i S[r,i]. Same operations in the same order as the JS loop, two lanes at a time, so every
 * weight is bit-identical to expRowScaled (only the row sum is added in two lanes). The 2^(j/256)/4 and 2^(k+2) tables
 * are read with v128.load64_lane at the indices held in the low words of t = y·N/ln2 + 1.5·2^52.
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
  /** Byte address of 2^(k+2) for k = 0 (entry K0 of POW2). */
  pZero: number;
}

const simd = (op: number) => [0xfd, ...uleb(op)];
const vload = [...simd(0x00), 4, 0];
const vstore = [...simd(0x0b), 4, 0];
const load64Splat = [...simd(0x0a), 3, 0];
/** v128.load64_lane (address, vector) → vector with lane `lane` loaded. */
const load64Lane = (lane: number) => [...simd(0x57), 3, 0, lane];
const i32x4Lane = (lane: number) => [...simd(0x1b), lane];
const f64x2Lane = (lane: number) => [...simd(0x21), lane];
/** f64x2.pmax(a, b) = a < b ? b : a (lane-wise; NaN in b is not taken, NaN in a is kept). */
const pmax = simd(0xf7);
const shrS = [0x75];
const ltS = [0x48];

export function expModuleBytes(c: ExpModuleConstants): Uint8Array<ArrayBuffer> {
  const [SP, ROWS, NP, XNP, AP, YNP, SUMP, G] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [ROW, I, SA, TI0, TI1, END] = [8, 9, 10, 11, 12, 13];
  const [VYN, ACC, V, Y, T, NN, R, R2, Q, S, P, VG, WV] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const { get, set, tee } = w;
  const splat = (v: number) => [...w.f64(v), ...w.vSplat];
  /** Byte address of a table entry: base + (lane index)·8, computed in i32 (the index of POW2 is negative). */
  const tableLane = (ti: number, shiftRight: number, base: number) =>
    shiftRight === 0
      ? [...get(ti), ...w.i32(255), ...w.and, ...w.i32(3), ...w.shl, ...w.i32(base), ...w.add]
      : [...get(ti), ...w.i32(shiftRight), ...shrS, ...w.i32(3), ...w.shl, ...w.i32(base), ...w.add];
  const inner = [
    // V = S + S; y = pmax(g·pmax(0, (xn + yn) − V), XMIN)  (as JS: d2 > 0 ? d2 : 0, then x < XMIN ? XMIN : x)
    ...get(SA), ...get(I), ...w.add, ...vload, ...tee(V), ...get(V), ...w.vAdd, ...set(V),
    ...splat(0), ...get(XNP), ...get(I), ...w.add, ...vload, ...get(VYN), ...w.vAdd, ...get(V), ...w.vSub, ...pmax,
    ...get(VG), ...w.vMul, ...splat(c.xmin), ...pmax, ...set(Y),
    // t = y·INV + SHIFT, n = t − SHIFT, r = (y − n·L1) − n·L2
    ...get(Y), ...splat(c.inv), ...w.vMul, ...splat(c.shift), ...w.vAdd, ...tee(T), ...splat(c.shift), ...w.vSub, ...set(NN),
    ...get(Y), ...get(NN), ...splat(c.l1), ...w.vMul, ...w.vSub, ...get(NN), ...splat(c.l2), ...w.vMul, ...w.vSub, ...tee(R),
    ...get(R), ...w.vMul, ...set(R2),
    // q = (r + r2·(0.5 + r·C3)) + (r2·r2)·(C4 + r·C5)
    ...get(R), ...get(R2), ...splat(0.5), ...get(R), ...splat(c.c3), ...w.vMul, ...w.vAdd, ...w.vMul, ...w.vAdd,
    ...get(R2), ...get(R2), ...w.vMul, ...splat(c.c4), ...get(R), ...splat(c.c5), ...w.vMul, ...w.vAdd, ...w.vMul, ...w.vAdd, ...set(Q),
    // s = T[n & 255], P = POW2[K0 + (n >> 8)], lane by lane (n in the low word of each lane of t)
    ...get(T), ...i32x4Lane(0), ...set(TI0), ...get(T), ...i32x4Lane(2), ...set(TI1),
    ...tableLane(TI0, 0, c.tBase), ...load64Splat, ...set(S),
    ...tableLane(TI1, 0, c.tBase), ...get(S), ...load64Lane(1), ...set(S),
    ...tableLane(TI0, 8, c.pZero), ...load64Splat, ...set(P),
    ...tableLane(TI1, 8, c.pZero), ...get(P), ...load64Lane(1), ...set(P),
    // w = a·((s + s·q)·P); store, accumulate
    ...get(AP), ...get(I), ...w.add, ...vload, ...get(S), ...get(S), ...get(Q), ...w.vMul, ...w.vAdd, ...get(P), ...w.vMul, ...w.vMul, ...set(WV),
    ...get(SA), ...get(I), ...w.add, ...get(WV), ...vstore,
    ...get(ACC), ...get(WV), ...w.vAdd, ...set(ACC),
    ...get(I), ...w.i32(16), ...w.add, ...set(I),
  ];
  const outer = [
    ...get(SP), ...get(ROW), ...get(NP), ...w.mul, ...w.i32(3), ...w.shl, ...w.add, ...set(SA),
    ...get(YNP), ...get(ROW), ...w.i32(3), ...w.shl, ...w.add, ...w.f64Load(), ...w.vSplat, ...set(VYN),
    ...splat(0), ...set(ACC), ...w.i32(0), ...set(I),
    ...w.while([...get(I), ...get(END), ...ltS], inner),
    ...get(SUMP), ...get(ROW), ...w.i32(3), ...w.shl, ...w.add, ...get(ACC), ...f64x2Lane(0), ...get(ACC), ...f64x2Lane(1), ...w.f64Add, ...w.f64Store(),
    ...get(ROW), ...w.i32(1), ...w.add, ...set(ROW),
  ];
  const body = [
    ...get(G), ...w.vSplat, ...set(VG), ...get(NP), ...w.i32(3), ...w.shl, ...set(END), ...w.i32(0), ...set(ROW),
    ...w.while([...get(ROW), ...get(ROWS), ...ltS], outer),
  ];
  return moduleBytes([{ name: 'block', params: [I32, I32, I32, I32, I32, I32, I32, F64T], locals: [[6, I32], [13, V128]], body }]);
}
