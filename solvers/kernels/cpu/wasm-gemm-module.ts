/**
 * @module A hand-assembled WebAssembly SIMD (f64x2) GEMM inner kernel, emitted as bytes (no toolchain). It computes
 * C[4i.., 4j..] += Ã_i·B̃_j for every 4×4 block of a packed row-panel block, where Ã_i holds 4 rows of op(A) packed
 * k-major (a[p·4 + r]) and B̃_j holds 4 columns of op(B) packed k-major (b[p·4 + c]). The 4×4 register tile keeps
 * eight f64x2 accumulators (BLIS/Goto micro-kernel: 8 mul + 8 add per 2 loads of B and 4 broadcast loads of A).
 *
 * Export `block(mPanels, nPanels, kc, aPtr, bPtr, cPtr, ldcBytes)` (byte addresses); memory imported as env.mem.
 */

import { I32, V128, section, sleb, str, uleb, vec } from './wasm-encoding.js';

// Opcodes used.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const shl = [0x74];
const ltu = [0x49];
const loop = (body: number[]) => [0x03, 0x40, ...body, 0x0b];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const vload = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
const vstore = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const splat64 = (offset: number) => [...simd(0x0a), 3, ...uleb(offset)];
const f64x2Add = simd(0xf0);
const f64x2Mul = simd(0xf2);

// Locals: params 0..6 = mPanels, nPanels, kc, aPtr, bPtr, cPtr, ldc; then i32 jr, ir, p, aP, bP, cP, rowP;
// then v128 c0..c7, b0, b1, a.
const [M_PANELS, N_PANELS, KC, A_PTR, B_PTR, C_PTR, LDC] = [0, 1, 2, 3, 4, 5, 6];
const [JR, IR, P, AP, BP, CP, ROWP] = [7, 8, 9, 10, 11, 12, 13];
const CACC = 14; // c0..c7 = 14..21
const [B0, B1, AV] = [22, 23, 24];

function body(): number[] {
  const code: number[] = [];
  // Load or store the 4×4 tile of C: row r at CP + r·ldc, two f64x2 per row.
  const tile = (store: boolean) => {
    const t: number[] = [];
    for (let r = 0; r < 4; r++) {
      t.push(...get(CP));
      if (r > 0) t.push(...get(LDC), ...i32c(r), ...mul, ...add);
      t.push(...set(ROWP));
      for (let h = 0; h < 2; h++) {
        if (store) t.push(...get(ROWP), ...get(CACC + 2 * r + h), ...vstore(16 * h));
        else t.push(...get(ROWP), ...vload(16 * h), ...set(CACC + 2 * r + h));
      }
    }
    return t;
  };
  const step: number[] = [];
  step.push(...get(BP), ...vload(0), ...set(B0), ...get(BP), ...vload(16), ...set(B1));
  for (let r = 0; r < 4; r++) {
    step.push(...get(AP), ...splat64(8 * r), ...set(AV));
    for (let h = 0; h < 2; h++) {
      step.push(...get(CACC + 2 * r + h), ...get(AV), ...get(h === 0 ? B0 : B1), ...f64x2Mul, ...f64x2Add, ...set(CACC + 2 * r + h));
    }
  }
  step.push(...get(AP), ...i32c(32), ...add, ...set(AP), ...get(BP), ...i32c(32), ...add, ...set(BP));
  step.push(...get(P), ...i32c(1), ...sub, ...set(P), ...get(P), ...brIf(0));

  const irBody: number[] = [
    // cP = cPtr + ir·4·ldc + jr·32
    ...get(C_PTR), ...get(IR), ...get(LDC), ...mul, ...i32c(2), ...shl, ...add, ...get(JR), ...i32c(5), ...shl, ...add, ...set(CP),
    // aP = aPtr + ir·kc·32, bP = bPtr + jr·kc·32
    ...get(A_PTR), ...get(IR), ...get(KC), ...mul, ...i32c(5), ...shl, ...add, ...set(AP),
    ...get(B_PTR), ...get(JR), ...get(KC), ...mul, ...i32c(5), ...shl, ...add, ...set(BP),
    ...tile(false),
    ...get(KC), ...set(P),
    ...loop(step),
    ...tile(true),
    ...get(IR), ...i32c(1), ...add, ...set(IR), ...get(IR), ...get(M_PANELS), ...ltu, ...brIf(0),
  ];
  const jrBody: number[] = [...i32c(0), ...set(IR), ...loop(irBody), ...get(JR), ...i32c(1), ...add, ...set(JR), ...get(JR), ...get(N_PANELS), ...ltu, ...brIf(0)];
  code.push(...i32c(0), ...set(JR), ...loop(jrBody), 0x0b);
  const locals = vec([[...uleb(7), I32], [...uleb(11), V128]]);
  return [...locals, ...code];
}

export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
  const type = section(1, vec([[0x60, ...vec(new Array(7).fill([I32])), 0]]));
  const imports = section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec([[0]]));
  const exports = section(7, vec([[...str('block'), 0x00, 0]]));
  const b = body();
  const code = section(10, vec([[...uleb(b.length), ...b]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}
