/**
 * @module Forest blocks and message passing for sparse quadratics (specs/bcd.md §1.7, §2.4, §2.7): the greedy forest
 * (nodes in key order, a node joins unless two chosen neighbours share a tree; union-find), the forest partition,
 * red-black colouring (BFS 2-colouring, else greedy colouring), and the exact solve Q_bb d = −g_b on a forest by
 * Gaussian elimination in tree order (exact Gaussian BP), O(|b| + nnz(Q_{b,b})).
 */
import { SolverError } from '../../shared/index.js';

export interface Graph {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Union-find with path halving and union by size; `reset(list)` clears only the touched nodes. */
export class UnionFind {
  readonly parent: Int32Array;
  readonly rank: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.rank = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.rank[ra] < this.rank[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    if (this.rank[ra] === this.rank[rb]) this.rank[ra]++;
  }
  resetNodes(list: Int32Array, len: number): void {
    for (let k = 0; k < len; k++) {
      this.parent[list[k]] = list[k];
      this.rank[list[k]] = 0;
    }
  }
}

/**
 * Greedy forest: visit `order[0..n)` and add node i unless two of its already-chosen neighbours lie in the same tree.
 * Writes the block (ascending) into out; returns its length. `inB` (zeroed on entry and exit) and `roots` are scratch.
 */
export function greedyForest(order: Int32Array, graph: Graph, uf: UnionFind, inB: Uint8Array, roots: Int32Array, out: Int32Array): number {
  const n = order.length;
  let len = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t];
    let nr = 0;
    let ok = true;
    for (let p = graph.indptr[i]; p < graph.indptr[i + 1] && ok; p++) {
      const j = graph.indices[p];
      if (!inB[j]) continue;
      const r = uf.find(j);
      for (let q = 0; q < nr; q++) {
        if (roots[q] === r) {
          ok = false;
          break;
        }
      }
      roots[nr++] = r;
    }
    if (!ok) continue;
    inB[i] = 1;
    out[len++] = i;
    for (let q = 0; q < nr; q++) uf.union(i, roots[q]);
  }
  for (let k = 0; k < len; k++) inB[out[k]] = 0;
  uf.resetNodes(out, len);
  out.subarray(0, len).sort();
  return len;
}

/** Node order for forest partition / colouring: decreasing L_i (ties lower index), or index order. */
export function graphOrder(L: Float64Array, by: 'lipschitz' | 'index'): Int32Array {
  const n = L.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (by === 'lipschitz') {
    const arr = Array.from(order);
    arr.sort((a, b) => L[b] - L[a] || a - b);
    order.set(arr);
  }
  return order;
}

/** Forest partition (§2.7): each node joins the first forest it keeps acyclic, else opens a new one. */
export function forestPartition(order: Int32Array, graph: Graph): Int32Array[] {
  const n = order.length;
  const forestOf = new Int32Array(n).fill(-1);
  const uf = new UnionFind(n);
  const roots = new Int32Array(n);
  let nForests = 0;
  for (const i of order) {
    let placed = -1;
    for (let f = 0; f < nForests && placed < 0; f++) {
      let nr = 0;
      let ok = true;
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1] && ok; p++) {
        const j = graph.indices[p];
        if (forestOf[j] !== f) continue;
        const r = uf.find(j);
        for (let q = 0; q < nr; q++)
          if (roots[q] === r) {
            ok = false;
            break;
          }
        roots[nr++] = r;
      }
      if (ok) {
        placed = f;
        for (let q = 0; q < nr; q++) uf.union(i, roots[q]);
      }
    }
    if (placed < 0) placed = nForests++;
    forestOf[i] = placed;
  }
  return classes(forestOf, nForests);
}

function classes(label: Int32Array, k: number): Int32Array[] {
  const counts = new Int32Array(k);
  for (const c of label) counts[c]++;
  const out = Array.from({ length: k }, (_, c) => new Int32Array(counts[c]));
  const fill = new Int32Array(k);
  for (let i = 0; i < label.length; i++) out[label[i]][fill[label[i]]++] = i;
  return out;
}

