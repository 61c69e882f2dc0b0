/**
 * @module Checkpoints of ROOT training (specs/root.md §2.1; RunContext.checkpoint): the spec hash a checkpoint must
 * match, JSON-safe encoding of non-finite scalars, and the saver that writes at most every CHECKPOINT_INTERVAL_MS
 * (forced saves on cancellation). The training state itself is assembled in train-root.ts; every random stream is
 * keyed by (seed, name, epoch / batch index) (streams.ts), so a resume needs no generator positions.
 */
import type { RootSpec } from '../../shared/index.js';
import type { CheckpointArrays, RunContext } from '../core/types.js';
import type { Dataset } from './dataset.js';

export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_INTERVAL_MS = 30_000;

/** A number that survives JSON (NaN and ±∞ become strings). */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function toJsonNumber(v: number): JsonNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function fromJsonNumber(v: JsonNumber | null | undefined): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

function fnv(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193) >>> 0;
}

function hashBytes(h: number, a: Float64Array): number {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  for (let i = 0; i < u.length; i++) h = fnv(h, u[i]);
  return h;
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = fnv(h, s.charCodeAt(i));
  return h;
}

/** Hash of everything that determines the training run: solver version, options, seed, backend choice, the data. */
export function rootSpecHash(spec: RootSpec, ds: Dataset): string {
  const { problem, ...rest } = spec;
  const p: Record<string, unknown> = { ...problem };
  delete p.X;
  delete p.y;
  const text = JSON.stringify({ version: CHECKPOINT_VERSION, spec: rest, problem: p, n: ds.n, d: ds.d });
  let a = hashString(0x811c9dc5, text);
  let b = hashString(0x01234567, `${text}#`);
  a = hashBytes(a, ds.encoded);
  a = hashBytes(a, ds.y);
  b = hashBytes(b, ds.y);
  b = hashBytes(b, ds.encoded);
  return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

export interface Versioned {
  version: number;
  hash: string;
}

/** Saves through ctx.checkpoint at most every intervalMs (plus forced saves), loads only a matching checkpoint. */
export class RootCheckpointer {
  private last: number;
  saves = 0;
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

  async save<T extends object>(meta: T, arrays: CheckpointArrays): Promise<void> {
    await this.ctx.checkpoint.save({ ...meta, version: CHECKPOINT_VERSION, hash: this.hash }, arrays);
    this.last = this.ctx.now();
    this.saves++;
  }

  async load<T extends Versioned>(): Promise<{ meta: T; arrays: CheckpointArrays } | undefined> {
    const data = await this.ctx.checkpoint.load<T>();
    if (!data) return undefined;
    if (data.meta?.version !== CHECKPOINT_VERSION || data.meta.hash !== this.hash) {
      this.ctx.log('root: checkpoint ignored (different spec or version)');
      return undefined;
    }
    return { meta: data.meta, arrays: data.arrays };
  }
}
