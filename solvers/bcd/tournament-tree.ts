/**
 * @module Tournament (winner) tree over item scores (specs/bcd.md §2.2): the root is the argmax by (score desc,
 * index asc); `update(i)` after a score change costs O(log n); `topK` takes the k best in O(k log n) by temporarily
 * knocking winners out; `build` is O(n). Used for greedy selection on sparse problems, where a block update changes
 * only O(τ(Δ+1)) scores.
 */
export class TournamentTree {
  readonly scores: Float64Array;
  private readonly size: number;
  private readonly tree: Int32Array;
  private readonly saved: Float64Array;
  /** Number of leaf updates (score writes) since construction. */
  updates = 0;

  constructor(readonly count: number) {
    let size = 1;
    while (size < Math.max(1, count)) size *= 2;
    this.size = size;
    this.scores = new Float64Array(count);
    this.tree = new Int32Array(2 * size).fill(-1);
    this.saved = new Float64Array(Math.max(1, count));
  }

  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const sa = this.scores[a];
    const sb = this.scores[b];
    if (sa > sb) return a;
    if (sb > sa) return b;
    // NaN-free scores; equal scores: lower index wins
    return a < b ? a : b;
  }

  build(): void {
    const { size, tree, count } = this;
    for (let i = 0; i < size; i++) tree[size + i] = i < count ? i : -1;
    for (let v = size - 1; v >= 1; v--) tree[v] = this.better(tree[2 * v], tree[2 * v + 1]);
    this.updates += count;
  }

  /** Set item i's score and repair its path. */
  set(i: number, s: number): void {
    this.scores[i] = s;
    this.updates++;
    this.repair(i);
  }

  private repair(i: number): void {
    const tree = this.tree;
    let v = (this.size + i) >> 1;
    while (v >= 1) {
      const w = this.better(tree[2 * v], tree[2 * v + 1]);
      tree[v] = w;
      v >>= 1;
    }
  }

  top(): number {
    return this.tree[1];
  }

  /** Writes the k best items (score desc, index asc) into out; returns how many (≤ k, only items with score > −∞). */
  topK(k: number, out: Int32Array): number {
    let got = 0;
    for (; got < k; got++) {
      const i = this.tree[1];
      if (i < 0 || this.scores[i] === Number.NEGATIVE_INFINITY) break;
      out[got] = i;
      this.saved[got] = this.scores[i];
      this.scores[i] = Number.NEGATIVE_INFINITY;
      this.repair(i);
    }
    for (let t = 0; t < got; t++) {
      this.scores[out[t]] = this.saved[t];
      this.repair(out[t]);
    }
    return got;
  }
}
