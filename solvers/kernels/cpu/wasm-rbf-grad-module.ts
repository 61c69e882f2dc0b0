/**
 * @module A hand-assembled WebAssembly SIMD (f64x2) kernel for the GP mean gradient of the ROOT walks (specs/root.md §8):
 * for tiles of 4 walkers (two per f64x2, walkers in lanes) and 4 rows of X at a time, in one pass over X it forms the dot
 * products y·x_i, the weights w = a_i·exp(g·max(|x_i|² + |y|² − 2y·x_i, 0)) with fast-exp's wasm code (wasm-exp-module.ts)
 * and accumulates Σ_i w·x_i and the row sums (even and odd i apart). One module per dimension d (row strides and offsets
 * are constants); loops over c, and over the tile's 8 exps (straight-line, TurboFan hoists and spills their constants).
 * Every operation is the one the GEMM path performs, in the same order (y·x_i summed from c = 0, Σ_i w·x_i summed in row
 * order), so its results are bit-identical to it (rbf.ts).
 *
 * Export `tiles(xPtr, rows, yPtr, gPtr, count, g)` (byte addresses; rows a multiple of 4); memory imported as env.mem,
 * SCRATCH_BYTES of scratch at the `scratch` address given to the builder.
 * Layouts, in doubles: X rows [x_0 … x_{d−1}, |x|², a] (stride d + 2); per tile, Y as two walker pairs, each d lane-pairs
 * (y_c of walkers 2q, 2q + 1) then the pair of |y|²; per tile, accumulators: pair 0's d lane-pairs of Σ w·x_c, pair 1's,
 * then the row sums (even i, odd i) of pair 0 and of pair 1.
 */
import { EXP_VCONSTS, type ExpLocals, type ExpModuleConstants, expArgCode, expCode, expConstsCode, load64Splat, ltS, vconst } from './wasm-exp-module.js';
import { F64T, I32, V128, moduleBytes, w } from './wasm-encoding.js';

/** Walkers and rows per register tile. */
export const TILE_WALKERS = 4;
export const TILE_ROWS = 4;

/** Doubles per X row, per Y tile and per accumulator tile for dimension d. */
export const rowStride = (d: number) => d + 2;
export const yTileStride = (d: number) => 4 * (d + 1);
export const gTileStride = (d: number) => 4 * d + 8;

/** Local numbering: each new local appends a run of one (wasm accepts any sequence of runs). */
function localAllocator(firstIndex: number) {
  const runs: [number, number][] = [];
  let next = firstIndex;
  const alloc = (type: number) => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === type) last[0]++;
    else runs.push([1, type]);
    return next++;
  };
  return { runs, i32: () => alloc(I32), v128: () => alloc(V128) };
}

/** Bytes of scratch the module uses at its `scratch` address (16-aligned). */
export const SCRATCH_BYTES = 16 * 24;

