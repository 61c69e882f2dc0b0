/**
 * @module The kernel interface (the op list is a contract, as in tfjs kernel_names): every heavy operation the
 * four solvers need, on typed arrays. `cpu` implements all of them in float64; `gpu` (gpu.js, float32) overrides
 * the heavy ones and falls back to the CPU path for small inputs. Kernels assume valid input (checked at the
 * solver's entry) and never allocate their outputs: callers pass `out` buffers allocated outside hot loops.
 * Matrices are row-major. Shapes are passed explicitly.
 */
export type F64 = Float64Array;

export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export type BackendName = 'cpu' | 'gpu';

export interface KernelInfo {
  backend: BackendName;
  /** What actually runs, e.g. "cpu-f64", "gpu.js webgpu (NVIDIA H100)", "gpu.js webasm". */
  device: string;
  precision: 'float64' | 'float32';
}

export interface Kernels {
  readonly info: KernelInfo;

  // ---- BLAS-like (row-major) ----
  /** C[m×n] = alpha·op(A)·op(B) + beta·C, op(A) is m×k (A stored k×m if transA), op(B) is k×n. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, A: F64, B: F64, beta: number, C: F64): void;
  /** y = alpha·op(A)·x + beta·y, A stored m×n; op(A) = Aᵀ when trans. */
  gemv(trans: boolean, m: number, n: number, alpha: number, A: F64, x: F64, beta: number, y: F64): void;
  /** y = alpha·op(S)·x + beta·y for CSR S. */
  spmv(trans: boolean, S: Csr, alpha: number, x: F64, beta: number, y: F64): void;
  /** y ← alpha·x + y. */
  axpy(n: number, alpha: number, x: F64, y: F64): void;
  /** out ← a·x + b·y (out may alias x or y). */
  axpby(n: number, a: number, x: F64, b: number, y: F64, out: F64): void;
  scale(n: number, alpha: number, x: F64): void;

  // ---- reductions ----
  dot(n: number, x: F64, y: F64): number;
  sum(n: number, x: F64): number;
  nrm2(n: number, x: F64): number;
  /** max |x_i|. */
  normInf(n: number, x: F64): number;
  /** Index of the first maximum of x (NaN-free input); -1 for n = 0. */
  argmax(n: number, x: F64): number;

  // ---- stencils on grids (row-major, last axis fastest; shape has 1–3 axes) ----
  /**
   * Forward differences with Neumann boundary (difference 0 at the last index of each axis):
   * out[k·N + i] = u[i + e_k] − u[i]. out has length d·N.
   */
  grad(shape: readonly number[], u: F64, out: F64): void;
  /** Discrete divergence, the negative adjoint of `grad`: ⟨grad u, p⟩ = −⟨u, div p⟩. p has length d·N. */
  div(shape: readonly number[], p: F64, out: F64): void;
  /** 2-D 'valid'-free correlation with zero padding: out[h×w] = Σ k[a,b]·img[i+a−r, j+b−r], filter (2r+1)². */
  conv2d(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void;
  /** Adjoint of conv2d with the same kernel (correlation with the flipped kernel). */
  conv2dAdjoint(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void;

  // ---- projections ----
  /** Project each of n vectors (length dim, stored contiguously) onto the ball of radius r (in place). */
  projectBall(n: number, dim: number, r: number, v: F64): void;
  /**
   * FDR parabola projection (specs/fdr.md §1.3), per element i of n: project (x_i, t_i) ∈ R^dim × R onto
   * {(x, t) : t ≥ a·|x|² − b_i} with a = `a`, b_i = `b[i]`; x has dim components stored as x[i·dim + c].
   * The spec's set {y ≥ |x|²/4 − c} is a = 1/4, b_i = c[x,k]; any a > 0 is reduced to it by uniform scaling.
   */
  projectParabola(n: number, dim: number, a: number, x: F64, t: F64, b: F64): void;

  // ---- Gaussian processes ----
  /** K[n×m] = s2·exp(−|X_i − Y_j|²/(2ℓ²)), X n×d, Y m×d. */
  rbf(n: number, m: number, d: number, X: F64, Y: F64, lengthscale: number, s2: number, K: F64): void;
  /** G[m×d] = ∂/∂y_j Σ_i alpha_i k(X_i, y_j): gradient of the GP mean Σ α_i k(X_i, ·) at each row of Y. */
  rbfMeanGrad(n: number, m: number, d: number, X: F64, Y: F64, alpha: F64, lengthscale: number, s2: number, G: F64): void;

  // ---- dense factorisations ----
  /** In-place lower Cholesky of A[n×n] (upper part untouched). Returns false if a pivot ≤ 0. */
  cholesky(n: number, A: F64): boolean;
  /** Solve L·X = B (lower, trans=false) or Lᵀ·X = B (trans=true) in place for B[n×nrhs]. */
  trsm(trans: boolean, n: number, nrhs: number, L: F64, B: F64): void;

  // ---- MLP (ROOT bridge) ----
  /** out[b×o] = act(in[b×i]·W[i×o] + bias[o]); act 'none' | 'relu' | 'silu' | 'tanh'. preact (optional) keeps z. */
  dense(batch: number, nin: number, nout: number, input: F64, W: F64, bias: F64, act: Activation, out: F64, preact?: F64): void;
  /**
   * Backward of `dense`: given dOut[b×o], preact z and input, writes dW[i×o], dBias[o] (accumulated when
   * `accumulate`), and dIn[b×i] when given.
   */
  denseBackward(
    batch: number,
    nin: number,
    nout: number,
    input: F64,
    W: F64,
    preact: F64,
    act: Activation,
    dOut: F64,
    dW: F64,
    dBias: F64,
    dIn: F64 | undefined,
    accumulate: boolean,
  ): void;
  /** One Adam step (bias-corrected) on n parameters: t is the 1-based step count. */
  adam(n: number, params: F64, grads: F64, m: F64, v: F64, lr: number, beta1: number, beta2: number, eps: number, t: number): void;
}

export type Activation = 'none' | 'relu' | 'silu' | 'tanh';
