/**
 * @module Synthetic functions as exact GP posterior means (specs/root.md §1.3): isotropic RBF k = σ²·exp(−‖x−x'‖²/2ℓ²),
 * zero prior mean, α = (σ²K_ℓ + noise·I)⁻¹ŷ by one Cholesky factorisation per function, g(x) = Σ_j α_j k(x, X_j) and
 * ∇g(x) = Σ_j α_j k(x, X_j)(X_j − x)/ℓ². Gram, factorisation, solves and cross-kernels run on ctx.kernels.
 * A failed factorisation is retried with the diagonal noise ×10 (up to 3 times) and reported through `jitter`.
 * An optional GpFitTimer accumulates the Gram and the factorisation + solve times (timing.ts).
 */
import { SolverError } from '../../shared/index.js';
import type { Kernels } from '../kernels/ops.js';
import type { GpFitTimer } from './timing.js';

/** Reusable buffers for fitting GPs of up to `maxRows` rows, and the cross-kernel scratch of `predict` (grown on demand). */
export class GpWorkspace {
  readonly gram: Float64Array;
  cross: Float64Array = new Float64Array(0);
  constructor(readonly maxRows: number) {
    this.gram = new Float64Array(maxRows * maxRows);
  }
}

export class GpMean {
  /** Diagonal noise actually used (≥ the requested noise when jitter was needed). */
  noiseUsed = 0;

  private constructor(
    readonly kernels: Kernels,
    private readonly work: GpWorkspace,
    readonly n: number,
    readonly d: number,
    readonly X: Float64Array,
    readonly alpha: Float64Array,
    readonly lengthscale: number,
    readonly s2: number,
  ) {}

  /** Fits α for training rows X[n×d] (z-scored) and targets y (normalised). X is kept by reference. */
  static fit(
    kernels: Kernels,
    n: number,
    d: number,
    X: Float64Array,
    y: Float64Array,
    lengthscale: number,
    s2: number,
    noise: number,
    work: GpWorkspace,
    timer?: GpFitTimer,
  ): GpMean {
    if (n > work.maxRows) throw new Error(`GP workspace holds ${work.maxRows} rows, asked for ${n}`);
    const K = n * n === work.gram.length ? work.gram : work.gram.subarray(0, n * n);
    let eps = noise;
    for (let attempt = 0; attempt < 4; attempt++) {
      const tGram = timer?.now() ?? 0;
      kernels.rbf(n, n, d, X, X, lengthscale, s2, K);
      for (let i = 0; i < n; i++) K[i * n + i] += eps;
      const tChol = timer?.now() ?? 0;
      if (timer) timer.gramMs += tChol - tGram;
      let alpha: Float64Array | undefined;
      if (kernels.cholesky(n, K)) {
        alpha = Float64Array.from(y.subarray(0, n));
        kernels.trsm(false, n, 1, K, alpha);
        kernels.trsm(true, n, 1, K, alpha);
      }
      if (timer) timer.choleskyMs += timer.now() - tChol;
      if (alpha) {
        const gp = new GpMean(kernels, work, n, d, X, alpha, lengthscale, s2);
        gp.noiseUsed = eps;
        return gp;
      }
      eps *= 10;
    }
    throw new SolverError(`the GP Gram matrix is not positive definite even with noise ${eps / 10} (lengthscale ${lengthscale}, outputscale ${s2})`);
  }

  /**
   * out[m] = g(Y_j) for Y[m×d], in row tiles. The n×tile cross-kernel scratch lives in the workspace (shared by the
   * GPs fitted with it, grown on demand), so fitting and evaluating one GP per synthetic function allocates it once.
   */
  predict(m: number, Y: Float64Array, out: Float64Array): Float64Array {
    const tile = Math.max(1, Math.min(m, Math.floor(4_000_000 / Math.max(1, this.n))));
    const w = this.work;
    if (w.cross.length < this.n * tile) w.cross = new Float64Array(this.n * tile);
    for (let r = 0; r < m; r += tile) {
      const b = Math.min(tile, m - r);
      const K = w.cross.subarray(0, this.n * b);
      this.kernels.rbf(this.n, b, this.d, this.X, Y.subarray(r * this.d, (r + b) * this.d), this.lengthscale, this.s2, K);
      this.kernels.gemv(true, this.n, b, 1, K, this.alpha, 0, out.subarray(r, r + b));
    }
    return out;
  }

  /** G[m×d] = ∇g at each row of Y. */
  gradient(m: number, Y: Float64Array, G: Float64Array): Float64Array {
    this.kernels.rbfMeanGrad(this.n, m, this.d, this.X, Y, this.alpha, this.lengthscale, this.s2, G);
    return G;
  }
}
