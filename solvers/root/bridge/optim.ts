/**
 * @module Optimiser pieces of the ROOT training loop (specs/root.md §2.2): PyTorch's ReduceLROnPlateau (mode min,
 * relative threshold; factor 0.5, patience 200, cooldown 200, threshold 1e-4, min lr 5e-7, eps 1e-8) and the EMA of
 * BBDM (a copy before batch 4000, then ema ← 0.995·ema + 0.005·θ).
 */
export class PlateauScheduler {
  best = Number.POSITIVE_INFINITY;
  bad = 0;
  cool = 0;
  constructor(
    public lr: number,
    readonly factor = 0.5,
    readonly patience = 200,
    readonly cooldown = 200,
    readonly threshold = 1e-4,
    readonly minLr = 5e-7,
    readonly eps = 1e-8,
  ) {}

  step(value: number): number {
    if (value < this.best * (1 - this.threshold)) {
      this.best = value;
      this.bad = 0;
    } else {
      this.bad++;
    }
    if (this.cool > 0) {
      this.cool--;
      this.bad = 0;
    }
    if (this.bad > this.patience) {
      const next = Math.max(this.lr * this.factor, this.minLr);
      if (this.lr - next > this.eps) this.lr = next;
      this.cool = this.cooldown;
      this.bad = 0;
    }
    return this.lr;
  }
}

export const EMA_DECAY = 0.995;
export const EMA_START_BATCH = 4000;

/** EMA update at global batch b: copy before EMA_START_BATCH, then decay. */
export function emaUpdate(b: number, ema: Float64Array, params: Float64Array): void {
  if (b < EMA_START_BATCH) {
    ema.set(params);
    return;
  }
  const a = EMA_DECAY;
  for (let i = 0; i < ema.length; i++) ema[i] = a * ema[i] + (1 - a) * params[i];
}
