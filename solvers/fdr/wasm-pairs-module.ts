/**
 * @module Hand-assembled WebAssembly SIMD (f64x2) bodies of the per-cell pair passes of the lifted FDR iteration
 * (specs/fdr.md §1.2, §2.2) for d = 2, where the two axis components of one (cell, pair) are the two lanes:
 *   dual2:   C = prefix sums of p^x; μ̄ = μ + ωτ_μ r with r = s − T p; M = T*μ̄ (suffix over k2, added per k2);
 *            s ← ball(s − σ_s μ̄).
 *   primal2: C as above; μ ← μ + τ_μ r.
 *   fused2:  primal2 of iteration t followed by dual2 of iteration t + 1 in one pass (they read the same C and s).
 * Every lane computes the same IEEE expressions, in the same order, as the scalar loops of lifted.ts (no FMA), so
 * the results are bit-identical to them. Pair layout: pairs k1 outer, k2 inner; s, μ interleaved [pair][j]; C, M
 * interleaved [k][j]; τ_μ and ωτ_μ as per-pair f64 tables.
 */
import { F64T, I32, V128, moduleBytes, w } from '../kernels/cpu/wasm-encoding.js';

const { get, set, tee, i32, add, sub, mul, f64Load, vLoad, vStore } = w;
const simd = (op: number) => [0xfd, op];
const lane = (l: number) => [...simd(0x21), l]; // f64x2.extract_lane
const F64_GT = [0x64];
const F64_SQRT = [0x9f];
const F64_DIV = [0xa3];
const ifElse = (then: number[], els: number[]) => [0x04, 0x40, ...then, 0x05, ...els, 0x0b];
const inc = (local: number, by: number) => [...get(local), ...i32(by), ...add, ...set(local)];

// params (all functions): pxP, sP, muP, MP, CP, tauP, tauOP, L (i32); sigmaS, nu, bt2 (f64)
const [PX, PS, PMU, PM, PC, PTAU, PTAUO, L] = [0, 1, 2, 3, 4, 5, 6, 7];
const [SIG, NU, BT2] = [8, 9, 10];
// locals
const [K1, CNT, S, MU, T, TO, CK, MK, ROW] = [11, 12, 13, 14, 15, 16, 17, 18, 19]; // i32
const N2 = 20; // f64
const [C0, ACC, R, MB, M, VS, CUR, SQ] = [21, 22, 23, 24, 25, 26, 27, 28]; // v128
const LOCALS: [number, number][] = [[9, I32], [1, F64T], [8, V128]];

/** C[0] = 0, C[k+1] = C[k] + p^x[k] (lane-wise). */
const prefix = [
  ...w.f64(0), ...w.vSplat, ...set(CUR),
  ...get(PC), ...get(CUR), ...vStore(0),
  ...get(PX), ...set(S), ...get(PC), ...set(CK), ...get(L), ...set(CNT),
  ...w.while(get(CNT), [
    ...get(CK), ...get(CUR), ...get(S), ...vLoad(0), ...w.vAdd, ...tee(CUR), ...vStore(16),
    ...inc(S, 16), ...inc(CK, 16), ...inc(CNT, -1),
  ]),
];

/** M[k] = 0 for k < L. */
const zeroM = [
  ...get(PM), ...set(MK), ...get(L), ...set(CNT),
  ...w.while(get(CNT), [...get(MK), ...w.f64(0), ...w.vSplat, ...vStore(0), ...inc(MK, 16), ...inc(CNT, -1)]),
];

/** r = s − (C[k2+1] − c0). */
const residual = [...get(S), ...vLoad(0), ...get(CK), ...vLoad(0), ...get(C0), ...w.vSub, ...w.vSub, ...set(R)];

/** μ̄ (on the stack) → MB; acc += μ̄; M[k2] += acc; m = s − σ μ̄; s ← m or m·ν/|m|. */
const dualTail = [
  ...set(MB),
  ...get(ACC), ...get(MB), ...w.vAdd, ...set(ACC),
  ...get(MK), ...get(MK), ...vLoad(0), ...get(ACC), ...w.vAdd, ...vStore(0),
  ...get(S), ...vLoad(0), ...get(VS), ...get(MB), ...w.vMul, ...w.vSub, ...set(M),
  ...get(M), ...get(M), ...w.vMul, ...tee(SQ), ...lane(0), ...get(SQ), ...lane(1), ...w.f64Add, ...tee(N2),
  ...get(BT2), ...F64_GT,
  ...ifElse(
    [...get(S), ...get(M), ...get(NU), ...get(N2), ...F64_SQRT, ...F64_DIV, ...w.vSplat, ...w.vMul, ...vStore(0)],
    [...get(S), ...get(M), ...vStore(0)],
  ),
];

