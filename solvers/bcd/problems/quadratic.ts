/**
 * @module Sparse quadratics f(x) = ½xᵀQx − cᵀx (specs/bcd.md §1.2, §2.1) and label propagation reduced to one
 * (Q = (diag(deg) − W)[U,U] with the full degree, c_i = Σ_{j labelled} W_ij y_j). The gradient g = Qx − c and f are
 * maintained exactly from the changed block: g += Q[:,b]d, f += g_bᵀd + ½dᵀQ_bb d, and `changed` = b ∪ N(b), so a
 * greedy iteration touches O(τ(Δ+1)) scores.
 */
import type { CsrMatrix } from '../../../shared/index.js';
import type { Model } from './model.js';

export interface SparseSym {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Canonical CSR: columns ascending per row, duplicates summed, explicit zeros dropped. */
export function canonicalCsr(S: CsrMatrix): SparseSym {
  const n = S.shape[0];
  const indptr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let k = S.indptr[i]; k < S.indptr[i + 1]; k++) order.push(k);
    order.sort((a, b) => S.indices[a] - S.indices[b]);
    let last = -1;
    for (const k of order) {
      const j = S.indices[k];
      if (j === last) vals[vals.length - 1] += S.values[k];
      else {
        cols.push(j);
        vals.push(S.values[k]);
        last = j;
      }
    }
    indptr[i + 1] = cols.length;
  }
  return dropZeros({ n, indptr, indices: Int32Array.from(cols), values: Float64Array.from(vals) });
}

function dropZeros(S: SparseSym): SparseSym {
  const { n } = S;
  const indptr = new Int32Array(n + 1);
  let w = 0;
  const indices = new Int32Array(S.indices.length);
  const values = new Float64Array(S.values.length);
  for (let i = 0; i < n; i++) {
    for (let k = S.indptr[i]; k < S.indptr[i + 1]; k++) {
      if (S.values[k] === 0) continue;
      indices[w] = S.indices[k];
      values[w++] = S.values[k];
    }
    indptr[i + 1] = w;
  }
  return { n, indptr, indices: indices.slice(0, w), values: values.slice(0, w) };
}

export interface LabelPropagationReduction {
  Q: SparseSym;
  c: Float64Array;
  /** unknown k ↦ node index. */
  unknowns: Int32Array;
  N: number;
  labelIdx: Int32Array;
  labelVal: Float64Array;
}

/** Q = (diag(deg) − W)[U,U], c = W[U,L]y_L (diagonal of W ignored, full degree on the diagonal). */
export function reduceLabelPropagation(W: CsrMatrix, labels: { indices: number[]; values: number[] }): LabelPropagationReduction {
  const Wc = canonicalCsr(W);
  const N = Wc.n;
  const yl = new Float64Array(N);
  const isLab = new Uint8Array(N);
  for (let k = 0; k < labels.indices.length; k++) {
    isLab[labels.indices[k]] = 1;
    yl[labels.indices[k]] = labels.values[k];
  }
  const pos = new Int32Array(N).fill(-1);
  const unknowns: number[] = [];
  for (let i = 0; i < N; i++) if (!isLab[i]) pos[i] = unknowns.push(i) - 1;
  const n = unknowns.length;
  const indptr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const c = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const i = unknowns[u];
    let deg = 0;
    for (let k = Wc.indptr[i]; k < Wc.indptr[i + 1]; k++) if (Wc.indices[k] !== i) deg += Wc.values[k];
    let diagDone = false;
    for (let k = Wc.indptr[i]; k < Wc.indptr[i + 1]; k++) {
      const j = Wc.indices[k];
      if (j === i) continue;
      if (isLab[j]) {
        c[u] += Wc.values[k] * yl[j];
        continue;
      }
      const v = pos[j];
      if (!diagDone && v > u) {
        cols.push(u);
        vals.push(deg);
        diagDone = true;
      }
      cols.push(v);
      vals.push(-Wc.values[k]);
    }
    if (!diagDone) {
      // insert the diagonal in column order
      const start = indptr[u];
      let at = cols.length;
      for (let q = start; q < cols.length; q++)
        if (cols[q] > u) {
          at = q;
          break;
        }
      cols.splice(at, 0, u);
      vals.splice(at, 0, deg);
    }
    indptr[u + 1] = cols.length;
  }
  return {
    Q: dropZeros({ n, indptr, indices: Int32Array.from(cols), values: Float64Array.from(vals) }),
    c,
    unknowns: Int32Array.from(unknowns),
    N,
    labelIdx: Int32Array.from(labels.indices),
    labelVal: Float64Array.from(labels.values),
  };
}

export class QuadraticModel implements Model {
  readonly kind: 'quadratic' | 'label-propagation';
  readonly n: number;
  readonly x: Float64Array;
  readonly L: Float64Array;
  readonly g: Float64Array;
  readonly lambda = 0;
  readonly l1 = false;
  readonly nonneg = false;
  readonly quadratic = true;
  readonly incremental = true;
  readonly changed: Int32Array;
  changedCount = 0;
  readonly graph: { indptr: Int32Array; indices: Int32Array; values: Float64Array };
  readonly warnings: string[] = [];
  /** Q_ii. */
  readonly diag: Float64Array;
  private fval = 0;
  private readonly mark: Uint8Array;
  private readonly pos: Int32Array;

