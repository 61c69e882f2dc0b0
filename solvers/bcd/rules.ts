/**
 * @module Block selection rules (specs/bcd.md §1.3, §1.5, §2.2, §2.3, §2.5): cyclic, random, Lipschitz sampling, and
 * the greedy GS / GSL / GSD / GSQ rules (GS-q, GS-s for L1) for fixed and variable blocks, with scores kept in a
 * tournament tree so that an incremental model rescoring only b ∪ N(b) costs O(τ(Δ+1) log n); IHT for GSQ with
 * variable blocks; greedy-forest, forest-partition and red-black families for sparse quadratics.
 */
import type { BcdResolvedOptions } from '../../shared/index.js';
import type { Rng } from '../core/index.js';
import { BlockWorkspace, cholQuadForm, cholesky, lambdaMax } from './block-linalg.js';
import { UnionFind, greedyForest, type Graph } from './forest.js';
import type { Model } from './problems/model.js';
import { proxCoord } from './problems/model.js';
import { topK } from './top-k.js';
import { TournamentTree } from './tournament-tree.js';

export interface Selector {
  /** Writes the next block into out (ascending or ranked order); returns its length. */
  next(k: number, out: Int32Array): number;
  /** Rescore after an update (uses model.changed for incremental models, else everything). */
  refresh(): void;
  /** Rebuild all scores from scratch (start and resync). */
  rebuild(): void;
  /** Selection reads the full gradient (greedy): linear models must refresh it every iteration. */
  readonly greedy: boolean;
  /** Index of the fixed block last returned (−1 for variable blocks). */
  lastBlock: number;
  scoreUpdates(): number;
}

/** GS-q score q_i = −min_d [g d + (D/2) d² + ψ_i(x + d) − ψ_i(x)] (§1.5). */
export function gsqCoord(m: Model, i: number, D: number): number {
  if (!(D > 0)) return 0;
  const x = m.x[i];
  const g = m.g[i];
  const z = proxCoord(m, x - g / D, D);
  const d = z - x;
  const dpsi = m.nonneg ? m.lambda * d : m.lambda * (Math.abs(z) - Math.abs(x));
  return -(g * d + 0.5 * D * d * d + dpsi);
}

/** GS-s: min-norm subgradient magnitude. */
export function gssCoord(m: Model, i: number): number {
  const x = m.x[i];
  const g = m.g[i];
  const lam = m.lambda;
  if (m.nonneg) return x > 0 ? Math.abs(g + lam) : Math.max(-(g + lam), 0);
  return x !== 0 ? Math.abs(g + lam * Math.sign(x)) : Math.max(Math.abs(g) - lam, 0);
}

/** Per-coordinate greedy score for variable blocks (and forest keys): GS g², GSD g²/D, L1: GS-s², GS-q. */
function coordScorer(m: Model, rule: string, D: Float64Array): (i: number) => number {
  const L = m.L;
  if (m.l1) {
    if (rule === 'gs') return (i) => (L[i] > 0 ? gssCoord(m, i) ** 2 : Number.NEGATIVE_INFINITY);
    return (i) => (L[i] > 0 ? gsqCoord(m, i, D[i]) : Number.NEGATIVE_INFINITY);
  }
  if (rule === 'gs') return (i) => (L[i] > 0 ? m.g[i] * m.g[i] : Number.NEGATIVE_INFINITY);
  return (i) => (L[i] > 0 ? (m.g[i] * m.g[i]) / D[i] : Number.NEGATIVE_INFINITY);
}

/** Greedy variable blocks: top-τ of coordinate scores in a tournament tree. */
export class GreedyVariable implements Selector {
  readonly greedy = true;
  lastBlock = -1;
  private readonly tree: TournamentTree;
  private readonly score: (i: number) => number;
  constructor(
    private readonly m: Model,
    rule: string,
    D: Float64Array,
    private readonly tau: number,
  ) {
    this.tree = new TournamentTree(m.n);
    this.score = coordScorer(m, rule, D);
  }
  rebuild(): void {
    const s = this.tree.scores;
    for (let i = 0; i < this.m.n; i++) s[i] = this.score(i);
    this.tree.build();
  }
  refresh(): void {
    if (!this.m.incremental) {
      this.rebuild();
      return;
    }
    const ch = this.m.changed;
    for (let t = 0; t < this.m.changedCount; t++) this.tree.set(ch[t], this.score(ch[t]));
  }
  next(_k: number, out: Int32Array): number {
    return this.tree.topK(this.tau, out);
  }
  scoreUpdates(): number {
    return this.tree.updates;
  }
}