const bodies = {
  /** μ̄ = μ + ωτ r. */
  dual: [...residual, ...get(MU), ...vLoad(0), ...get(TO), ...f64Load(0), ...w.vSplat, ...get(R), ...w.vMul, ...w.vAdd, ...dualTail],
  /** μ += τ r. */
  primal: [...residual, ...get(MU), ...get(MU), ...vLoad(0), ...get(T), ...f64Load(0), ...w.vSplat, ...get(R), ...w.vMul, ...w.vAdd, ...vStore(0)],
  /** μ ← μ + τ r (stored), then μ̄ = μ + ωτ r. */
  fused: [
    ...residual,
    ...get(MU), ...get(MU), ...vLoad(0), ...get(T), ...f64Load(0), ...w.vSplat, ...get(R), ...w.vMul, ...w.vAdd, ...tee(CUR), ...vStore(0),
    ...get(CUR), ...get(TO), ...f64Load(0), ...w.vSplat, ...get(R), ...w.vMul, ...w.vAdd, ...dualTail,
  ],
};

/**
 * The pair loop: rows k1 = 0..L−1, each walked from k2 = L−1 down to k1 (the order of the suffix sum). `body` sees
 * S, MU, T, TO, CK (= &C[k2+1]), MK (= &M[k2]) at the current pair and C0 = C[k1].
 */
function pairLoop(body: number[], withDual: boolean): number[] {
  const rowStart = [
    // ROW = first pair index of row k1; the walk starts at pair ROW + (L − 1 − k1)
    ...get(L), ...get(K1), ...sub, ...set(CNT),
    ...get(ROW), ...get(CNT), ...add, ...i32(1), ...sub, ...set(T), // T holds the pair index for a moment
    ...get(PS), ...get(T), ...i32(16), ...mul, ...add, ...set(S),
    ...get(PMU), ...get(T), ...i32(16), ...mul, ...add, ...set(MU),
    ...get(PTAUO), ...get(T), ...i32(8), ...mul, ...add, ...set(TO),
    ...get(PTAU), ...get(T), ...i32(8), ...mul, ...add, ...set(T),
    ...get(PC), ...get(L), ...i32(16), ...mul, ...add, ...set(CK),
    ...get(PM), ...get(L), ...i32(16), ...mul, ...add, ...i32(16), ...sub, ...set(MK),
    ...get(PC), ...get(K1), ...i32(16), ...mul, ...add, ...vLoad(0), ...set(C0),
    ...(withDual ? [...w.f64(0), ...w.vSplat, ...set(ACC)] : []),
  ];
  const step = [...inc(S, -16), ...inc(MU, -16), ...inc(T, -8), ...inc(TO, -8), ...inc(CK, -16), ...inc(MK, -16), ...inc(CNT, -1)];
  const row = [...rowStart, ...w.while(get(CNT), [...body, ...step]), ...get(ROW), ...get(L), ...get(K1), ...sub, ...add, ...set(ROW), ...inc(K1, 1)];
  return [
    ...get(SIG), ...w.vSplat, ...set(VS),
    ...i32(0), ...set(K1), ...i32(0), ...set(ROW),
    ...w.while([...get(L), ...get(K1), ...sub], row),
  ];
}

export function pairsModuleBytes(): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, I32, I32, I32, F64T, F64T, F64T];
  return moduleBytes([
    { name: 'dual2', params, locals: LOCALS, body: [...prefix, ...zeroM, ...pairLoop(bodies.dual, true)] },
    { name: 'primal2', params, locals: LOCALS, body: [...prefix, ...pairLoop(bodies.primal, false)] },
    { name: 'fused2', params, locals: LOCALS, body: [...prefix, ...zeroM, ...pairLoop(bodies.fused, true)] },
  ]);
}