export function rbfGradModuleBytes(d: number, c: ExpModuleConstants, scratch: number): Uint8Array<ArrayBuffer> {
  const { get, set, tee } = w;
  const [XPTR, ROWS, YPTR, GPTR, COUNT, G] = [0, 1, 2, 3, 4, 5];
  const L = localAllocator(6);
  const [XP, XEND, XK, YK, GK, KEND, EK] = [L.i32(), L.i32(), L.i32(), L.i32(), L.i32(), L.i32(), L.i32()];
  const VG = L.v128();
  const idx = (k: number) => Array.from({ length: k }, () => L.v128());
  const DOT = idx(8); // DOT[2r + q]: rows r of the tile, walker pair q
  const WT = idx(8);
  const RS = idx(4); // RS[2q + parity]
  const YV = idx(2);
  const ACC = idx(2);
  const XS = L.v128();
  const KS = idx(EXP_VCONSTS);
  const E: ExpLocals = { y: L.v128(), t: L.v128(), nn: L.v128(), r: L.v128(), r2: L.v128(), q: L.v128(), s: L.v128(), p: L.v128(), idx: L.v128(), consts: KS };
  const row = 8 * rowStride(d); // bytes
  const xOff = (r: number, k: number) => r * row + 8 * k;
  const yOff = (q: number, k: number) => 16 * (q * (d + 1) + k);
  const gOff = (q: number, k: number) => 16 * (q * d + k);
  const rsOff = (k: number) => 16 * (2 * d + k);

  const step: number[] = [];
  // A loop over the components c in increasing order (unrolling it by two measured slower).
  const overK = (kStep: number[], ptrs: [number, number][]) =>
    w.while([...get(XK), ...get(KEND), ...ltS], [...kStep, ...ptrs.flatMap(([p, size]) => [...get(p), ...w.i32(size), ...w.add, ...set(p)])]);
  // dot products: DOT[r][q] = Σ_c y_c·x_{r,c}, from 0 and c = 0 up (the GEMM's order)
  const dotK = [...get(YK), ...w.vLoad(yOff(0, 0)), ...set(YV[0]), ...get(YK), ...w.vLoad(yOff(1, 0)), ...set(YV[1])];
  for (let r = 0; r < TILE_ROWS; r++) {
    dotK.push(...get(XK), ...load64Splat(xOff(r, 0)), ...set(XS));
    for (let q = 0; q < 2; q++) dotK.push(...get(DOT[2 * r + q]), ...get(YV[q]), ...get(XS), ...w.vMul, ...w.vAdd, ...set(DOT[2 * r + q]));
  }
  step.push(
    ...DOT.flatMap((v) => [...vconst(0), ...set(v)]),
    ...get(XP), ...tee(XK), ...w.i32(8 * d), ...w.add, ...set(KEND), ...get(YPTR), ...set(YK),
    ...overK(dotK, [[XK, 8], [YK, 16]]),
  );
  // weights: w = a·exp(g·max((|x|² + |y|²) − (s + s), 0)). The 8 exp arguments and a's go to scratch and the exps run
  // in a loop, one per pass (measured 5–10 % faster than straight-line code, whose constants TurboFan hoists and spills).
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let q = 0; q < 2; q++) {
      const e = 2 * r + q;
      const s = DOT[e];
      const d2 = [...get(XP), ...load64Splat(xOff(r, d)), ...get(YPTR), ...w.vLoad(yOff(q, d)), ...w.vAdd, ...get(s), ...get(s), ...w.vAdd, ...w.vSub];
      step.push(...expArgCode(c, d2, VG, E.y), ...w.i32(0), ...get(E.y), ...w.vStore(scratch + 16 * e));
      step.push(...w.i32(0), ...get(XP), ...load64Splat(xOff(r, d + 1)), ...w.vStore(scratch + 16 * (8 + e)));
    }
  }
  step.push(
    ...w.i32(0), ...set(EK),
    ...w.while([...get(EK), ...w.i32(16 * 8), ...ltS], [
      ...get(EK), ...w.vLoad(scratch), ...set(E.y),
      ...get(EK), ...get(EK), ...w.vLoad(scratch + 16 * 8), ...expCode(c, E), ...w.vMul, ...w.vStore(scratch + 16 * 16),
      ...get(EK), ...w.i32(16), ...w.add, ...set(EK),
    ]),
  );
  // row sums by parity of the row, in row order
  for (let e = 0; e < 8; e++) {
    const rs = RS[2 * (e & 1) + ((e >> 1) & 1)];
    step.push(...w.i32(0), ...w.vLoad(scratch + 16 * (16 + e)), ...tee(WT[e]), ...get(rs), ...w.vAdd, ...set(rs));
  }
  // accumulate Σ w·x_c in row order
  const accK = [...get(GK), ...w.vLoad(gOff(0, 0)), ...set(ACC[0]), ...get(GK), ...w.vLoad(gOff(1, 0)), ...set(ACC[1])];
  for (let r = 0; r < TILE_ROWS; r++) {
    accK.push(...get(XK), ...load64Splat(xOff(r, 0)), ...set(XS));
    for (let q = 0; q < 2; q++) accK.push(...get(ACC[q]), ...get(WT[2 * r + q]), ...get(XS), ...w.vMul, ...w.vAdd, ...set(ACC[q]));
  }
  for (let q = 0; q < 2; q++) accK.push(...get(GK), ...get(ACC[q]), ...w.vStore(gOff(q, 0)));
  step.push(...get(XP), ...set(XK), ...get(GPTR), ...set(GK), ...overK(accK, [[XK, 8], [GK, 16]]));
  step.push(...get(XP), ...w.i32(TILE_ROWS * row), ...w.add, ...set(XP));

  const tile = [
    ...RS.flatMap((rs, k) => [...get(GPTR), ...w.vLoad(rsOff(k)), ...set(rs)]),
    ...get(XPTR), ...set(XP),
    ...w.while([...get(XP), ...get(XEND), ...ltS], step),
    ...RS.flatMap((rs, k) => [...get(GPTR), ...get(rs), ...w.vStore(rsOff(k))]),
    ...get(YPTR), ...w.i32(8 * yTileStride(d)), ...w.add, ...set(YPTR),
    ...get(GPTR), ...w.i32(8 * gTileStride(d)), ...w.add, ...set(GPTR),
    ...get(COUNT), ...w.i32(1), ...w.sub, ...set(COUNT),
  ];
  const body = [
    ...get(G), ...w.vSplat, ...set(VG), ...expConstsCode(c, KS),
    ...get(XPTR), ...get(ROWS), ...w.i32(row), ...w.mul, ...w.add, ...set(XEND),
    ...w.while(get(COUNT), tile),
  ];
  return moduleBytes([{ name: 'tiles', params: [I32, I32, I32, I32, I32, F64T], locals: L.runs, body }]);
}
