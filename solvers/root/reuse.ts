/**
 * @module Sampling more candidates from a bridge an earlier `root` job trained (`options.bridge.job`; issue: "the
 * trained bridge saved as an artifact so the same job can sample more candidates later"): reads that job's
 * bridge-layout / bridge-weights / bridge-normalisation artifacts and its result through ctx.jobs (same tenant),
 * checks that they fit this problem (encoded width, variant, the offline normalisation), and rebuilds the EMA
 * denoiser with the trainer's row chunking, so that the same seed reproduces that job's candidates exactly.
 */
import { SolverError } from '../../shared/index.js';
import type { RunContext } from '../core/types.js';
import { parameterCount } from './bridge/mlp.js';
import type { Offline } from './offline.js';

export const BRIDGE_ARTIFACTS = { weights: 'bridge-weights.npy', layout: 'bridge-layout.npy', normalisation: 'bridge-normalisation.npy' } as const;

export interface SavedTarget {
  value: number;
  z: number;
  rule: 'user' | 'offline-margin' | 'paper-oracle';
  clamped: boolean;
}

export interface LoadedBridge {
  weights: Float64Array;
  hidden: number;
  /** The earlier job's conditioning target (reused when this job's `target` is `auto`). */
  target: SavedTarget;
}

/** Relative agreement of two normalisations computed from the same rows in another order (seeded shuffle). */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export async function loadBridge(ctx: RunContext, jobId: string, off: Offline, variant: string): Promise<LoadedBridge> {
  const where = `options.bridge.job: job ${jobId}`;
  const [layout, weights, norm, result] = await Promise.all([
    ctx.jobs.artifact(jobId, BRIDGE_ARTIFACTS.layout),
    ctx.jobs.artifact(jobId, BRIDGE_ARTIFACTS.weights),
    ctx.jobs.artifact(jobId, BRIDGE_ARTIFACTS.normalisation),
    ctx.jobs.result(jobId),
  ]);
  if (!layout || !weights || !norm || !result) {
    throw new SolverError(`${where} has no trained bridge (bridge-*.npy artifacts and a result): it must be a succeeded root job with method "root"`);
  }
  const d = layout.data[0];
  const hidden = layout.data[1];
  if (d !== off.d) throw new SolverError(`${where}: its bridge takes designs of ${d} encoded dimensions, this problem has ${off.d}`);
  if (!(hidden >= 1) || weights.data.length !== parameterCount(d, hidden) || norm.data.length !== 2 * d + 2) {
    throw new SolverError(`${where}: its bridge artifacts are inconsistent (layout ${d}×${hidden}, ${weights.data.length} weights)`);
  }
  if (result.variant !== variant) {
    throw new SolverError(`${where}: its bridge was trained with variant "${String(result.variant)}", this job asks for "${variant}" (the variants feed the network differently)`);
  }
  const n = norm.data;
  let same = close(n[2 * d], off.yStats.mean) && close(n[2 * d + 1], off.yStats.std);
  for (let j = 0; same && j < d; j++) same = close(n[j], off.xStats.mean[j]) && close(n[d + j], off.xStats.std[j]);
  if (!same) throw new SolverError(`${where}: its bridge was trained on other offline data (the normalisation differs); submit the same problem`);
  const t = result.target as SavedTarget | undefined;
  if (!t || typeof t.z !== 'number') throw new SolverError(`${where}: its result has no target`);
  return { weights: Float64Array.from(weights.data), hidden, target: t };
}
