/**
 * @module Block updates (specs/bcd.md §1.4, §1.5, §2.6, §2.7): gradient (1/L_b, or the adaptive "LA" estimate),
 * matrix (−H_b⁻¹g_b, Cholesky with pinv fallback), Newton with Armijo line search (quadratic then cubic interpolation,
 * safeguarded to [0.1α, 0.5α], ≤ 50 backtracks then a gradient step), exact (forest solve / block solve / repeated
 * Newton), and for L1 kinds proximal gradient, proximal Newton by inner coordinate descent, and two-metric projection.
 * Each `step` applies its update to the model itself.
 */
import { SolverError, type BcdResolvedOptions } from '../../shared/index.js';
import { BlockWorkspace, lambdaMax, solveSpd } from './block-linalg.js';
import { ForestWorkspace, forestSolve } from './forest.js';
import type { Model } from './problems/model.js';
import { proxCoord, softThreshold } from './problems/model.js';

export interface UpdateStats {
  blockSolves: number;
  lineSearchBacktracks: number;
  pinvFallbacks: number;
}

const C1 = 1e-10;

export class Updater {
  readonly stats: UpdateStats = { blockSolves: 0, lineSearchBacktracks: 0, pinvFallbacks: 0 };
  private readonly ws: BlockWorkspace;
  private readonly H: Float64Array;
  private readonly gb: Float64Array;
  private readonly d: Float64Array;
  private readonly z: Float64Array;
  private readonly u: Float64Array;
  private readonly fws?: ForestWorkspace;
  /** Two-metric scratch (free coordinates, free sub-Hessian, its right-hand side, the direction). */
  private readonly tm?: { free: Int32Array; Hf: Float64Array; df: Float64Array; dir: Float64Array };
  /** LA estimates per coordinate (start 1). */
  private readonly est?: Float64Array;
  private readonly forest: boolean;

  constructor(
    private readonly m: Model,
    private readonly o: BcdResolvedOptions,
    cap: number,
  ) {
    this.forest = o.blocks === 'greedy-forest' || o.blocks === 'forest-partition' || o.blocks === 'red-black';
    const dense = this.forest ? 1 : cap;
    this.ws = new BlockWorkspace(dense);
    this.H = new Float64Array(dense * dense);
    this.gb = new Float64Array(cap);
    this.d = new Float64Array(cap);
    this.z = new Float64Array(cap);
    this.u = new Float64Array(cap);
    if (this.forest) this.fws = new ForestWorkspace(m.n);
    if (o.update === 'two-metric') {
      this.tm = { free: new Int32Array(cap), Hf: new Float64Array(cap * cap), df: new Float64Array(cap), dir: new Float64Array(cap) };
    }
    if (o.lipschitzEstimate === 'adaptive' && o.update === 'gradient') this.est = new Float64Array(m.n).fill(1);
  }

  /** L_b = λ_max(H_b) (cached for fixed blocks by the caller). */
  blockL(b: Int32Array, len: number): number {
    if (len === 1) return this.m.L[b[0]];
    this.m.hessBound(b, len, this.H);
    return lambdaMax(len, this.H, this.ws);
  }

  /** Applies one update of block b; `Lb` is the cached L_b for fixed blocks (NaN: compute). */
  step(b: Int32Array, len: number, Lb: number): void {
    const m = this.m;
    m.blockGradient(b, len, this.gb);
    this.stats.blockSolves++;
    if (m.l1) {
      this.stepL1(b, len, Lb);
      return;
    }
    switch (this.o.update) {
      case 'gradient':
        if (this.est) this.adaptive(b, len);
        else this.gradient(b, len, Lb);
        return;
      case 'matrix':
        if (this.forest) this.forestStep(b, len);
        else this.matrix(b, len, false);
        return;
      case 'newton':
        if (m.quadratic) this.matrix(b, len, false);
        else this.newton(b, len);
        return;
      case 'exact':
        if (this.forest) this.forestStep(b, len);
        else if (m.quadratic) this.matrix(b, len, false);
        else this.exactNewton(b, len);
        return;
      default:
        throw new SolverError(`update "${this.o.update}" is not available for ${m.kind}`);
    }
  }

