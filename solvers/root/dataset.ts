/**
 * @module Offline data of a `root` job (specs/root.md §1.2, §4): user `continuous` / `categorical` problems and the
 * built-in benchmarks become one shape: user-unit designs, scores, the encoded design matrix (logits for categorical
 * data), a decoder back to user designs and, for benchmarks, the exact oracle and normalisation bounds.
 */
import type { RootProblem } from '../../shared/index.js';
import type { DataReader } from '../core/types.js';
import { decodeLogits, encodeTokens } from './codec.js';
import { streamRng } from './streams.js';
import { generateSynthetic, testFunction, type SyntheticTask } from './tasks/synthetic.js';
import { loadTfBind8, scoreTfBind8, TFBIND8_ALPHABET, TFBIND8_LENGTH } from './tasks/tfbind8.js';

export interface Benchmark {
  task: string;
  dim: number;
  dataSeed: number;
  yMin: number;
  yMax: number;
  /** y_max used by the paper's target rule (D3). */
  paperYMax: number;
  /** Raw true scores of Q designs given in user units (tokens for tfbind8). */
  score(Q: number, designs: Float64Array): Float64Array;
  /** Presets (§3): ℓ0, σ²0, η, gpRows limit. */
  preset: { lengthscale: number; outputscale: number; stepSize: number; gpRowsLimit: number };
  info: Record<string, number>;
}

export interface Dataset {
  kind: 'continuous' | 'categorical';
  n: number;
  /** Width of a user design: d (continuous) or L (categorical). */
  width: number;
  /** Alphabet size (categorical). */
  C: number;
  /** Encoded dimension (d, or L·(C−1)). */
  d: number;
  /** User designs [n×width] (tokens as numbers for categorical). */
  X: Float64Array;
  y: Float64Array;
  /** Encoded designs [n×d] before z-scoring. */
  encoded: Float64Array;
  benchmark?: Benchmark;
}

/** Encodes Q user designs [Q×width] into out[Q×d]. */
export function encodeDesigns(ds: Dataset, Q: number, designs: ArrayLike<number>, out: Float64Array): Float64Array {
  if (ds.kind === 'categorical') return encodeTokens(Q, ds.width, ds.C, designs, out);
  for (let i = 0; i < Q * ds.d; i++) out[i] = designs[i];
  return out;
}

/** Decodes Q encoded rows (user units of the encoding) into user designs [Q×width]. */
export function decodeDesigns(ds: Dataset, Q: number, encoded: Float64Array): Float64Array {
  if (ds.kind === 'categorical') return Float64Array.from(decodeLogits(Q, ds.width, ds.C, encoded, new Int32Array(Q * ds.width)));
  return Float64Array.from(encoded.subarray(0, Q * ds.d));
}

export function defaultDim(task: string): number {
  return task === 'tfbind8' ? 8 : task === 'quadratic' ? 2 : 10;
}

export async function loadDataset(problem: RootProblem, data: DataReader): Promise<Dataset> {
  if (problem.kind === 'continuous') {
    const [n, d] = problem.X.shape;
    const X = Float64Array.from(problem.X.data);
    return { kind: 'continuous', n, width: d, C: 0, d, X, y: Float64Array.from(problem.y), encoded: X };
  }
  if (problem.kind === 'categorical') {
    const [n, L] = problem.X.shape;
    const C = problem.alphabetSize;
    const X = Float64Array.from(problem.X.data);
    const d = L * (C - 1);
    return { kind: 'categorical', n, width: L, C, d, X, y: Float64Array.from(problem.y), encoded: encodeTokens(n, L, C, X, new Float64Array(n * d)) };
  }
  const dim = problem.dim ?? defaultDim(problem.task);
  if (problem.task === 'tfbind8') {
    const tf = await loadTfBind8(data);
    const n = tf.offlineY.length;
    const L = TFBIND8_LENGTH;
    const C = TFBIND8_ALPHABET;
    const d = L * (C - 1);
    const X = Float64Array.from(tf.offlineTokens);
    const tok = new Int32Array(0);
    let scratch = tok;
    const benchmark: Benchmark = {
      task: 'tfbind8',
      dim: L,
      dataSeed: 0,
      yMin: tf.yMin,
      yMax: tf.yMax,
      paperYMax: 1.0,
      score(Q, designs) {
        if (scratch.length < Q * L) scratch = new Int32Array(Q * L);
        for (let i = 0; i < Q * L; i++) scratch[i] = designs[i];
        return scoreTfBind8(tf.table, Q, scratch, new Float64Array(Q));
      },
      preset: { lengthscale: 6.25, outputscale: 6.25, stepSize: 0.05, gpRowsLimit: 15000 },
      info: { rows: tf.labels.length, offlineRows: n, threshold: tf.threshold },
    };
    return { kind: 'categorical', n, width: L, C, d, X, y: tf.offlineY, encoded: encodeTokens(n, L, C, X, new Float64Array(n * d)), benchmark };
  }
  const task = problem.task as SyntheticTask;
  const syn = generateSynthetic(task, dim, streamRng(problem.seed, 'data'));
  const n = syn.y.length;
  const benchmark: Benchmark = {
    task,
    dim,
    dataSeed: problem.seed,
    yMin: syn.yMin,
    yMax: syn.yMax,
    paperYMax: 0,
    score(Q, designs) {
      const out = new Float64Array(Q);
      for (let i = 0; i < Q; i++) out[i] = -testFunction(task, dim, designs, i * dim);
      return out;
    },
    preset: { lengthscale: 1.0, outputscale: 1.0, stepSize: 0.001, gpRowsLimit: Number.POSITIVE_INFINITY },
    info: { samples: syn.N, offlineRows: n, threshold: syn.threshold },
  };
  return { kind: 'continuous', n, width: dim, C: 0, d: dim, X: syn.X, y: syn.y, encoded: syn.X, benchmark };
}
