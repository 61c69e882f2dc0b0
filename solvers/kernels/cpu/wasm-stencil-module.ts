/**
 * @module Hand-assembled WebAssembly SIMD (f64x2) bodies of the 2-D grid stencils (FDR spec §1.2, unit spacing),
 * on row blocks staged in wasm memory by wasm-stencils.ts. Every output is the same IEEE expression, in the same
 * order, as the scalar reference in stencils.ts (no FMA), so results are bit-identical:
 *   grad2: gx[r,j] = u[r,j+1] − u[r,j] (gx[r,n2−1] = 0), gy[r,j] = u[r+1,j] − u[r,j] (row r+1 is staged);
 *   div2:  d[r,j] = ((px[r,j] − px[r,j−1]) + py[r,j]) − py[r−1,j], first column (px + py) − py↑, last (−px + py) − py↑;
 *   conv3: interior columns of a 3×3 correlation, Σ in row-major tap order (k00·x00 + k01·x01 + … + k22·x22).
 */
import { F64T, I32, V128, moduleBytes, w } from './wasm-encoding.js';

const { get, set, tee, i32, add, sub, and, shl, shrU, f64Load, f64Store, vLoad, vStore } = w;
const inc = (local: number, by: number) => [...get(local), ...i32(by), ...add, ...set(local)];

/** grad2(uP, gxP, gyP, rows, n2): `rows` rows, each with the row below staged right after it in u. */
function grad2(): number[] {
  const [PU, PGX, PGY, ROWS, N2] = [0, 1, 2, 3, 4];
  const [RB, K, PB, C] = [5, 6, 7, 8]; // PB = PU + row bytes (the row below)
  const pair = (o: number) => [
    ...get(PU), ...vLoad(o), ...set(C),
    ...get(PGX), ...get(PU), ...vLoad(o + 8), ...get(C), ...w.vSub, ...vStore(o),
    ...get(PGY), ...get(PB), ...vLoad(o), ...get(C), ...w.vSub, ...vStore(o),
  ];
  const step = (by: number) => [...inc(PU, by), ...inc(PB, by), ...inc(PGX, by), ...inc(PGY, by)];
  const octs = [...pair(0), ...pair(16), ...pair(32), ...pair(48), ...step(64), ...inc(K, -1)];
  const tail = [
    ...get(PGX), ...get(PU), ...f64Load(8), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...get(PGY), ...get(PB), ...f64Load(0), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...step(8),
  ];
  const last = [
    ...get(PGX), ...w.f64(0), ...f64Store(0),
    ...get(PGY), ...get(PB), ...f64Load(0), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...step(8),
  ];
  // n2 − 1 differences per row: 8 at a time, then pairs, then one if odd; then the Neumann column.
  const row = [
    ...get(N2), ...i32(1), ...sub, ...i32(3), ...shrU, ...set(K),
    ...w.while(get(K), octs),
    ...get(N2), ...i32(1), ...sub, ...i32(7), ...and, ...i32(1), ...shrU, ...set(K),
    ...w.while(get(K), [...pair(0), ...step(16), ...inc(K, -1)]),
    ...get(N2), ...i32(1), ...sub, ...i32(1), ...and, ...w.if(tail),
    ...last,
    ...inc(ROWS, -1),
  ];
  return [...get(PU), ...get(N2), ...i32(3), ...shl, ...tee(RB), ...add, ...set(PB), ...w.while(get(ROWS), row)];
}

