/**
 * @module The inexact oracles of MAID (specs/bilevel.md §1.2, §2.2–§2.4): the certified lower-level solver
 * (strongly convex FISTA, or gradient descent; exit on ‖∇ₓh‖ ≤ μ·ε, returning one more gradient step), CG to an
 * absolute residual δ, the inexact hypergradient z = −Jᵀq, and the a-posteriori bound ω(ε, δ) with its constants.
 * Owns the cost counters (D8), the budget/time/cancel checks and all work buffers (no allocation per iteration).
 * The probes of upper iteration k draw from the stream rng.fork(k) (`beginIteration`), so a run resumed at an
 * iteration boundary (checkpoint.ts) draws the same numbers as an uninterrupted one.
 */
import type { F64 } from '../kernels/ops.js';
import type { Rng } from '../core/rng.js';
import type { BilevelModel } from './problems/types.js';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface Cost {
  lowerIterations: number;
  cgIterations: number;
  lowerSolves: number;
  cgSolves: number;
  extraProducts: number;
}

export interface EngineOptions {
  variant: 'paper' | 'reference';
  lowerSolver: 'fista' | 'gd';
  bound: 'estimated' | 'reference' | 'off';
  lowerMaxIterations: number;
  cgMaxIterations: number;
  budget: number;
  /** ctx.now() value after which the run stops with `budget`, or Infinity. */
  deadline: number;
}

/** The engine's state that carries across upper iterations (checkpoint.ts). */
export interface EngineState {
  cost: Cost;
  uncertifiedSolves: number;
  LJ: number;
  LHinv: number;
  jNorm: number;
  budgetHit: boolean;
}

export interface LowerResult {
  certified: boolean;
  finite: boolean;
  gradNorm: number;
  iterations: number;
}

export interface Hypergradient {
  /** ‖z‖. */
  zNorm: number;
  omega: number;
  /** g(x̃) and ‖∇g(x̃)‖ at the point the hypergradient was taken. */
  g: number;
  gNorm: number;
}