/** Greedy fixed blocks: per-block scores (GS, GSL, GSD, GSQ; L1 variants) in a tournament tree over blocks. */
export class GreedyFixed implements Selector {
  readonly greedy = true;
  lastBlock = -1;
  private readonly tree: TournamentTree;
  private readonly blockOf: Int32Array;
  private readonly mark: Uint8Array;
  private readonly touched: Int32Array;
  private readonly chol: Float64Array[] = [];
  private readonly gb: Float64Array;
  private readonly tmp: Float64Array;
  constructor(
    private readonly m: Model,
    private readonly rule: string,
    private readonly blocks: Int32Array[],
    private readonly D: Float64Array,
    private readonly Lb: Float64Array,
  ) {
    this.tree = new TournamentTree(blocks.length);
    this.blockOf = new Int32Array(m.n).fill(-1);
    blocks.forEach((b, k) => {
      for (const i of b) this.blockOf[i] = k;
    });
    this.mark = new Uint8Array(blocks.length);
    this.touched = new Int32Array(blocks.length);
    let cap = 0;
    for (const b of blocks) cap = Math.max(cap, b.length);
    this.gb = new Float64Array(cap);
    this.tmp = new Float64Array(cap);
    if (rule === 'gsq' && !m.l1) {
      // §2.3: Cholesky factor of H_b cached per block (1e−10·I added as in the reference when singular).
      for (const b of blocks) {
        const H = new Float64Array(b.length * b.length);
        m.hessBound(b, b.length, H);
        const copy = H.slice();
        if (!cholesky(b.length, H)) {
          for (let i = 0; i < b.length; i++) copy[i * b.length + i] += 1e-10 * Math.max(1, copy[i * b.length + i]);
          cholesky(b.length, copy);
          this.chol.push(copy);
        } else this.chol.push(H);
      }
    }
  }
  private blockScore(k: number): number {
    const b = this.blocks[k];
    const m = this.m;
    const g = m.g;
    let s = 0;
    if (m.l1) {
      if (this.rule === 'gs') for (const i of b) s += gssCoord(m, i) ** 2;
      else if (this.rule === 'gsl') for (const i of b) s += gsqCoord(m, i, this.Lb[k]);
      else for (const i of b) s += gsqCoord(m, i, this.D[i]);
      return s;
    }
    switch (this.rule) {
      case 'gs':
        for (const i of b) s += g[i] * g[i];
        return s;
      case 'gsl':
        for (const i of b) s += g[i] * g[i];
        return this.Lb[k] > 0 ? s / this.Lb[k] : 0;
      case 'gsq': {
        for (let t = 0; t < b.length; t++) this.gb[t] = g[b[t]];
        return cholQuadForm(b.length, this.chol[k], this.gb, this.tmp);
      }
      default:
        for (const i of b) if (this.D[i] > 0) s += (g[i] * g[i]) / this.D[i];
        return s;
    }
  }
  rebuild(): void {
    for (let k = 0; k < this.blocks.length; k++) this.tree.scores[k] = this.blockScore(k);
    this.tree.build();
  }
  refresh(): void {
    if (!this.m.incremental) {
      this.rebuild();
      return;
    }
    let cnt = 0;
    const ch = this.m.changed;
    for (let t = 0; t < this.m.changedCount; t++) {
      const k = this.blockOf[ch[t]];
      if (k >= 0 && !this.mark[k]) {
        this.mark[k] = 1;
        this.touched[cnt++] = k;
      }
    }
    for (let t = 0; t < cnt; t++) {
      const k = this.touched[t];
      this.mark[k] = 0;
      this.tree.set(k, this.blockScore(k));
    }
  }
  next(_k: number, out: Int32Array): number {
    const k = this.tree.top();
    this.lastBlock = k;
    const b = this.blocks[k];
    out.set(b);
    return b.length;
  }
  scoreUpdates(): number {
    return this.tree.updates;
  }
}

