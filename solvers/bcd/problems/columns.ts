/**
 * @module Column storage of A (specs/bcd.md §8 "Memory"): one CSC copy built from the dense row-major or CSR input
 * (exact zeros of dense input dropped), so that block products A_b d, A_bᵀw and Gram blocks A_bᵀDA_b cost
 * O(nnz(A_b)) and full gradients O(nnz(A)).
 */
import { isCsr, type Matrix } from '../../../shared/index.js';

export interface Csc {
  rows: number;
  cols: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

export function toCsc(A: Matrix): Csc {
  const [m, n] = A.shape;
  const ptr = new Int32Array(n + 1);
  if (isCsr(A)) {
    for (let k = 0; k < A.indices.length; k++) if (A.values[k] !== 0) ptr[A.indices[k] + 1]++;
  } else {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (A.data[i * n + j] !== 0) ptr[j + 1]++;
  }
  for (let j = 0; j < n; j++) ptr[j + 1] += ptr[j];
  const nnz = ptr[n];
  const idx = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  const next = ptr.slice(0, n);
  if (isCsr(A)) {
    for (let i = 0; i < m; i++) {
      for (let k = A.indptr[i]; k < A.indptr[i + 1]; k++) {
        const v = A.values[k];
        if (v === 0) continue;
        const p = next[A.indices[k]]++;
        idx[p] = i;
        val[p] = v;
      }
    }
    // Merge duplicate (row, col) entries, which CSR allows: rows are ascending per column, so duplicates are adjacent.
    let w = 0;
    const newPtr = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) {
      const start = w;
      for (let p = ptr[j]; p < ptr[j + 1]; p++) {
        if (w > start && idx[w - 1] === idx[p]) val[w - 1] += val[p];
        else {
          idx[w] = idx[p];
          val[w] = val[p];
          w++;
        }
      }
      newPtr[j + 1] = w;
    }
    return { rows: m, cols: n, ptr: newPtr, idx: idx.slice(0, w), val: val.slice(0, w) };
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = A.data[i * n + j];
      if (v === 0) continue;
      const p = next[j]++;
      idx[p] = i;
      val[p] = v;
    }
  }
  return { rows: m, cols: n, ptr, idx, val };
}

/** CSC from a column-major dense Float64Array (generators), exact zeros dropped. */
export function cscFromColumns(m: number, n: number, colMajor: Float64Array): Csc {
  const ptr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let i = 0; i < m; i++) if (colMajor[j * m + i] !== 0) c++;
    ptr[j + 1] = ptr[j] + c;
  }
  const idx = new Int32Array(ptr[n]);
  const val = new Float64Array(ptr[n]);
  let p = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const v = colMajor[j * m + i];
      if (v !== 0) {
        idx[p] = i;
        val[p++] = v;
      }
    }
  }
  return { rows: m, cols: n, ptr, idx, val };
}

/** Σ_k |(AᵀA)_{jk}| for every column j, via a temporary CSR copy: O(Σ_j Σ_{i ∈ rows(j)} nnz(row i)). */
export function gramAbsRowSums(A: Csc): Float64Array {
  const m = A.rows;
  const n = A.cols;
  const rptr = new Int32Array(m + 1);
  for (let p = 0; p < A.idx.length; p++) rptr[A.idx[p] + 1]++;
  for (let i = 0; i < m; i++) rptr[i + 1] += rptr[i];
  const ridx = new Int32Array(A.idx.length);
  const rval = new Float64Array(A.idx.length);
  const next = rptr.slice(0, m);
  for (let j = 0; j < n; j++) {
    for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) {
      const q = next[A.idx[p]]++;
      ridx[q] = j;
      rval[q] = A.val[p];
    }
  }
  const D = new Float64Array(n);
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const mark = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    let cnt = 0;
    for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) {
      const i = A.idx[p];
      const aij = A.val[p];
      for (let q = rptr[i]; q < rptr[i + 1]; q++) {
        const k = ridx[q];
        if (!mark[k]) {
          mark[k] = 1;
          touched[cnt++] = k;
        }
        acc[k] += aij * rval[q];
      }
    }
    let s = 0;
    for (let t = 0; t < cnt; t++) {
      const k = touched[t];
      s += Math.abs(acc[k]);
      acc[k] = 0;
      mark[k] = 0;
    }
    D[j] = s;
  }
  return D;
}
