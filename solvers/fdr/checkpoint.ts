/**
 * @module Checkpoint and resume of an FDR job (specs/fdr.md §2.1, §2.2; issue 10): the job is a sequence of cold-
 * started lifted solves (SURE: per candidate one base and R probe solves; then the final fit), so its state is the
 * finished SURE rows, the progress of the candidates in flight (solve index, divergence sums, base fit u0, lifted
 * variables and iteration count) and, in the final phase, the lifted state of the final solve. `meta` carries a
 * fingerprint of everything the numbers depend on (options, grid, data, seed); a checkpoint that does not match is
 * ignored. Saved every ~30 s of ctx.now() time and when the signal stops the job.
 */
import { fingerprint } from '../core/fingerprint.js';
import type { CheckpointArrays, RunContext } from '../core/types.js';
import type { LiftedArrays, LiftedSnapshot } from './lifted.js';
import type { CandidateProgress, SureRow } from './sure.js';

export const CHECKPOINT_VERSION = 1;
/** Wall time between periodic saves (ms of ctx.now()). */
export const CHECKPOINT_INTERVAL_MS = 30_000;

export interface FinalProgress {
  lambda: number;
  nu: number;
  history: { iteration: number; measure: number; elapsedMs: number }[];
  lifted?: LiftedSnapshot;
}

/** The resumable state of a whole job. */
export interface FdrJobState {
  /** By candidate index; null = not finished. */
  rows: (SureRow | null)[];
  /** Candidates started but not finished. */
  partial: Map<number, CandidateProgress>;
  final?: FinalProgress;
}

interface LiftedMeta {
  iteration: number;
  /** null for NaN (JSON). */
  measure: number | null;
}

interface CandidateMeta {
  candidate: number;
  solve: number;
  its: number[];
  divSum: number;
  weighted: number;
  baseStop: string;
  hasU0: boolean;
  lifted: LiftedMeta | null;
}

export interface FdrCheckpointMeta {
  version: number;
  hash: string;
  rows: (SureRow | null)[];
  partial: CandidateMeta[];
  final: { lambda: number; nu: number; history: FinalProgress['history']; lifted: LiftedMeta | null } | null;
}

export { fingerprint };

function liftedMeta(s: LiftedSnapshot | undefined): LiftedMeta | null {
  return s ? { iteration: s.iteration, measure: Number.isNaN(s.measure) ? null : s.measure } : null;
}

function putLifted(arrays: CheckpointArrays, prefix: string, s: LiftedSnapshot | undefined): void {
  if (!s) return;
  for (const [k, a] of Object.entries(s.arrays)) arrays[`${prefix}.${k}`] = a;
}

function getLifted(arrays: CheckpointArrays, prefix: string, m: LiftedMeta | null): LiftedSnapshot | undefined {
  if (!m) return undefined;
  const out: LiftedArrays = {};
  for (const [k, a] of Object.entries(arrays)) {
    if (!k.startsWith(`${prefix}.`) || a instanceof Int32Array) continue;
    out[k.slice(prefix.length + 1)] = a;
  }
  return { iteration: m.iteration, measure: m.measure ?? Number.NaN, arrays: out };
}

export function encodeState(hash: string, st: FdrJobState): { meta: FdrCheckpointMeta; arrays: CheckpointArrays } {
  const arrays: CheckpointArrays = {};
  const partial: CandidateMeta[] = [];
  for (const [c, p] of st.partial) {
    partial.push({ candidate: c, solve: p.solve, its: p.its, divSum: p.divSum, weighted: p.weighted, baseStop: p.baseStop, hasU0: !!p.u0, lifted: liftedMeta(p.lifted) });
    if (p.u0) arrays[`c${c}.u0`] = p.u0;
    putLifted(arrays, `c${c}`, p.lifted);
  }
  const fin = st.final;
  if (fin) putLifted(arrays, 'final', fin.lifted);
  return {
    meta: {
      version: CHECKPOINT_VERSION,
      hash,
      rows: st.rows,
      partial,
      final: fin ? { lambda: fin.lambda, nu: fin.nu, history: fin.history, lifted: liftedMeta(fin.lifted) } : null,
    },
    arrays,
  };
}

/** Decodes a checkpoint; undefined when it belongs to another spec or version or is inconsistent. */
export function decodeState(hash: string, candidates: number, data: { meta: FdrCheckpointMeta; arrays: CheckpointArrays } | undefined): FdrJobState | undefined {
  if (!data) return undefined;
  const { meta, arrays } = data;
  if (!meta || meta.version !== CHECKPOINT_VERSION || meta.hash !== hash || !Array.isArray(meta.rows) || meta.rows.length !== candidates) return undefined;
  const partial = new Map<number, CandidateProgress>();
  for (const p of meta.partial ?? []) {
    const u0 = arrays[`c${p.candidate}.u0`];
    if (p.hasU0 && !(u0 instanceof Float64Array)) return undefined;
    partial.set(p.candidate, {
      solve: p.solve,
      its: p.its.slice(),
      divSum: p.divSum,
      weighted: p.weighted,
      baseStop: p.baseStop,
      u0: p.hasU0 ? (u0 as Float64Array) : undefined,
      lifted: getLifted(arrays, `c${p.candidate}`, p.lifted),
    });
  }
  const f = meta.final;
  return {
    rows: meta.rows,
    partial,
    final: f ? { lambda: f.lambda, nu: f.nu, history: f.history, lifted: getLifted(arrays, 'final', f.lifted) } : undefined,
  };
}

/** Saves through ctx.checkpoint at most every CHECKPOINT_INTERVAL_MS (plus forced saves on cancellation). */
export class FdrCheckpointer {
  private last: number;
  constructor(
    private readonly ctx: RunContext,
    readonly hash: string,
    readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    this.last = ctx.now();
  }
  due(): boolean {
    return this.ctx.now() - this.last >= this.intervalMs;
  }
  async save(st: FdrJobState): Promise<void> {
    this.last = this.ctx.now(); // a save in flight is not due again
    const { meta, arrays } = encodeState(this.hash, st);
    await this.ctx.checkpoint.save(meta, arrays);
    this.last = this.ctx.now();
  }
  async load(candidates: number): Promise<FdrJobState | undefined> {
    const data = await this.ctx.checkpoint.load<FdrCheckpointMeta>();
    const st = decodeState(this.hash, candidates, data);
    if (data && !st) this.ctx.log('fdr: checkpoint ignored (different spec or version)');
    return st;
  }
}