/** Cyclic / random / Lipschitz-sampled fixed blocks (also forest-partition and red-black classes). */
export class SimpleFixed implements Selector {
  readonly greedy = false;
  lastBlock = -1;
  private readonly cum: Float64Array;
  constructor(
    private readonly rule: string,
    private readonly blocks: Int32Array[],
    Lb: Float64Array,
    private readonly rng: Rng,
  ) {
    this.cum = new Float64Array(blocks.length);
    let s = 0;
    for (let k = 0; k < blocks.length; k++) this.cum[k] = s += Lb[k];
  }
  rebuild(): void {}
  refresh(): void {}
  next(k: number, out: Int32Array): number {
    const nb = this.blocks.length;
    let j: number;
    if (this.rule === 'cyclic') j = k % nb;
    else if (this.rule === 'lipschitz') j = sampleCum(this.cum, this.rng.next() * this.cum[nb - 1]);
    else j = this.rng.int(nb);
    this.lastBlock = j;
    out.set(this.blocks[j]);
    return this.blocks[j].length;
  }
  scoreUpdates(): number {
    return 0;
  }
}

function sampleCum(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Cyclic / random / Lipschitz variable blocks over the eligible coordinates (L_i > 0): cyclic takes consecutive
 * τ-chunks of a permutation redrawn each pass (Decision 9); random τ distinct uniform coordinates (partial
 * Fisher–Yates); Lipschitz τ coordinates without replacement with P(i) ∝ L_i (successive sampling by rejection).
 */
export class SimpleVariable implements Selector {
  readonly greedy = false;
  lastBlock = -1;
  private readonly perm: Int32Array;
  private pos = 0;
  private readonly cum: Float64Array;
  private readonly mark: Uint8Array;
  constructor(
    private readonly rule: string,
    eligible: Int32Array,
    L: Float64Array,
    private readonly tau: number,
    private readonly rng: Rng,
  ) {
    this.perm = eligible.slice();
    this.cum = new Float64Array(eligible.length);
    let s = 0;
    for (let t = 0; t < eligible.length; t++) this.cum[t] = s += L[eligible[t]];
    this.mark = new Uint8Array(eligible.length);
    if (rule === 'cyclic') this.rng.shuffle(this.perm);
  }
  rebuild(): void {}
  refresh(): void {}
  next(_k: number, out: Int32Array): number {
    const ne = this.perm.length;
    const tau = this.tau;
    if (this.rule === 'cyclic') {
      if (this.pos >= ne) {
        this.rng.shuffle(this.perm);
        this.pos = 0;
      }
      const len = Math.min(tau, ne - this.pos);
      for (let t = 0; t < len; t++) out[t] = this.perm[this.pos + t];
      this.pos += len;
      return len;
    }
    if (this.rule === 'random') {
      for (let t = 0; t < tau; t++) {
        const j = t + this.rng.int(ne - t);
        const tmp = this.perm[t];
        this.perm[t] = this.perm[j];
        this.perm[j] = tmp;
        out[t] = this.perm[t];
      }
      return tau;
    }
    // lipschitz: successive sampling without replacement (rejection of repeats).
    const total = this.cum[ne - 1];
    let got = 0;
    let tries = 0;
    while (got < tau && tries < 200 * tau) {
      tries++;
      const j = sampleCum(this.cum, this.rng.next() * total);
      if (this.mark[j]) continue;
      this.mark[j] = 1;
      out[got++] = j;
    }
    if (got < tau) {
      // Mass concentrated on few coordinates: finish exactly with an O(n) renormalised draw per pick.
      while (got < tau) {
        let rest = 0;
        for (let j = 0; j < ne; j++) if (!this.mark[j]) rest += this.cum[j] - (j > 0 ? this.cum[j - 1] : 0);
        let u = this.rng.next() * rest;
        let pick = -1;
        for (let j = 0; j < ne; j++) {
          if (this.mark[j]) continue;
          pick = j;
          u -= this.cum[j] - (j > 0 ? this.cum[j - 1] : 0);
          if (u < 0) break;
        }
        this.mark[pick] = 1;
        out[got++] = pick;
      }
    }
    for (let t = 0; t < got; t++) {
      this.mark[out[t]] = 0;
      out[t] = this.perm[out[t]];
    }
    return got;
  }
  scoreUpdates(): number {
    return 0;
  }
}

/**
 * GSQ with variable blocks by iterative hard thresholding (§2.5, reference-faithful): d = g ⊘ √L, then T times
 * d ← d − μ(g + H d) keeping the τ largest |d_i|; μ = 1/λ_max(H) by power iteration with implicit H·v.
 */
export class IhtVariable implements Selector {
  readonly greedy = true;
  lastBlock = -1;
  private readonly d: Float64Array;
  private readonly hd: Float64Array;
  private readonly abs: Float64Array;
  private readonly idx: Int32Array;
  private readonly heap: Int32Array;
  private readonly mark: Uint8Array;
  private readonly mu: number;
  private updates = 0;
  constructor(
    private readonly m: Model,
    private readonly tau: number,
    private readonly T: number,
    rng: Rng,
  ) {
    const n = m.n;
    this.d = new Float64Array(n);
    this.hd = new Float64Array(n);
    this.abs = new Float64Array(n);
    this.idx = new Int32Array(n);
    this.heap = new Int32Array(n);
    this.mark = new Uint8Array(n);
    this.mu = 1 / powerLambdaMax(m, rng);
  }
  rebuild(): void {}
  refresh(): void {}
  next(_k: number, out: Int32Array): number {
    const { m, d, hd, abs, tau, idx, heap, mark } = this;
    const n = m.n;
    const g = m.g;
    const L = m.L;
    for (let i = 0; i < n; i++) d[i] = L[i] > 0 ? g[i] / Math.sqrt(L[i]) : 0;
    let cnt = 0;
    for (let t = 0; t < this.T; t++) {
      m.hv(d, hd);
      for (let i = 0; i < n; i++) {
        d[i] = L[i] > 0 ? d[i] - this.mu * (g[i] + hd[i]) : 0;
        abs[i] = Math.abs(d[i]);
      }
      cnt = topK(abs, n, tau, idx, heap);
      for (let s = 0; s < cnt; s++) mark[idx[s]] = 1;
      for (let i = 0; i < n; i++) if (!mark[i]) d[i] = 0;
      for (let s = 0; s < cnt; s++) mark[idx[s]] = 0;
    }
    this.updates += n * this.T;
    let len = 0;
    for (let s = 0; s < cnt; s++) if (d[idx[s]] !== 0 && L[idx[s]] > 0) out[len++] = idx[s];
    if (len < tau) {
      // pad with the largest remaining g_i²/L_i
      for (let s = 0; s < len; s++) mark[out[s]] = 1;
      for (let i = 0; i < n; i++) abs[i] = mark[i] || !(L[i] > 0) ? Number.NEGATIVE_INFINITY : (g[i] * g[i]) / L[i];
      const extra = topK(abs, n, tau - len, idx, heap);
      for (let s = 0; s < len; s++) mark[out[s]] = 0;
      for (let s = 0; s < extra; s++) out[len++] = idx[s];
    }
    return len;
  }
  scoreUpdates(): number {
    return this.updates;
  }
}

/** λ_max of the global bound H by power iteration with implicit H·v (upper estimate: ×1.0 after convergence). */
export function powerLambdaMax(m: Model, rng: Rng): number {
  const n = m.n;
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  rng.fork(7).fillNormal(v);
  let lam = 0;
  for (let it = 0; it < 200; it++) {
    let nv = 0;
    for (let i = 0; i < n; i++) nv += v[i] * v[i];
    nv = Math.sqrt(nv);
    if (nv === 0) return 1;
    for (let i = 0; i < n; i++) v[i] /= nv;
    m.hv(v, w);
    let r = 0;
    for (let i = 0; i < n; i++) r += v[i] * w[i];
    const done = Math.abs(r - lam) <= 1e-10 * Math.abs(r);
    lam = r;
    v.set(w);
    if (done) break;
  }
  return lam > 0 ? lam : 1;
}

/** Greedy forest blocks (§1.7): nodes ordered by key (gsd/gsl g²/L, gs |g|, random permutation), maximal forest. */
export class GreedyForestSelector implements Selector {
  readonly greedy: boolean;
  lastBlock = -1;
  private readonly order: Int32Array;
  private readonly key: Float64Array;
  private readonly uf: UnionFind;
  private readonly inB: Uint8Array;
  private readonly roots: Int32Array;
  private updates = 0;
  constructor(
    private readonly m: Model,
    private readonly rule: string,
    private readonly graph: Graph,
    private readonly rng: Rng,
  ) {
    const n = m.n;
    this.greedy = rule !== 'random';
    this.order = new Int32Array(n);
    this.key = new Float64Array(n);
    this.uf = new UnionFind(n);
    this.inB = new Uint8Array(n);
    this.roots = new Int32Array(n);
  }
  rebuild(): void {}
  refresh(): void {}
  next(_k: number, out: Int32Array): number {
    const { m, order, key } = this;
    const n = m.n;
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.rule === 'random') this.rng.shuffle(order);
    else {
      const g = m.g;
      for (let i = 0; i < n; i++) key[i] = this.rule === 'gs' ? Math.abs(g[i]) : m.L[i] > 0 ? (g[i] * g[i]) / m.L[i] : 0;
      order.sort((a, b) => key[b] - key[a] || a - b);
      this.updates += n;
    }
    return greedyForest(order, this.graph, this.uf, this.inB, this.roots, out);
  }
  scoreUpdates(): number {
    return this.updates;
  }
}