  private gradient(b: Int32Array, len: number, Lb: number): void {
    const L = Number.isNaN(Lb) ? this.blockL(b, len) : Lb;
    if (!(L > 0)) return;
    for (let k = 0; k < len; k++) this.d[k] = -this.gb[k] / L;
    this.m.apply(b, len, this.d);
  }

  /** "LA" (§1.4): L = max est_i; accept when f(x⁺) ≤ f(x) − ‖g_b‖²/(2L), else double; then est_i ← L. */
  private adaptive(b: Int32Array, len: number): void {
    const est = this.est as Float64Array;
    let L = 0;
    let gg = 0;
    for (let k = 0; k < len; k++) {
      L = Math.max(L, est[b[k]]);
      gg += this.gb[k] * this.gb[k];
    }
    if (gg === 0) return;
    const f0 = this.m.f();
    for (let t = 0; t < 200; t++) {
      for (let k = 0; k < len; k++) this.d[k] = -this.gb[k] / L;
      if (this.m.trialF(b, len, this.d) <= f0 - gg / (2 * L)) break;
      L *= 2;
      this.stats.lineSearchBacktracks++;
    }
    for (let k = 0; k < len; k++) est[b[k]] = L;
    this.m.apply(b, len, this.d);
  }

  /** d = −M⁻¹g_b with M = H_b (or the true Hessian); returns false if pinv was needed. */
  private solveDirection(b: Int32Array, len: number, trueHessian: boolean): void {
    const m = this.m;
    if (trueHessian) m.hessTrue(b, len, this.H);
    else m.hessBound(b, len, this.H);
    for (let k = 0; k < len; k++) this.d[k] = -this.gb[k];
    if (!solveSpd(len, this.H, this.d, this.ws)) {
      if (m.kind === 'quadratic' || m.kind === 'label-propagation') throw new SolverError('Q is not positive definite');
      this.stats.pinvFallbacks++;
    }
  }

  private matrix(b: Int32Array, len: number, trueHessian: boolean): void {
    this.solveDirection(b, len, trueHessian);
    this.m.apply(b, len, this.d);
  }

  private forestStep(b: Int32Array, len: number): void {
    const m = this.m;
    if (!m.graph || !(m.kind === 'quadratic' || m.kind === 'label-propagation')) throw new SolverError('forest blocks need a sparse quadratic');
    for (let k = 0; k < len; k++) this.z[k] = -this.gb[k];
    forestSolve(m.graph, m.L, b, len, this.z, this.d, this.fws as ForestWorkspace);
    m.apply(b, len, this.d);
  }

  /** Newton direction with Armijo backtracking (c₁ = 1e−10); returns the accepted decrease condition's success. */
  private newton(b: Int32Array, len: number): void {
    const m = this.m;
    this.solveDirection(b, len, true);
    let slope = 0;
    for (let k = 0; k < len; k++) slope += this.gb[k] * this.d[k];
    if (!(slope < 0)) {
      this.gradient(b, len, Number.NaN);
      return;
    }
    const f0 = m.f();
    let alpha = 1;
    let fPrev = Number.NaN;
    let aPrev = Number.NaN;
    for (let t = 0; t <= 50; t++) {
      for (let k = 0; k < len; k++) this.z[k] = alpha * this.d[k];
      const fa = m.trialF(b, len, this.z);
      if (fa <= f0 + C1 * alpha * slope) {
        m.apply(b, len, this.z);
        return;
      }
      if (t === 50) break;
      this.stats.lineSearchBacktracks++;
      let next: number;
      if (Number.isNaN(fPrev)) {
        next = (-slope * alpha * alpha) / (2 * (fa - f0 - slope * alpha));
      } else {
        // cubic interpolation through (0, f0, slope), (alpha, fa), (aPrev, fPrev)
        const r1 = fa - f0 - slope * alpha;
        const r2 = fPrev - f0 - slope * aPrev;
        const a3 = (r1 / (alpha * alpha) - r2 / (aPrev * aPrev)) / (alpha - aPrev);
        const a2 = (-aPrev * r1 / (alpha * alpha) + alpha * r2 / (aPrev * aPrev)) / (alpha - aPrev);
        const disc = a2 * a2 - 3 * a3 * slope;
        next = a3 === 0 ? -slope / (2 * a2) : (-a2 + Math.sqrt(Math.max(disc, 0))) / (3 * a3);
      }
      if (!Number.isFinite(next)) next = 0.5 * alpha;
      next = Math.min(Math.max(next, 0.1 * alpha), 0.5 * alpha);
      fPrev = fa;
      aPrev = alpha;
      alpha = next;
    }
    this.gradient(b, len, Number.NaN);
  }

