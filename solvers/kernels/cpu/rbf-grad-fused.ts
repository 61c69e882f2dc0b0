/**
 * @module The fused GP mean gradient of the ROOT walks (specs/root.md §8): ∇m(y_j) = Σ_i w_ji·x_i − (Σ_i w_ji)·y_j with
 * w_ji = α_i·(s2/ℓ²)·exp(−max(|x_i|² + |y_j|² − 2·y_j·x_i, 0)/(2ℓ²)), computed by wasm-rbf-grad-module.ts in one pass over
 * X per tile of 4 walkers (no S or W matrices, no GEMM packing). X is copied into the wasm memory once per call (n·(d+2)
 * doubles, against m·n·d of work), in chunks of rows that stay in L2 while every walker tile passes over them. Results are
 * bit-identical to rbf.ts's GEMM path (same operations in the same order); deterministic for any m, n, d ≤ FUSED_MAX_D.
 */
import type { F64 } from '../ops.js';
import { EXP_TABLES_BYTES, type ExpMemory, expMemory, expMemoryView } from './fast-exp.js';
import { SCRATCH_BYTES, TILE_ROWS, TILE_WALKERS, gTileStride, rbfGradModuleBytes, rowStride, yTileStride } from './wasm-rbf-grad-module.js';

/** Largest dimension with a fused module (the module is unrolled over d). */
export const FUSED_MAX_D = 64;
/** Doubles of X per chunk (≈ 192 KiB, inside L2 with the tiles' Y and accumulators). */
const CHUNK_DOUBLES = 24_576;
/** Walker tiles per wasm call (calls are short, so a freshly tiered-up module is picked up early). */
const GROUP_TILES = 32;
const SCRATCH = Math.ceil(EXP_TABLES_BYTES / 64) * 64;
const DATA = Math.ceil((SCRATCH + SCRATCH_BYTES) / 64) * 64;

type TilesFn = (xPtr: number, rows: number, yPtr: number, gPtr: number, count: number, g: number) => void;

interface FusedWasm extends ExpMemory {
  byDim: Map<number, TilesFn>;
}

let wasm: FusedWasm | null | undefined;

function loadWasm(): FusedWasm | null {
  if (wasm !== undefined) return wasm;
  try {
    wasm = { ...expMemory(), byDim: new Map() };
    tilesFor(wasm, 2); // validates SIMD support on this host
  } catch {
    wasm = null; // no WebAssembly SIMD on this host
  }
  return wasm;
}

function tilesFor(fw: FusedWasm, d: number): TilesFn {
  let fn = fw.byDim.get(d);
  if (fn === undefined) {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(rbfGradModuleBytes(d, fw.consts, SCRATCH)), { env: { mem: fw.mem } });
    fn = inst.exports.tiles as TilesFn;
    fw.byDim.set(d, fn);
  }
  return fn;
}

/** True when rbfMeanGradFused runs for dimension d on this host. */
export function usesFusedRbfGrad(d: number): boolean {
  return d >= 1 && d <= FUSED_MAX_D && loadWasm() !== null;
}

/** G[m×d] = ∇m(Y_j) (see the module comment); returns false (G untouched) when unavailable for this d or host. */
export function rbfMeanGradFused(n: number, m: number, d: number, X: F64, Y: F64, alpha: F64, lengthscale: number, s2: number, G: F64): boolean {
  if (!usesFusedRbfGrad(d)) return false;
  const fw = wasm!;
  const tiles = tilesFor(fw, d);
  const l2 = lengthscale * lengthscale;
  const g = -1 / (2 * l2);
  const coef = s2 / l2;
  const D2 = rowStride(d);
  const YT = yTileStride(d);
  const GT = gTileStride(d);
  const nPad = Math.ceil(n / TILE_ROWS) * TILE_ROWS;
  const nTiles = Math.ceil(m / TILE_WALKERS);
  const xo = DATA / 8;
  const yo = xo + nPad * D2;
  const go = yo + nTiles * YT;
  const f = expMemoryView(fw, 8 * (go + nTiles * GT));
  // X rows with |x|² (summed from c = 0) and a = α·s2/ℓ²; padding rows are zero (a = 0: weight 0)
  for (let i = 0; i < n; i++) {
    const src = i * d;
    const dst = xo + i * D2;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = X[src + c];
      f[dst + c] = v;
      s += v * v;
    }
    f[dst + d] = s;
    f[dst + d + 1] = alpha[i] * coef;
  }
  f.fill(0, xo + n * D2, yo);
  // Y tiles: walker 4t + 2q + lane at lane `lane` of pair q; |y|² after the d lane-pairs; padding walkers are zero
  for (let j = 0; j < nTiles * TILE_WALKERS; j++) {
    const base = yo + (j >> 2) * YT + ((j >> 1) & 1) * 2 * (d + 1) + (j & 1);
    let s = 0;
    if (j < m) {
      for (let c = 0; c < d; c++) {
        const v = Y[j * d + c];
        f[base + 2 * c] = v;
        s += v * v;
      }
    } else for (let c = 0; c < d; c++) f[base + 2 * c] = 0;
    f[base + 2 * d] = s;
  }
  f.fill(0, go, go + nTiles * GT);
  const chunk = Math.max(TILE_ROWS, Math.floor(CHUNK_DOUBLES / D2 / TILE_ROWS) * TILE_ROWS);
  for (let r0 = 0; r0 < nPad; r0 += chunk) {
    const rows = Math.min(chunk, nPad - r0);
    for (let t0 = 0; t0 < nTiles; t0 += GROUP_TILES) {
      tiles(8 * (xo + r0 * D2), rows, 8 * (yo + t0 * YT), 8 * (go + t0 * GT), Math.min(GROUP_TILES, nTiles - t0), g);
    }
  }
  // G = Σ w·x − (Σ_even w + Σ_odd w)·y
  for (let j = 0; j < m; j++) {
    const acc = go + (j >> 2) * GT + ((j >> 1) & 1) * 2 * d + (j & 1);
    const rsAt = go + (j >> 2) * GT + 4 * d + ((j >> 1) & 1) * 4 + (j & 1);
    const rs = f[rsAt] + f[rsAt + 2];
    for (let c = 0; c < d; c++) G[j * d + c] = f[acc + 2 * c] - rs * Y[j * d + c];
  }
  return true;
}
