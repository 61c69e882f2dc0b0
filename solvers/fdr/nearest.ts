/**
 * @module Exact nearest-neighbour search over points in [0, ext_j]^d (d ≤ 3) with a uniform bucket grid and
 * Chebyshev-ring expansion; ties go to the lowest index. Used for empty-cell filling (specs/fdr.md §1.7, D7) and
 * the nn-difference noise estimator (§1.9).
 */
export class BucketIndex {
  private readonly B: number[];
  private readonly w: number[];
  private readonly wmin: number;
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  private readonly bstr: number[];

  constructor(
    readonly pts: Float64Array,
    readonly n: number,
    readonly d: number,
    ext: number[],
  ) {
    const per = Math.max(1, Math.floor((n / 2) ** (1 / d)));
    this.B = ext.map(() => per);
    this.w = ext.map((e) => (e > 0 ? e / per : 1));
    this.wmin = Math.min(...this.w);
    this.bstr = new Array<number>(d);
    let s = 1;
    for (let j = d - 1; j >= 0; j--) {
      this.bstr[j] = s;
      s *= this.B[j];
    }
    const nb = s;
    const counts = new Int32Array(nb + 1);
    const bucketOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let j = 0; j < d; j++) b += this.coord(pts[i * d + j], j) * this.bstr[j];
      bucketOf[i] = b;
      counts[b + 1]++;
    }
    for (let b = 0; b < nb; b++) counts[b + 1] += counts[b];
    this.start = counts.slice();
    const fill = counts.slice(0, nb);
    this.items = new Int32Array(n);
    for (let i = 0; i < n; i++) this.items[fill[bucketOf[i]]++] = i;
  }

  private coord(v: number, j: number): number {
    const c = Math.floor(v / this.w[j]);
    return c < 0 ? 0 : c >= this.B[j] ? this.B[j] - 1 : c;
  }

  /** Index of the point nearest to q (excluding `exclude`), ties → lowest index; −1 if none. */
  nearest(q: ArrayLike<number>, exclude = -1): number {
    const { d, pts, B } = this;
    const c = new Array<number>(d);
    for (let j = 0; j < d; j++) c[j] = this.coord(q[j], j);
    let best = -1;
    let bestD = Infinity;
    const maxR = Math.max(...B);
    const off = new Array<number>(d).fill(0);
    for (let r = 0; r <= maxR; r++) {
      if (best >= 0 && (r - 1) * this.wmin > Math.sqrt(bestD)) break;
      // enumerate offsets in [−r, r]^d with Chebyshev norm exactly r
      const side = 2 * r + 1;
      const total = side ** d;
      for (let t = 0; t < total; t++) {
        let rem = t;
        let cheb = 0;
        let ok = true;
        let b = 0;
        for (let j = 0; j < d; j++) {
          off[j] = (rem % side) - r;
          rem = Math.floor(rem / side);
          if (Math.abs(off[j]) > cheb) cheb = Math.abs(off[j]);
          const cj = c[j] + off[j];
          if (cj < 0 || cj >= B[j]) {
            ok = false;
            break;
          }
          b += cj * this.bstr[j];
        }
        if (!ok || cheb !== r) continue;
        for (let s = this.start[b]; s < this.start[b + 1]; s++) {
          const i = this.items[s];
          if (i === exclude) continue;
          let dist = 0;
          for (let j = 0; j < d; j++) {
            const df = pts[i * d + j] - q[j];
            dist += df * df;
          }
          if (dist < bestD || (dist === bestD && i < best)) {
            bestD = dist;
            best = i;
          }
        }
      }
    }
    return best;
  }
}