  /** Newton repeated on the same block until its gradient is ≤ 1e−10 relative, or 20 inner steps. */
  private exactNewton(b: Int32Array, len: number): void {
    let g0 = 0;
    for (let k = 0; k < len; k++) g0 = Math.max(g0, Math.abs(this.gb[k]));
    for (let it = 0; it < 20; it++) {
      this.newton(b, len);
      this.m.blockGradient(b, len, this.gb);
      let gi = 0;
      for (let k = 0; k < len; k++) gi = Math.max(gi, Math.abs(this.gb[k]));
      if (gi <= 1e-10 * g0) break;
    }
  }

  // ---------------------------------------------------------------- L1 kinds (§1.5)

  private stepL1(b: Int32Array, len: number, Lb: number): void {
    switch (this.o.update) {
      case 'gradient':
        this.proxGradient(b, len, Lb);
        return;
      case 'two-metric':
        this.twoMetric(b, len);
        return;
      default:
        this.proxNewton(b, len, this.o.update === 'newton' && !this.m.quadratic);
    }
  }

  private psiDelta(b: Int32Array, len: number, d: Float64Array): number {
    const { x, lambda, nonneg } = this.m;
    let s = 0;
    for (let k = 0; k < len; k++) {
      const xi = x[b[k]];
      s += nonneg ? d[k] : Math.abs(xi + d[k]) - Math.abs(xi);
    }
    return lambda * s;
  }

  private proxGradient(b: Int32Array, len: number, Lb: number): void {
    const L = Number.isNaN(Lb) ? this.blockL(b, len) : Lb;
    if (!(L > 0)) return;
    const x = this.m.x;
    for (let k = 0; k < len; k++) {
      const xi = x[b[k]];
      this.d[k] = proxCoord(this.m, xi - this.gb[k] / L, L) - xi;
    }
    this.m.apply(b, len, this.d);
  }

  /**
   * Block QP by inner CD (§2.6): min_z g_bᵀ(z − x_b) + ½(z − x_b)ᵀM(z − x_b) + ψ(z). Writes Δ = z − x_b into d.
   */
  private innerCd(b: Int32Array, len: number, M: Float64Array): void {
    const { x, lambda, nonneg } = this.m;
    const z = this.z;
    const u = this.u;
    for (let k = 0; k < len; k++) {
      z[k] = x[b[k]];
      u[k] = this.gb[k];
    }
    for (let sweep = 0; sweep < 10000; sweep++) {
      let maxDelta = 0;
      let maxZ = 1;
      for (let i = 0; i < len; i++) {
        const Mii = M[i * len + i];
        if (!(Mii > 0)) continue;
        const v = z[i] - u[i] / Mii;
        const zn = nonneg ? Math.max(v - lambda / Mii, 0) : softThreshold(v, lambda / Mii);
        const delta = zn - z[i];
        if (delta !== 0) {
          z[i] = zn;
          for (let j = 0; j < len; j++) u[j] += M[j * len + i] * delta;
          maxDelta = Math.max(maxDelta, Math.abs(delta));
        }
        maxZ = Math.max(maxZ, Math.abs(zn));
      }
      if (maxDelta <= 1e-13 * maxZ) break;
    }
    for (let k = 0; k < len; k++) this.d[k] = z[k] - x[b[k]];
  }