/** λ_max(H_b) for each fixed block (L_b of §1.2), computed once. */
export function blockLipschitz(m: Model, blocks: Int32Array[]): Float64Array {
  let cap = 1;
  for (const b of blocks) cap = Math.max(cap, b.length);
  const ws = new BlockWorkspace(cap);
  const H = new Float64Array(cap * cap);
  const out = new Float64Array(blocks.length);
  blocks.forEach((b, k) => {
    if (b.length === 1) out[k] = m.L[b[0]];
    else {
      m.hessBound(b, b.length, H);
      out[k] = lambdaMax(b.length, H, ws);
    }
  });
  return out;
}

export interface SelectorSetup {
  selector: Selector;
  /** Fixed blocks (undefined for variable / greedy-forest). */
  blocks?: Int32Array[];
  Lb?: Float64Array;
}

export function makeSelector(
  m: Model,
  o: BcdResolvedOptions,
  tau: number,
  eligible: Int32Array,
  fixed: Int32Array[] | undefined,
  D: Float64Array,
  rng: Rng,
): SelectorSetup {
  const rule = o.rule;
  if (o.blocks === 'greedy-forest') {
    if (!m.graph) throw new Error('greedy-forest needs a graph');
    return { selector: new GreedyForestSelector(m, rule, m.graph, rng) };
  }
  if (fixed) {
    // Forest / colour classes are visited cyclically or uniformly and solved exactly: no L_b needed (O(|b|³) avoided).
    const forestClasses = o.blocks === 'forest-partition' || o.blocks === 'red-black';
    const Lb = forestClasses ? new Float64Array(fixed.length).fill(1) : blockLipschitz(m, fixed);
    if (rule === 'cyclic' || rule === 'random' || rule === 'lipschitz') return { selector: new SimpleFixed(rule, fixed, Lb, rng), blocks: fixed, Lb };
    return { selector: new GreedyFixed(m, rule, fixed, D, Lb), blocks: fixed, Lb };
  }
  if (rule === 'cyclic' || rule === 'random' || rule === 'lipschitz') return { selector: new SimpleVariable(rule, eligible, m.L, tau, rng) };
  if (rule === 'gsq' && !m.l1) return { selector: new IhtVariable(m, tau, o.ihtIterations, rng) };
  return { selector: new GreedyVariable(m, rule, D, tau) };
}