  constructor(
    readonly Q: SparseSym,
    readonly c: Float64Array,
    kind: 'quadratic' | 'label-propagation',
    x0?: ArrayLike<number>,
  ) {
    this.kind = kind;
    const n = Q.n;
    this.n = n;
    this.x = new Float64Array(n);
    if (x0) this.x.set(x0);
    this.g = new Float64Array(n);
    this.diag = new Float64Array(n);
    // Graph without the diagonal.
    const gp = new Int32Array(n + 1);
    let nnzOff = 0;
    for (let i = 0; i < n; i++) {
      for (let k = Q.indptr[i]; k < Q.indptr[i + 1]; k++) {
        if (Q.indices[k] === i) this.diag[i] += Q.values[k];
        else nnzOff++;
      }
      gp[i + 1] = nnzOff;
    }
    const gi = new Int32Array(nnzOff);
    const gv = new Float64Array(nnzOff);
    let w = 0;
    for (let i = 0; i < n; i++) {
      for (let k = Q.indptr[i]; k < Q.indptr[i + 1]; k++) {
        if (Q.indices[k] === i) continue;
        gi[w] = Q.indices[k];
        gv[w++] = Q.values[k];
      }
    }
    this.graph = { indptr: gp, indices: gi, values: gv };
    this.L = this.diag;
    let maxDeg = 0;
    for (let i = 0; i < n; i++) maxDeg = Math.max(maxDeg, gp[i + 1] - gp[i]);
    this.changed = new Int32Array(n);
    this.mark = new Uint8Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.resync();
  }

  /** Maximum off-diagonal nonzeros per row (Δ). */
  maxDegree(): number {
    let d = 0;
    const p = this.graph.indptr;
    for (let i = 0; i < this.n; i++) d = Math.max(d, p[i + 1] - p[i]);
    return d;
  }

  resync(): void {
    const { Q, x, g, c, n } = this;
    let f = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = Q.indptr[i]; k < Q.indptr[i + 1]; k++) s += Q.values[k] * x[Q.indices[k]];
      g[i] = s - c[i];
      f += x[i] * (0.5 * s - c[i]);
    }
    this.fval = f;
  }

  refreshGradient(): void {
    // g is maintained exactly; nothing to do.
  }

  blockGradient(b: Int32Array, len: number, out: Float64Array): void {
    for (let k = 0; k < len; k++) out[k] = this.g[b[k]];
  }

  f(): number {
    return this.fval;
  }

  /** g_bᵀd + ½dᵀQ_bb d (the exact change of f). */
  private delta(b: Int32Array, len: number, d: Float64Array): number {
    const { pos, graph, g, diag } = this;
    let lin = 0;
    let quad = 0;
    for (let k = 0; k < len; k++) pos[b[k]] = k;
    for (let k = 0; k < len; k++) {
      const i = b[k];
      const di = d[k];
      if (di === 0) continue;
      lin += g[i] * di;
      quad += diag[i] * di * di;
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const q = pos[graph.indices[p]];
        if (q >= 0) quad += graph.values[p] * di * d[q];
      }
    }
    for (let k = 0; k < len; k++) pos[b[k]] = -1;
    return lin + 0.5 * quad;
  }

  apply(b: Int32Array, len: number, d: Float64Array): void {
    this.fval += this.delta(b, len, d);
    const { graph, g, diag, x, mark, changed } = this;
    let cnt = 0;
    for (let k = 0; k < len; k++) {
      const i = b[k];
      if (!mark[i]) {
        mark[i] = 1;
        changed[cnt++] = i;
      }
    }
    for (let k = 0; k < len; k++) {
      const i = b[k];
      const di = d[k];
      if (di === 0) continue;
      x[i] += di;
      g[i] += diag[i] * di;
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const j = graph.indices[p];
        g[j] += graph.values[p] * di;
        if (!mark[j]) {
          mark[j] = 1;
          changed[cnt++] = j;
        }
      }
    }
    for (let t = 0; t < cnt; t++) mark[changed[t]] = 0;
    this.changedCount = cnt;
  }

  trialF(b: Int32Array, len: number, d: Float64Array): number {
    return this.fval + this.delta(b, len, d);
  }

  hessBound(b: Int32Array, len: number, out: Float64Array): void {
    const { pos, graph, diag } = this;
    out.fill(0, 0, len * len);
    for (let k = 0; k < len; k++) pos[b[k]] = k;
    for (let k = 0; k < len; k++) {
      const i = b[k];
      out[k * len + k] = diag[i];
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const q = pos[graph.indices[p]];
        if (q >= 0) out[k * len + q] += graph.values[p];
      }
    }
    for (let k = 0; k < len; k++) pos[b[k]] = -1;
  }

  hessTrue(b: Int32Array, len: number, out: Float64Array): void {
    this.hessBound(b, len, out);
  }

  hv(v: Float64Array, out: Float64Array): void {
    const { Q, n } = this;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = Q.indptr[i]; k < Q.indptr[i + 1]; k++) s += Q.values[k] * v[Q.indices[k]];
      out[i] = s;
    }
  }

  gershgorin(): Float64Array {
    const { Q, n } = this;
    const D = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = Q.indptr[i]; k < Q.indptr[i + 1]; k++) D[i] += Math.abs(Q.values[k]);
    return D;
  }
}