/** div2(pxP, pyP, dP, rows, n2): pyP is the first output row of py; the row above it is staged before it. n2 ≥ 2. */
function div2(): number[] {
  const [PX, PY, PD, ROWS, N2] = [0, 1, 2, 3, 4];
  const [PU, K] = [5, 6];
  // px points at column j − 1, py/pu/pd at column j.
  const pair = (o: number) => [
    ...get(PD),
    ...get(PX), ...vLoad(o + 8), ...get(PX), ...vLoad(o), ...w.vSub,
    ...get(PY), ...vLoad(o), ...w.vAdd,
    ...get(PU), ...vLoad(o), ...w.vSub,
    ...vStore(o),
  ];
  const step = (by: number) => [...inc(PX, by), ...inc(PY, by), ...inc(PU, by), ...inc(PD, by)];
  const octs = [...pair(0), ...pair(16), ...pair(32), ...pair(48), ...step(64), ...inc(K, -1)];
  const tail = [
    ...get(PD),
    ...get(PX), ...f64Load(8), ...get(PX), ...f64Load(0), ...w.f64Sub,
    ...get(PY), ...f64Load(0), ...w.f64Add,
    ...get(PU), ...f64Load(0), ...w.f64Sub,
    ...f64Store(0),
    ...step(8),
  ];
  const first = [
    ...get(PD), ...get(PX), ...f64Load(0), ...get(PY), ...f64Load(0), ...w.f64Add, ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PY, 8), ...inc(PU, 8), ...inc(PD, 8),
  ];
  const last = [
    ...get(PD), ...get(PX), ...f64Load(0), ...w.f64Neg, ...get(PY), ...f64Load(0), ...w.f64Add, ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PX, 16), ...inc(PY, 8), ...inc(PU, 8), ...inc(PD, 8),
  ];
  // n2 − 2 inner columns per row: 8 at a time, then pairs, then one if odd.
  const row = [
    ...first,
    ...get(N2), ...i32(2), ...sub, ...i32(3), ...shrU, ...set(K),
    ...w.while(get(K), octs),
    ...get(N2), ...i32(2), ...sub, ...i32(7), ...and, ...i32(1), ...shrU, ...set(K),
    ...w.while(get(K), [...pair(0), ...step(16), ...inc(K, -1)]),
    ...get(N2), ...i32(2), ...sub, ...i32(1), ...and, ...w.if(tail),
    ...last,
    ...inc(ROWS, -1),
  ];
  return [...get(PY), ...get(N2), ...i32(3), ...shl, ...sub, ...set(PU), ...w.while(get(ROWS), row)];
}

/**
 * conv3(imgP, outP, rows, w, k00..k22): interior columns 1..w−2 of `rows` output rows; imgP is the staged row above
 * the first output row (rows + 2 image rows follow contiguously); outP is output row 0, column 0 (columns 0 and w−1
 * are left to the caller). w ≥ 3.
 */
function conv3(): number[] {
  const [PI, PO, ROWS, W] = [0, 1, 2, 3];
  const KS = 4; // f64 params k00..k22 = 4..12
  const [PC, PD, K] = [13, 14, 15]; // i32: centre row, row below, counter
  const KV = 16; // v128 splats of the taps 16..24
  const ptrs = [PI, PC, PD];
  // Σ over taps in row-major order, left to right; `load(r, b)` loads row r (0 up, 1 centre, 2 down) at column j−1+b.
  const sum = (load: (r: number, b: number) => number[], mul: number[], addOp: number[], kv: (t: number) => number[]) => {
    const c: number[] = [];
    for (let t = 0; t < 9; t++) {
      c.push(...kv(t), ...load(Math.floor(t / 3), t % 3), ...mul);
      if (t > 0) c.push(...addOp);
    }
    return c;
  };
  const pair = (o: number) => [
    ...get(PO), ...sum((r, b) => [...get(ptrs[r]), ...vLoad(o + 8 * b)], w.vMul, w.vAdd, (t) => get(KV + t)), ...vStore(o + 8),
  ];
  const step = (by: number) => [...inc(PI, by), ...inc(PC, by), ...inc(PD, by), ...inc(PO, by)];
  const quads = [...pair(0), ...pair(16), ...step(32), ...inc(K, -1)];
  const tail = [
    ...get(PO), ...sum((r, b) => [...get(ptrs[r]), ...f64Load(8 * b)], w.f64Mul, w.f64Add, (t) => get(KS + t)), ...f64Store(8),
    ...step(8),
  ];
  const row = [
    ...get(W), ...i32(2), ...sub, ...i32(2), ...shrU, ...set(K),
    ...w.while(get(K), quads),
    ...get(W), ...i32(2), ...sub, ...i32(2), ...and, ...w.if([...pair(0), ...step(16)]),
    ...get(W), ...i32(2), ...sub, ...i32(1), ...and, ...w.if(tail),
    ...step(16), // from column w − 2 to column 0 of the next row
    ...inc(ROWS, -1),
  ];
  const init: number[] = [];
  for (let t = 0; t < 9; t++) init.push(...get(KS + t), ...w.vSplat, ...set(KV + t));
  init.push(...get(PI), ...get(W), ...i32(3), ...shl, ...add, ...tee(PC), ...get(W), ...i32(3), ...shl, ...add, ...set(PD));
  return [...init, ...w.while(get(ROWS), row)];
}

export function stencilModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes([
    { name: 'grad2', params: [I32, I32, I32, I32, I32], locals: [[3, I32], [1, V128]], body: grad2() },
    { name: 'div2', params: [I32, I32, I32, I32, I32], locals: [[2, I32]], body: div2() },
    { name: 'conv3', params: [I32, I32, I32, I32, ...new Array(9).fill(F64T)], locals: [[3, I32], [9, V128]], body: conv3() },
  ]);
}