function nrm(n: number, a: F64): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export class Engine {
  readonly cost: Cost = { lowerIterations: 0, cgIterations: 0, lowerSolves: 0, cgSolves: 0, extraProducts: 0 };
  uncertifiedSolves = 0;
  /** Running maxima of the probed constants (§2.4). */
  LJ = 0;
  LHinv = 0;
  /** Last ‖J‖ used in ω. */
  jNorm = 0;
  readonly n: number;
  readonly p: number;
  // work buffers
  private readonly xa: F64;
  private readonly xb: F64;
  private readonly y: F64;
  private readonly pg: F64;
  private readonly r: F64;
  private readonly d: F64;
  private readonly Ad: F64;
  private readonly u: F64;
  private readonly xp: F64;
  private readonly tp: F64;
  private readonly hq0: F64;
  private readonly hq1: F64;
  private readonly qProbe: F64;
  private readonly extra = { products: 0 };
  private lastYield: number;
  /** The stream the probes draw from: the base generator until `beginIteration` is called. */
  private rng: Rng;
  budgetHit = false;

  constructor(
    readonly model: BilevelModel,
    readonly opts: EngineOptions,
    private readonly baseRng: Rng,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
  ) {
    const n = model.n;
    this.n = n;
    this.p = model.p;
    this.xa = new Float64Array(n);
    this.xb = new Float64Array(n);
    this.y = new Float64Array(n);
    this.pg = new Float64Array(n);
    this.r = new Float64Array(n);
    this.d = new Float64Array(n);
    this.Ad = new Float64Array(n);
    this.u = new Float64Array(n);
    this.xp = new Float64Array(n);
    this.tp = new Float64Array(model.p);
    this.hq0 = new Float64Array(n);
    this.hq1 = new Float64Array(n);
    this.qProbe = new Float64Array(n);
    this.rng = baseRng;
    this.lastYield = now();
  }

  /** Upper iteration k starts: its random probes come from the k-th sub-stream of the base generator. */
  beginIteration(k: number): void {
    this.rng = this.baseRng.fork(k);
  }

  exportState(): EngineState {
    return { cost: { ...this.cost }, uncertifiedSolves: this.uncertifiedSolves, LJ: this.LJ, LHinv: this.LHinv, jNorm: this.jNorm, budgetHit: this.budgetHit };
  }

  importState(s: EngineState): void {
    Object.assign(this.cost, s.cost);
    this.uncertifiedSolves = s.uncertifiedSolves;
    this.LJ = s.LJ;
    this.LHinv = s.LHinv;
    this.jNorm = s.jNorm;
    this.budgetHit = s.budgetHit;
  }

  /** Total cost on the benchmark axis: lower-level gradients + CG products. */
  get total(): number {
    return this.cost.lowerIterations + this.cost.cgIterations;
  }

  /** True (and remembered) once the budget or the time limit is spent. */
  exhausted(): boolean {
    if (this.total >= this.opts.budget || this.now() >= this.opts.deadline) this.budgetHit = true;
    return this.budgetHit;
  }

  /** Lets timers and the abort signal fire about every 200 ms; throws Cancelled once aborted. */
  async tick(): Promise<void> {
    if (this.signal.aborted) throw new Cancelled();
    const t = this.now();
    if (t - this.lastYield >= 200) {
      await new Promise<void>((res) => setImmediate(res));
      this.lastYield = this.now();
      if (this.signal.aborted) throw new Cancelled();
    }
  }

  /** Step constant, μ and stop factor of the lower solve (consistent, or the reference's, D2–D3). */
  lowerConstants(theta: F64): { L: number; mu: number; stop: number } {
    if (this.opts.variant === 'reference') {
      const r = this.model.reference(theta);
      return { L: r.L, mu: r.mu, stop: r.stopFactor };
    }
    return { L: this.model.lipschitz(theta), mu: this.model.mu(theta), stop: 1 };
  }

  /** μ and L_g used inside ω and the inexact function values. */
  boundConstants(theta: F64): { mu: number; Lg: number } {
    if (this.opts.variant === 'reference' || this.opts.bound === 'reference') {
      const r = this.model.reference(theta);
      return { mu: r.mu, Lg: r.lipschitzUpper };
    }
    return { mu: this.model.mu(theta), Lg: this.model.lipschitzUpper };
  }

  /**
   * §2.2: solve min_x h(x, θ) from xInit until ‖∇ₓh(y)‖ ≤ stop·μ·ε, write y − τ∇ₓh(y) into out (may alias xInit).
   * `cap` overrides lowerMaxIterations (HOAG).
   */
  async lower(theta: F64, xInit: F64, eps: number, out: F64, cap = this.opts.lowerMaxIterations): Promise<LowerResult> {
    const { n, model } = this;
    const { L, mu, stop } = this.lowerConstants(theta);
    const tau = 1 / L;
    const qc = tau * mu;
    const momentum = this.opts.lowerSolver === 'fista' && qc < 1 - 1e-12;
    let x = this.xa;
    let xPrev = this.xb;
    const y = this.y;
    const g = this.pg;
    x.set(xInit);
    xPrev.set(xInit);
    let t = 0;
    const target = stop * mu * eps;
    this.cost.lowerSolves++;
    let gn = Number.POSITIVE_INFINITY;
    for (let k = 0; k < cap; k++) {
      let beta = 0;
      if (momentum) {
        const a = 1 - qc * t * t;
        const tn = (a + Math.sqrt(a * a + 4 * t * t)) / 2;
        beta = ((t - 1) * (1 - tn * qc)) / (tn * (1 - qc));
        t = tn;
      }
      if (beta !== 0) for (let i = 0; i < n; i++) y[i] = x[i] + beta * (x[i] - xPrev[i]);
      else y.set(x);
      model.gradLower(y, theta, g);
      this.cost.lowerIterations++;
      gn = nrm(n, g);
      if (!Number.isFinite(gn)) {
        out.set(y);
        return { certified: false, finite: false, gradNorm: gn, iterations: k + 1 };
      }
      if (gn <= target) {
        for (let i = 0; i < n; i++) out[i] = y[i] - tau * g[i];
        return { certified: true, finite: true, gradNorm: gn, iterations: k + 1 };
      }
      const tmp = xPrev;
      xPrev = x;
      x = tmp;
      for (let i = 0; i < n; i++) x[i] = y[i] - tau * g[i];
      if ((k & 15) === 15) {
        await this.tick();
        if (this.exhausted()) break;
      }
    }
    out.set(x);
    this.uncertifiedSolves++;
    return { certified: false, finite: x.every(Number.isFinite), gradNorm: gn, iterations: cap };
  }

  /** §2.3: CG on H(x, θ) q = b from q = 0 to ‖Hq − b‖ < δ (absolute). Returns the number of products. */
  async cg(x: F64, theta: F64, b: F64, delta: number, q: F64): Promise<number> {
    const { n, model } = this;
    const r = this.r;
    const d = this.d;
    const Ad = this.Ad;
    this.cost.cgSolves++;
    r.set(b);
    let rr = 0;
    for (let i = 0; i < n; i++) rr += r[i] * r[i];
    if (Math.sqrt(rr) <= delta) {
      if (this.opts.variant === 'reference') q.set(x);
      else q.fill(0);
      return 0;
    }
    q.fill(0);
    d.set(r);
    let k = 0;
    while (k < this.opts.cgMaxIterations) {
      model.hvp(x, theta, d, Ad);
      this.cost.cgIterations++;
      k++;
      let dAd = 0;
      for (let i = 0; i < n; i++) dAd += d[i] * Ad[i];
      if (!(dAd > 0)) break;
      const a = rr / dAd;
      let rrNew = 0;
      for (let i = 0; i < n; i++) {
        q[i] += a * d[i];
        r[i] -= a * Ad[i];
        rrNew += r[i] * r[i];
      }
      if (Math.sqrt(rrNew) < delta) break;
      const bet = rrNew / rr;
      for (let i = 0; i < n; i++) d[i] = r[i] + bet * d[i];
      rr = rrNew;
      if ((k & 15) === 15) {
        await this.tick();
        if (this.exhausted()) break;
      }
    }
    return k;
  }

  /**
   * §1.2: CG for q, z = −Jᵀq, and ω (§2.4) at x (already solved to ε). gx receives ∇g(x). Returns ‖z‖, ω, g, ‖∇g‖.
   */
  async hypergradient(x: F64, theta: F64, eps: number, delta: number, q: F64, z: F64, gx: F64): Promise<Hypergradient> {
    const { model, p } = this;
    const g = model.gradUpper(x, gx);
    const gNorm = nrm(this.n, gx);
    await this.cg(x, theta, gx, delta, q);
    model.jtq(x, theta, q, z);
    for (let i = 0; i < p; i++) z[i] = -z[i];
    const zNorm = nrm(p, z);
    const omega = this.opts.bound === 'off' ? 0 : await this.omega(x, theta, eps, delta, q, z, gx, gNorm);
    return { zNorm, omega, g, gNorm };
  }

  /** ω(ε, δ) of §1.2 with the constants of §2.4 (`estimated` or `reference`). */
  async omega(x: F64, theta: F64, eps: number, delta: number, q: F64, z: F64, gx: F64, gNorm: number): Promise<number> {
    const { model, n, p } = this;
    const { mu, Lg } = this.boundConstants(theta);
    const qn = nrm(n, q);
    if (this.opts.bound === 'reference') {
      // D5: ‖J‖ ≈ max|J z|; probes at x′ ~ N(0, I); L_H⁻¹ from a second CG at x′.
      model.jv(x, theta, z, this.hq0);
      this.cost.extraProducts++;
      let m = 0;
      for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(this.hq0[i]));
      this.jNorm = m;
      if (qn > 0 && !model.linearLower) {
        this.rng.fillNormal(this.xp);
        model.jtq(this.xp, theta, q, this.tp);
        this.cost.extraProducts++;
        let s = 0;
        for (let i = 0; i < p; i++) s += (-this.tp[i] - z[i]) ** 2;
        this.LJ = Math.max(this.LJ, Math.sqrt(s) / qn);
        if (gNorm > 0) {
          await this.cg(this.xp, theta, gx, delta, this.qProbe);
          let e = 0;
          for (let i = 0; i < n; i++) e += (this.qProbe[i] - q[i]) ** 2;
          this.LHinv = Math.max(this.LHinv, Math.sqrt(e) / gNorm);
        }
      }
    } else {
      this.extra.products = 0;
      this.jNorm = model.jNorm(x, theta, this.extra);
      this.cost.extraProducts += this.extra.products;
      if (qn > 0 && !model.linearLower) {
        // Local secant probes at x′ = x̃ + r·u, u a random unit vector, r = ε (floored at 1e-8 against round-off).
        const rad = Math.max(eps, 1e-8);
        this.rng.fillNormal(this.u);
        const un = nrm(n, this.u);
        for (let i = 0; i < n; i++) this.xp[i] = x[i] + (rad * this.u[i]) / un;
        model.jtq(this.xp, theta, q, this.tp);
        let s = 0;
        for (let i = 0; i < p; i++) s += (this.tp[i] + z[i]) ** 2; // J(x′)ᵀq − J(x̃)ᵀq, with J(x̃)ᵀq = −z
        this.LJ = Math.max(this.LJ, Math.sqrt(s) / (rad * qn));
        model.hvp(this.xp, theta, q, this.hq0);
        model.hvp(x, theta, q, this.hq1);
        let e = 0;
        for (let i = 0; i < n; i++) e += (this.hq0[i] - this.hq1[i]) ** 2;
        const LH = Math.sqrt(e) / (rad * qn);
        this.LHinv = Math.max(this.LHinv, LH / (mu * mu));
        this.cost.extraProducts += 4;
      }
    }
    return omegaBound({ eps, delta, mu, Lg, jNorm: this.jNorm, LJ: this.LJ, LHinv: this.LHinv, gNorm });
  }
}

/** ω(ε, δ) = c·ε + (‖J‖/μ)·δ + (L_J·L_g/μ)·ε², c = L_g‖J‖/μ + L_H⁻¹‖∇g‖‖J‖ + L_J‖∇g‖/μ (§1.2). */
export function omegaBound(a: { eps: number; delta: number; mu: number; Lg: number; jNorm: number; LJ: number; LHinv: number; gNorm: number }): number {
  const c = (a.Lg * a.jNorm) / a.mu + a.LHinv * a.gNorm * a.jNorm + (a.LJ * a.gNorm) / a.mu;
  return c * a.eps + (a.jNorm / a.mu) * a.delta + ((a.LJ * a.Lg) / a.mu) * a.eps * a.eps;
}
