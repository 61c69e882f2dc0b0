/**
 * @module One FDR fit on gridded data (specs/fdr.md §2.1): lifted solve (§2.2) on a pluggable back-end (float64
 * CPU or the gpu.js pipeline), ½-isosurface (§1.5), jump set with the √ν (or given) threshold (§1.6).
 */
import { isosurface, jumpSet } from './recover.js';
import { solveLiftedCpu, type FdrVariant, type LiftedConfig, type LiftedStop, type SolveOptions } from './lifted.js';

export interface LiftedSolveResult {
  v: Float64Array | Float32Array;
  iterations: number;
  stop: LiftedStop;
  measureFinal: number;
}

/** A lifted back-end: returns the final v (N·L) after the stopping rule. */
export type LiftedSolve = (f: Float64Array, cfg: LiftedConfig, opts: SolveOptions) => Promise<LiftedSolveResult>;

export const cpuLiftedSolve: LiftedSolve = async (f, cfg, opts) => {
  const r = await solveLiftedCpu(f, cfg, opts);
  return { v: r.v, iterations: r.iterations, stop: r.stop, measureFinal: r.measureFinal };
};

export interface FitParams {
  shape: number[];
  h: number[];
  levels: number;
  lambda: number;
  nu: number;
  variant: FdrVariant;
  /** 'ms' = √ν. */
  jumpThreshold: 'ms' | number;
}

export interface FitResult {
  /** u in [0,1] units (after the 1-D clean-up). */
  u01: Float64Array;
  J: Uint8Array;
  iterations: number;
  stop: LiftedStop;
  measureFinal: number;
}

export function liftedConfig(p: FitParams): LiftedConfig {
  return { shape: p.shape, levels: p.levels, lambda: p.lambda, nu: p.nu, variant: p.variant, h: p.h };
}

export async function fitLifted(f: Float64Array, p: FitParams, solve: LiftedSolve, opts: SolveOptions): Promise<FitResult> {
  const r = await solve(f, liftedConfig(p), opts);
  const u01 = isosurface(r.v, f.length, p.levels, p.variant);
  const thr = p.jumpThreshold === 'ms' ? Math.sqrt(p.nu) : p.jumpThreshold;
  const J = jumpSet(u01, p.shape, thr);
  return { u01, J, iterations: r.iterations, stop: r.stop, measureFinal: r.measureFinal };
}