  private proxNewton(b: Int32Array, len: number, lineSearch: boolean): void {
    const m = this.m;
    if (lineSearch) m.hessTrue(b, len, this.H);
    else m.hessBound(b, len, this.H);
    this.innerCd(b, len, this.H);
    if (!lineSearch) {
      m.apply(b, len, this.d);
      return;
    }
    // Armijo on F along Δ: F(x + αΔ) ≤ F(x) + c₁α(g_bᵀΔ + ψ(x_b + Δ) − ψ(x_b)), halving α.
    let dec = this.psiDelta(b, len, this.d);
    for (let k = 0; k < len; k++) dec += this.gb[k] * this.d[k];
    const f0 = m.f();
    let alpha = 1;
    for (let t = 0; t < 50; t++) {
      for (let k = 0; k < len; k++) this.u[k] = alpha * this.d[k];
      const Fa = m.trialF(b, len, this.u) + this.psiDelta(b, len, this.u);
      if (Fa <= f0 + C1 * alpha * dec) {
        m.apply(b, len, this.u);
        return;
      }
      alpha *= 0.5;
      this.stats.lineSearchBacktracks++;
    }
    this.proxGradient(b, len, Number.NaN);
  }

  /**
   * Two-metric projection (nonnegative lasso, §1.5 "TMP-NN"): active coordinates (x_i < 1e−4, g_i + λ > 0) take
   * −(g_i + λ)/Σ_active L_j; the others a Newton step on the free sub-Hessian; projected arc with Armijo backtracking.
   */
  private twoMetric(b: Int32Array, len: number): void {
    const m = this.m;
    const { x, lambda } = m;
    const gt = this.u; // gradient of f + λ1ᵀx
    for (let k = 0; k < len; k++) gt[k] = this.gb[k] + lambda;
    const { free, Hf, df, dir } = this.tm as NonNullable<typeof this.tm>;
    let sumL = 0;
    let nf = 0;
    for (let k = 0; k < len; k++) {
      if (x[b[k]] < 1e-4 && gt[k] > 0) sumL += m.L[b[k]];
      else free[nf++] = k;
    }
    m.hessBound(b, len, this.H);
    for (let p = 0; p < nf; p++) {
      df[p] = -gt[free[p]];
      for (let q = 0; q < nf; q++) Hf[p * nf + q] = this.H[free[p] * len + free[q]];
    }
    if (nf > 0 && !solveSpd(nf, Hf, df, this.ws)) this.stats.pinvFallbacks++;
    for (let k = 0; k < len; k++) dir[k] = sumL > 0 ? -gt[k] / sumL : 0;
    for (let p = 0; p < nf; p++) dir[free[p]] = df[p];
    const F0 = m.f();
    let alpha = 1;
    for (let t = 0; t < 50; t++) {
      let lin = 0;
      for (let k = 0; k < len; k++) {
        const xi = x[b[k]];
        this.d[k] = Math.max(xi + alpha * dir[k], 0) - xi;
        lin += gt[k] * this.d[k];
      }
      const Fa = m.trialF(b, len, this.d) + lambda * this.sumD(len);
      if (Fa <= F0 + C1 * lin && lin <= 0) {
        m.apply(b, len, this.d);
        return;
      }
      alpha *= 0.5;
      this.stats.lineSearchBacktracks++;
    }
    this.proxGradient(b, len, Number.NaN);
  }

  private sumD(len: number): number {
    let s = 0;
    for (let k = 0; k < len; k++) s += this.d[k];
    return s;
  }
}
