/**
 * @module Result types per solver (DESIGN §6 envelope + §7 outputs, field names from specs/*.md "Result fields").
 * `ResultFor<'bcd'>` is what `client.result()` returns for a bcd job; solvers may add fields, so every result
 * also keeps an index signature of `unknown`.
 */
import type { Artifact, ResultEnvelope, SolverName, StopReason } from '../shared/index.js';

export interface Grid<T = number> {
  shape: number[];
  data: T[];
}

/** Fields every result carries (DESIGN §6). */
export interface CommonResult<N extends SolverName> extends ResultEnvelope {
  solver: N;
  stop: StopReason;
  iterations: number;
  elapsedMs: number;
  history: HistoryPoint[];
  artifacts: Artifact[];
}

export interface HistoryPoint {
  iteration?: number;
  elapsedMs?: number;
  objective?: number;
  measure?: number;
  [field: string]: unknown;
}

export interface BcdResult extends CommonResult<'bcd'> {
  x: number[];
  objective: number;
  optimality: number;
  optimalityInitial?: number;
  /** L1 problems only: ascending indices of nonzeros. */
  support?: number[];
  activeSetIdentifiedAt?: number | null;
}

export interface BilevelCost {
  lowerIterations: number;
  cgIterations: number;
  lowerSolves?: number;
  cgSolves?: number;
  extraProducts?: number;
}

export interface BilevelResult extends CommonResult<'bilevel'> {
  theta: number[];
  hyperparameters: Record<string, unknown>;
  upperLoss: number;
  upperLossBounds?: { lower: number; upper: number };
  upperLossTight?: number;
  certified?: boolean;
  cost: BilevelCost;
  /** Denoising problems: PSNR in dB per image; reconstructions are the `reconstructions.npy` artifact [N,h,w]. */
  psnr?: { before: number; after: number }[];
  psnrBatch?: { before: number; after: number };
  accuracy?: { train: number; validation: number; test?: number };
}

export interface RootScores {
  p100: number;
  p80: number;
  p50: number;
  mean?: number;
  fractionAboveOfflineBest: number;
}

export interface RootResult extends CommonResult<'root'> {
  method?: 'root' | 'gradient-ascent' | 'random';
  /** Q designs, each d numbers (continuous, X units) or L tokens (categorical / tfbind8). */
  candidates: number[][];
  predicted: number[];
  offlineBest: { index: number; x: number[]; y: number; normalised?: number };
  /** Benchmark tasks only, normalised units. */
  scores?: RootScores;
  startScores?: RootScores;
  starts?: number[];
  target?: { value: number; z: number; rule: string; clamped: boolean };
  /** Method root: the trainer's figures, or `{bridgeFrom}` when the job sampled an earlier job's bridge. */
  training?: { batches: number; optimizerSteps: number; finalLoss: number; validationLoss: number | null } | { bridgeFrom: string };
}

export interface FdrJump {
  cell: number[];
  size: number;
  from?: number;
  to?: number;
  location?: number[];
}

export interface FdrResult extends CommonResult<'fdr'> {
  grid: { shape: number[]; lower: number[]; upper: number[] };
  u: Grid;
  jumpMask: Grid;
  jumps: FdrJump[];
  lambda: number;
  nu: number;
  sure: Record<string, unknown> | null;
}

export interface ResultsBySolver {
  bcd: BcdResult;
  bilevel: BilevelResult;
  root: RootResult;
  fdr: FdrResult;
}

/** The result type of a solver; for the union `SolverName`, the union of all results (narrow on `solver`). */
export type ResultFor<N extends SolverName> = ResultsBySolver[N];
export type SolventResult = ResultFor<SolverName>;