/** Red-black colouring (§2.7): exact BFS 2-colouring if the graph is bipartite, else greedy colouring in `order`. */
export function redBlack(order: Int32Array, graph: Graph): Int32Array[] {
  const n = order.length;
  const colour = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let bipartite = true;
  for (let s = 0; s < n && bipartite; s++) {
    if (colour[s] >= 0) continue;
    colour[s] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail && bipartite) {
      const u = queue[head++];
      for (let p = graph.indptr[u]; p < graph.indptr[u + 1]; p++) {
        const v = graph.indices[p];
        if (colour[v] < 0) {
          colour[v] = 1 - colour[u];
          queue[tail++] = v;
        } else if (colour[v] === colour[u]) {
          bipartite = false;
          break;
        }
      }
    }
  }
  if (bipartite) {
    let k = 0;
    for (const c of colour) k = Math.max(k, c + 1);
    return classes(colour, k).filter((c) => c.length > 0);
  }
  colour.fill(-1);
  const used = new Int32Array(n + 1).fill(-1);
  let k = 0;
  for (const i of order) {
    for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
      const c = colour[graph.indices[p]];
      if (c >= 0) used[c] = i;
    }
    let c = 0;
    while (used[c] === i) c++;
    colour[i] = c;
    k = Math.max(k, c + 1);
  }
  return classes(colour, k);
}

/** Scratch for `forestSolve` (length n each). */
export class ForestWorkspace {
  readonly pos: Int32Array;
  readonly parent: Int32Array;
  readonly order: Int32Array;
  readonly w: Float64Array;
  readonly dg: Float64Array;
  readonly h: Float64Array;
  constructor(n: number) {
    this.pos = new Int32Array(n).fill(-1);
    this.parent = new Int32Array(n);
    this.order = new Int32Array(n);
    this.w = new Float64Array(n);
    this.dg = new Float64Array(n);
    this.h = new Float64Array(n);
  }
}

/**
 * Solves Q_bb d = rhs (rhs[k] for node b[k]) when the subgraph induced by b is a forest: BFS-root every tree, eliminate
 * leaves upward, back-substitute downward. Throws "Q is not positive definite" on a non-positive pivot.
 */
export function forestSolve(graph: Graph, diag: Float64Array, b: Int32Array, len: number, rhs: Float64Array, d: Float64Array, ws: ForestWorkspace): void {
  const { pos, parent, order, w, dg, h } = ws;
  for (let k = 0; k < len; k++) {
    pos[b[k]] = k;
    parent[k] = -2; // unvisited
  }
  let cnt = 0;
  for (let s = 0; s < len; s++) {
    if (parent[s] !== -2) continue;
    parent[s] = -1;
    w[s] = 0;
    let head = cnt;
    order[cnt++] = s;
    while (head < cnt) {
      const u = order[head++];
      const i = b[u];
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const v = pos[graph.indices[p]];
        if (v < 0 || v === parent[u] || parent[v] !== -2) continue;
        parent[v] = u;
        w[v] = graph.values[p];
        order[cnt++] = v;
      }
    }
  }
  for (let k = 0; k < len; k++) {
    dg[k] = diag[b[k]];
    h[k] = rhs[k];
  }
  for (let t = len - 1; t >= 0; t--) {
    const u = order[t];
    if (!(dg[u] > 0)) {
      for (let k = 0; k < len; k++) pos[b[k]] = -1;
      throw new SolverError('Q is not positive definite');
    }
    const p = parent[u];
    if (p >= 0) {
      dg[p] -= (w[u] * w[u]) / dg[u];
      h[p] -= (w[u] * h[u]) / dg[u];
    }
  }
  for (let t = 0; t < len; t++) {
    const u = order[t];
    const p = parent[u];
    d[u] = (h[u] - (p >= 0 ? w[u] * d[p] : 0)) / dg[u];
  }
  for (let k = 0; k < len; k++) pos[b[k]] = -1;
}
