/**
 * @module Hand-assembled WebAssembly SIMD (f64x2) bodies of the 2-D grid stencils (FDR spec §1.2, unit spacing),
 * on row blocks staged in wasm memory by wasm-stencils.ts. Every output is the same IEEE expression, in the same
 * order, as the scalar reference in stencils.ts (no FMA), so results are bit-identical:
 *   grad2: gx[r,j] = u[r,j+1] − u[r,j] (gx[r,n2−1] = 0), gy[r,j] = u[r+1,j] − u[r,j] (row r+1 is staged);
 *   div2:  d[r,j] = ((px[r,j] − px[r,j−1]) + py[r,j]) − py[r−1,j], first column (px + py) − py↑, last (−px + py) − py↑;
 *   conv3: interior columns of a 3×3 correlation, Σ in row-major tap order (k00·x00 + k01·x01 + … + k22·x22).
 */
import { I32, V128, moduleBytes, w } from './wasm-encoding.js';

const { get, set, tee, i32, add, sub, and, shl, shrU, f64Load, f64Store, vLoad, vStore } = w;
const inc = (local: number, by: number) => [...get(local), ...i32(by), ...add, ...set(local)];

/** grad2(uP, gxP, gyP, rows, n2): `rows` rows, each with the row below staged right after it in u. */
function grad2(): number[] {
  const [PU, PGX, PGY, ROWS, N2] = [0, 1, 2, 3, 4];
  const [RB, K, C] = [5, 6, 7];
  const pairs = [
    ...get(PU), ...vLoad(0), ...set(C),
    ...get(PGX), ...get(PU), ...vLoad(8), ...get(C), ...w.vSub, ...vStore(0),
    ...get(PGY), ...get(PU), ...get(RB), ...add, ...vLoad(0), ...get(C), ...w.vSub, ...vStore(0),
    ...inc(PU, 16), ...inc(PGX, 16), ...inc(PGY, 16), ...inc(K, -1),
  ];
  const tail = [
    ...get(PGX), ...get(PU), ...f64Load(8), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...get(PGY), ...get(PU), ...get(RB), ...add, ...f64Load(0), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PU, 8), ...inc(PGX, 8), ...inc(PGY, 8),
  ];
  const last = [
    ...get(PGX), ...w.f64(0), ...f64Store(0),
    ...get(PGY), ...get(PU), ...get(RB), ...add, ...f64Load(0), ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PU, 8), ...inc(PGX, 8), ...inc(PGY, 8),
  ];
  const row = [
    ...get(N2), ...i32(1), ...sub, ...i32(1), ...shrU, ...set(K),
    ...w.while(get(K), pairs),
    ...get(N2), ...i32(1), ...sub, ...i32(1), ...and, ...w.if(tail),
    ...last,
    ...inc(ROWS, -1),
  ];
  return [...get(N2), ...i32(3), ...shl, ...set(RB), ...w.while(get(ROWS), row)];
}

/** div2(pxP, pyP, dP, rows, n2): pyP is the first output row of py; the row above it is staged before it. n2 ≥ 2. */
function div2(): number[] {
  const [PX, PY, PD, ROWS, N2] = [0, 1, 2, 3, 4];
  const [PU, K, RB] = [5, 6, 7];
  // px points at column j − 1, py/pu/pd at column j.
  const pairs = [
    ...get(PD),
    ...get(PX), ...vLoad(8), ...get(PX), ...vLoad(0), ...w.vSub,
    ...get(PY), ...vLoad(0), ...w.vAdd,
    ...get(PU), ...vLoad(0), ...w.vSub,
    ...vStore(0),
    ...inc(PX, 16), ...inc(PY, 16), ...inc(PU, 16), ...inc(PD, 16), ...inc(K, -1),
  ];
  const tail = [
    ...get(PD),
    ...get(PX), ...f64Load(8), ...get(PX), ...f64Load(0), ...w.f64Sub,
    ...get(PY), ...f64Load(0), ...w.f64Add,
    ...get(PU), ...f64Load(0), ...w.f64Sub,
    ...f64Store(0),
    ...inc(PX, 8), ...inc(PY, 8), ...inc(PU, 8), ...inc(PD, 8),
  ];
  const first = [
    ...get(PD), ...get(PX), ...f64Load(0), ...get(PY), ...f64Load(0), ...w.f64Add, ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PY, 8), ...inc(PU, 8), ...inc(PD, 8),
  ];
  const last = [
    ...get(PD), ...get(PX), ...f64Load(0), ...w.f64Neg, ...get(PY), ...f64Load(0), ...w.f64Add, ...get(PU), ...f64Load(0), ...w.f64Sub, ...f64Store(0),
    ...inc(PX, 16), ...inc(PY, 8), ...inc(PU, 8), ...inc(PD, 8),
  ];
  const row = [
    ...first,
    ...get(N2), ...i32(2), ...sub, ...i32(1), ...shrU, ...set(K),
    ...w.while(get(K), pairs),
    ...get(N2), ...i32(2), ...sub, ...i32(1), ...and, ...w.if(tail),
    ...last,
    ...inc(ROWS, -1),
  ];
  return [...get(PY), ...get(N2), ...i32(3), ...shl, ...tee(RB), ...sub, ...set(PU), ...w.while(get(ROWS), row)];
}

export function stencilModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes([
    { name: 'grad2', params: [I32, I32, I32, I32, I32], locals: [[2, I32], [1, V128]], body: grad2() },
    { name: 'div2', params: [I32, I32, I32, I32, I32], locals: [[3, I32]], body: div2() },
  ]);
}
