/**
 * @module TF-Bind-8 benchmark (specs/root.md §4): the 65,792 labelled 8-mers of Design-Bench (tokens A=0, C=1, G=2,
 * T=3), the offline split y ≤ NumPy-linear 50th percentile (32,898 rows), and the exact oracle: a 4^8-entry lookup
 * indexed by Σ tok_i·4^(7−i). Normalisation y_min = 0, y_max = 1. Data are read through ctx.data, never bundled.
 */
import { SolverError } from '../../../shared/index.js';
import type { DataReader } from '../../core/types.js';
import { parseNpy } from '../npy.js';
import { percentileLinear } from '../normalise.js';

export const TFBIND8_LENGTH = 8;
export const TFBIND8_ALPHABET = 4;
export const TFBIND8_X = 'tfbind8/tf_bind_8-x-0.npy';
export const TFBIND8_Y = 'tfbind8/tf_bind_8-y-0.npy';

export interface TfBind8Data {
  /** All rows: tokens [N×8] and labels [N]. */
  tokens: Int32Array;
  labels: Float64Array;
  /** 4^8 lookup table of scores. */
  table: Float64Array;
  /** Offline split (row order of the file): tokens [n×8], y [n], and the threshold used. */
  offlineTokens: Int32Array;
  offlineY: Float64Array;
  threshold: number;
  yMin: number;
  yMax: number;
}

export function tfbindIndex(tokens: ArrayLike<number>, offset: number): number {
  let idx = 0;
  for (let p = 0; p < TFBIND8_LENGTH; p++) idx = idx * 4 + tokens[offset + p];
  return idx;
}

export function buildTfBind8(tokens: Int32Array, labels: Float64Array): TfBind8Data {
  const N = labels.length;
  const table = new Float64Array(4 ** TFBIND8_LENGTH).fill(Number.NaN);
  for (let i = 0; i < N; i++) table[tfbindIndex(tokens, i * TFBIND8_LENGTH)] = labels[i];
  const threshold = percentileLinear(labels, 50);
  let n = 0;
  for (let i = 0; i < N; i++) if (labels[i] <= threshold) n++;
  const offlineTokens = new Int32Array(n * TFBIND8_LENGTH);
  const offlineY = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < N; i++) {
    if (labels[i] > threshold) continue;
    offlineTokens.set(tokens.subarray(i * TFBIND8_LENGTH, (i + 1) * TFBIND8_LENGTH), k * TFBIND8_LENGTH);
    offlineY[k++] = labels[i];
  }
  return { tokens, labels, table, offlineTokens, offlineY, threshold, yMin: 0, yMax: 1 };
}

export async function loadTfBind8(data: DataReader): Promise<TfBind8Data> {
  const xb = await data.read(TFBIND8_X);
  const yb = await data.read(TFBIND8_Y);
  if (!xb || !yb) {
    throw new SolverError(
      `tfbind8 needs the benchmark data files ${TFBIND8_X} and ${TFBIND8_Y} in the data folder${data.location ? ` (${data.location})` : ''}; set SOLVENT_DATA_DIR`,
    );
  }
  const x = parseNpy(xb, TFBIND8_X);
  const y = parseNpy(yb, TFBIND8_Y);
  if (x.shape.length !== 2 || x.shape[1] !== TFBIND8_LENGTH || y.data.length !== x.shape[0]) {
    throw new SolverError(`tfbind8 data have unexpected shapes x [${x.shape}] / y [${y.shape}]`);
  }
  return buildTfBind8(Int32Array.from(x.data), Float64Array.from(y.data));
}

/** True scores of Q token rows. */
export function scoreTfBind8(table: Float64Array, Q: number, tokens: Int32Array, out: Float64Array): Float64Array {
  for (let i = 0; i < Q; i++) out[i] = table[tfbindIndex(tokens, i * TFBIND8_LENGTH)];
  return out;
}
