/**
 * @module Seeded generators of the paper's data sets A–E (specs/bcd.md §4.1) and the complexity-test lattice (§4.2),
 * as bcd problems (CSR matrices), with f* recomputed (Decision 15): 0 for A, B, C (consistent / separable), and
 * −½cᵀQ⁻¹c by Jacobi-preconditioned CG to 1e−14 for the label-propagation sets D, E. `scale` shrinks A–C for CI.
 */
import type { BcdProblem, CsrMatrix } from '../../shared/index.js';
import { createRng, type Rng } from '../core/index.js';
import { QuadraticModel, canonicalCsr, reduceLabelPropagation } from './problems/quadratic.js';

export interface DataSet {
  name: string;
  problem: BcdProblem;
  /** Optimal value (or infimum) of f. */
  fStar: number;
}

/** Recipe (1)–(3) of set A: A_ij = (N(0,1) + 1)·s_j, s_j = 10·N(0,1), kept with probability 10·ln(m)/m; CSR. */
function sparseDesign(m: number, n: number, rng: Rng): CsrMatrix {
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = 10 * rng.normal();
  const keep = Math.min(1, (10 * Math.log(m)) / m);
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = (rng.normal() + 1) * s[j];
      if (rng.next() < keep) {
        indices.push(j);
        values.push(v);
      }
    }
    indptr.push(indices.length);
  }
  return { shape: [m, n], indptr, indices, values };
}

function csrTimes(A: CsrMatrix, w: Float64Array): Float64Array {
  const out = new Float64Array(A.shape[0]);
  for (let i = 0; i < A.shape[0]; i++) {
    let s = 0;
    for (let k = A.indptr[i]; k < A.indptr[i + 1]; k++) s += A.values[k] * w[A.indices[k]];
    out[i] = s;
  }
  return out;
}

function sparseTruth(n: number, rng: Rng): Float64Array {
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const v = rng.normal();
    w[j] = rng.next() < 0.1 ? v : 0;
  }
  return w;
}

export function dataSetA(scale = 1, seed = 1): DataSet {
  const rng = createRng(seed);
  const m = Math.max(50, Math.round(1000 * scale));
  const n = Math.max(100, Math.round(10000 * scale));
  const A = sparseDesign(m, n, rng);
  const w = sparseTruth(n, rng);
  const y = csrTimes(A, w);
  for (let i = 0; i < m; i++) y[i] += rng.normal();
  return { name: 'A', problem: { kind: 'least-squares', A, b: Array.from(y) }, fStar: 0 };
}

/** A-L1: lasso on A (standard, or the paper's nonnegative variant); f* must be computed by a solve. */
export function dataSetAL1(scale = 1, seed = 1, lambda = 5e4, nonnegative = false): DataSet {
  const a = dataSetA(scale, seed);
  const p = a.problem as Extract<BcdProblem, { kind: 'least-squares' }>;
  return { name: nonnegative ? 'A-L1+' : 'A-L1', problem: { kind: 'lasso', A: p.A, b: p.b, lambda, nonnegative }, fStar: Number.NaN };
}

export function dataSetB(scale = 1, seed = 1): DataSet {
  const rng = createRng(seed + 1000);
  const m = Math.max(50, Math.round(1000 * scale));
  const n = Math.max(100, Math.round(10000 * scale));
  const A = sparseDesign(m, n, rng);
  const w = sparseTruth(n, rng);
  const z = csrTimes(A, w);
  const y = Array.from(z, (v) => {
    const s = v >= 0 ? 1 : -1;
    return rng.next() < 0.1 ? -s : s;
  });
  return { name: 'B', problem: { kind: 'logistic', A, y, lambda2: 0 }, fStar: 0 };
}

export function dataSetC(scale = 1, seed = 1, classes = 50): DataSet {
  const rng = createRng(seed + 2000);
  const m = Math.max(50, Math.round(1000 * scale));
  const n = Math.max(20, Math.round(1000 * scale));
  const A = sparseDesign(m, n, rng);
  const Wt = new Float64Array(n * classes);
  rng.fillNormal(Wt);
  const labels: number[] = [];
  for (let i = 0; i < m; i++) {
    let best = -1;
    let bv = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      let s = rng.normal();
      for (let k = A.indptr[i]; k < A.indptr[i + 1]; k++) s += A.values[k] * Wt[A.indices[k] * classes + c];
      if (s > bv) {
        bv = s;
        best = c;
      }
    }
    labels.push(best);
  }
  return { name: 'C', problem: { kind: 'multinomial-logistic', A, labels, classes }, fStar: 0 };
}

function symmetricFromEdges(N: number, edges: Map<number, number>): CsrMatrix {
  const rows: number[][] = Array.from({ length: N }, () => []);
  for (const [key, w] of edges) {
    const i = Math.floor(key / N);
    const j = key - i * N;
    rows[i].push(j, w);
  }
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < N; i++) {
    const pairs: [number, number][] = [];
    for (let t = 0; t < rows[i].length; t += 2) pairs.push([rows[i][t], rows[i][t + 1]]);
    pairs.sort((a, b) => a[0] - b[0]);
    for (const [j, w] of pairs) {
      indices.push(j);
      values.push(w);
    }
    indptr.push(indices.length);
  }
  return { shape: [N, N], indptr, indices, values };
}

