/**
 * @module Wall-time record of one `root` run (specs/root.md §8 cost table), reported as the result's `timing`:
 * milliseconds spent in the GP part (Gram build, Cholesky + the two triangular solves, walk steps + end labels), the
 * network part (training batches; validation apart), sampling and the base GP, with the unit counts needed to turn
 * them into per-unit costs. Read from ctx.now(); never feeds back into the computation (results stay bit-identical).
 * Covers this invocation only (a resumed run times the epochs it trained itself).
 */

/** Accumulators filled by GpMean.fit (Gram, factorisation + solves). */
export interface GpFitTimer {
  now(): number;
  gramMs: number;
  choleskyMs: number;
}

export interface RootTimingRecord {
  /** Gram + Cholesky + walks of the epoch GPs (the base GP is `baseGpMs`). */
  gpMs: number;
  gramMs: number;
  choleskyMs: number;
  /** Walk steps (∇g of 2P walkers) plus the end labels g(x±) and pair filtering. */
  walkMs: number;
  /** Training batches (forward, backward, Adam, EMA). */
  networkMs: number;
  validationMs: number;
  samplingMs: number;
  /** Base GP fit (ℓ0, σ²0) on the epoch-0 rows: `predicted` and the GA surrogate. */
  baseGpMs: number;
  /** Wall time of the epochs trained in this run divided by their number (0 when none). */
  perEpochMs: number;
  epochs: number;
  factorisations: number;
  /** Rows of the last epoch GP (n_gp). */
  gpRows: number;
  walkSteps: number;
  batches: number;
  samplerSteps: number;
}

export class RootTiming implements GpFitTimer {
  gramMs = 0;
  choleskyMs = 0;
  walkMs = 0;
  networkMs = 0;
  validationMs = 0;
  samplingMs = 0;
  baseGpMs = 0;
  epochMs = 0;
  epochs = 0;
  factorisations = 0;
  gpRows = 0;
  walkSteps = 0;
  batches = 0;
  samplerSteps = 0;

  constructor(readonly now: () => number) {}

  record(): RootTimingRecord {
    return {
      gpMs: this.gramMs + this.choleskyMs + this.walkMs,
      gramMs: this.gramMs,
      choleskyMs: this.choleskyMs,
      walkMs: this.walkMs,
      networkMs: this.networkMs,
      validationMs: this.validationMs,
      samplingMs: this.samplingMs,
      baseGpMs: this.baseGpMs,
      perEpochMs: this.epochs > 0 ? this.epochMs / this.epochs : 0,
      epochs: this.epochs,
      factorisations: this.factorisations,
      gpRows: this.gpRows,
      walkSteps: this.walkSteps,
      batches: this.batches,
      samplerSteps: this.samplerSteps,
    };
  }
}