/** 4-neighbour lattice side×side, node (r, c) at r + side·c, weight w; `labelled` distinct nodes with values. */
export function latticeProblem(side: number, weight: number, labelled: number, valueStd: number, rng: Rng): BcdProblem {
  const N = side * side;
  const edges = new Map<number, number>();
  const add = (a: number, b: number) => {
    edges.set(a * N + b, weight);
    edges.set(b * N + a, weight);
  };
  for (let c = 0; c < side; c++) {
    for (let r = 0; r < side; r++) {
      const i = r + side * c;
      if (r + 1 < side) add(i, i + 1);
      if (c + 1 < side) add(i, i + side);
    }
  }
  const perm = new Int32Array(N);
  for (let i = 0; i < N; i++) perm[i] = i;
  // partial Fisher–Yates: `labelled` distinct nodes uniformly without replacement
  for (let t = 0; t < labelled; t++) {
    const j = t + rng.int(N - t);
    [perm[t], perm[j]] = [perm[j], perm[t]];
  }
  const indices = Array.from(perm.subarray(0, labelled));
  const values = indices.map(() => valueStd * rng.normal());
  return { kind: 'label-propagation', W: symmetricFromEdges(N, edges), labels: { indices, values } };
}

export function dataSetD(seed = 1): DataSet {
  const problem = latticeProblem(50, 1e5, 100, 10, createRng(seed + 3000));
  return { name: 'D', problem, fStar: quadraticFStar(problem) };
}

export function dataSetE(seed = 1, points = 2000, labelled = 100): DataSet {
  const rng = createRng(seed + 4000);
  const u = new Float64Array(points);
  rng.fillUniform(u);
  let n1 = 0;
  for (const v of u) if (v < 0.5) n1++;
  const X = new Float64Array(points * 2);
  for (let i = 0; i < points; i++) {
    const phi = Math.PI * rng.next();
    if (i < n1) {
      X[2 * i] = Math.cos(phi);
      X[2 * i + 1] = Math.sin(phi);
    } else {
      X[2 * i] = 1 + Math.cos(phi);
      X[2 * i + 1] = -Math.sin(phi) + 0.5;
    }
    X[2 * i] += 0.2 * rng.normal();
    X[2 * i + 1] += 0.2 * rng.normal();
  }
  const edges = new Map<number, number>();
  const dist = new Float64Array(points);
  const K = 5;
  for (let i = 0; i < points; i++) {
    for (let j = 0; j < points; j++) {
      const dx = X[2 * i] - X[2 * j];
      const dy = X[2 * i + 1] - X[2 * j + 1];
      dist[j] = j === i ? Number.POSITIVE_INFINITY : dx * dx + dy * dy;
    }
    const best: number[] = [];
    for (let j = 0; j < points; j++) {
      if (best.length < K) {
        best.push(j);
        best.sort((a, b) => dist[a] - dist[b] || a - b);
      } else if (dist[j] < dist[best[K - 1]]) {
        best[K - 1] = j;
        best.sort((a, b) => dist[a] - dist[b] || a - b);
      }
    }
    for (const j of best) {
      edges.set(i * points + j, 1);
      edges.set(j * points + i, 1);
    }
  }
  const perm = new Int32Array(points);
  for (let i = 0; i < points; i++) perm[i] = i;
  rng.shuffle(perm);
  const indices = Array.from(perm.subarray(0, labelled));
  const values = indices.map((i) => (i < n1 ? 1 : 2));
  const problem: BcdProblem = { kind: 'label-propagation', W: symmetricFromEdges(points, edges), labels: { indices, values } };
  return { name: 'E', problem, fStar: quadraticFStar(problem) };
}

/** Complexity-test lattice (§4.2): weight 1, 1 % labelled with N(0,1) values. */
export function complexityLattice(side: number, seed = 1): BcdProblem {
  const N = side * side;
  return latticeProblem(side, 1, Math.max(1, Math.round(0.01 * N)), 1, createRng(seed + 5000));
}

/** x* = Q⁻¹c by Jacobi-preconditioned CG (relative residual 1e−14); returns x*. */
export function quadraticMinimiser(model: QuadraticModel): Float64Array {
  const n = model.n;
  const x = new Float64Array(n);
  const r = model.c.slice();
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  const dg = model.diag;
  let cn = 0;
  for (let i = 0; i < n; i++) cn += r[i] * r[i];
  cn = Math.sqrt(cn);
  for (let i = 0; i < n; i++) p[i] = z[i] = r[i] / dg[i];
  let rz = 0;
  for (let i = 0; i < n; i++) rz += r[i] * z[i];
  for (let it = 0; it < 20 * n + 1000; it++) {
    model.hv(p, q);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    const a = rz / pq;
    let rn = 0;
    for (let i = 0; i < n; i++) {
      x[i] += a * p[i];
      r[i] -= a * q[i];
      rn += r[i] * r[i];
    }
    if (Math.sqrt(rn) <= 1e-14 * cn) break;
    let rz2 = 0;
    for (let i = 0; i < n; i++) {
      z[i] = r[i] / dg[i];
      rz2 += r[i] * z[i];
    }
    const beta = rz2 / rz;
    rz = rz2;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return x;
}

/** f* = −½cᵀQ⁻¹c of a quadratic / label-propagation problem. */
export function quadraticFStar(problem: BcdProblem): number {
  let model: QuadraticModel;
  if (problem.kind === 'label-propagation') {
    const red = reduceLabelPropagation(problem.W, problem.labels);
    model = new QuadraticModel(red.Q, red.c, 'label-propagation');
  } else if (problem.kind === 'quadratic') {
    model = new QuadraticModel(canonicalCsr(problem.Q), Float64Array.from(problem.c), 'quadratic');
  } else throw new Error('quadraticFStar needs a quadratic problem');
  const xs = quadraticMinimiser(model);
  let s = 0;
  for (let i = 0; i < model.n; i++) s += model.c[i] * xs[i];
  return -0.5 * s;
}
