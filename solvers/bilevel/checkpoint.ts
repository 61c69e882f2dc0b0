/**
 * @module Checkpoint and resume of a `bilevel` job (specs/bilevel.md §2.1, §2.6; issue 10). The resume point is the
 * last completed upper iteration of MAID / fixed-accuracy / HOAG: the method's scalars (ε, δ, α, HOAG's L and last
 * accepted loss, counts) and vectors (θ, the warm start x̃, HOAG's undo point), the history and ε/δ log, and the
 * engine's cost counters and probed constants. Probes draw from rng.fork(iteration), so no generator state is kept.
 * `meta` carries a fingerprint of the spec, seed and start point; a checkpoint that does not match is ignored.
 */
import { fingerprint } from '../core/fingerprint.js';
import type { CheckpointArrays, RunContext } from '../core/types.js';
import { Cancelled, type EngineState } from './engine.js';
import type { HistoryPoint, LoopState, RunOutcome } from './maid.js';

export const CHECKPOINT_VERSION = 1;
/** ctx.now() time between periodic saves (ms). */
export const CHECKPOINT_INTERVAL_MS = 30_000;

/** A JSON number that survives NaN and ±Infinity. */
type Num = number | 'NaN' | 'Infinity' | '-Infinity';
const enc = (v: number): Num => (Number.isFinite(v) ? v : (String(v) as Num));
const dec = (v: Num): number => (typeof v === 'string' ? Number(v) : v);

export interface BilevelCheckpointMeta {
  version: number;
  hash: string;
  method: LoopState['method'];
  iteration: number;
  stop: LoopState['stop'];
  /** ctx.now() time the job has run so far (the time limit continues from it). */
  elapsedMs: number;
  scalars: Record<string, Num>;
  engine: { cost: EngineState['cost']; uncertifiedSolves: number; LJ: Num; LHinv: Num; jNorm: Num; budgetHit: boolean };
  /** Names of the vectors, stored as arrays `v.<name>`. */
  vectors: string[];
}

export interface Resumed {
  loop: LoopState;
  engine: EngineState;
  elapsedMs: number;
}

export { fingerprint };

const HISTORY_FIELDS = 9;
const WHY: RunOutcome['accuracyLog'][number]['why'][] = ['init', 'descent', 'failed', 'accepted'];

function packHistory(h: HistoryPoint[], len: number): Float64Array {
  const a = new Float64Array(len * HISTORY_FIELDS);
  for (let i = 0; i < len; i++) {
    const p = h[i];
    a.set([p.iteration, p.upperLoss, p.eps, p.delta, p.alpha, p.cost, p.accepted ? 1 : 0, p.gradNorm, p.omega], i * HISTORY_FIELDS);
  }
  return a;
}

function unpackHistory(a: Float64Array): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  for (let o = 0; o < a.length; o += HISTORY_FIELDS) {
    out.push({ iteration: a[o], upperLoss: a[o + 1], eps: a[o + 2], delta: a[o + 3], alpha: a[o + 4], cost: a[o + 5], accepted: a[o + 6] === 1, gradNorm: a[o + 7], omega: a[o + 8] });
  }
  return out;
}

function packLog(l: RunOutcome['accuracyLog'], len: number): Float64Array {
  const a = new Float64Array(len * 3);
  for (let i = 0; i < len; i++) a.set([l[i].eps, l[i].delta, WHY.indexOf(l[i].why)], 3 * i);
  return a;
}

function unpackLog(a: Float64Array): RunOutcome['accuracyLog'] {
  const out: RunOutcome['accuracyLog'] = [];
  for (let o = 0; o < a.length; o += 3) out.push({ eps: a[o], delta: a[o + 1], why: WHY[a[o + 2]] });
  return out;
}

/** The checkpoint of a boundary state; `historyLength`/`logLength` cut the live arrays back to the boundary. */
export function encodeState(
  hash: string,
  loop: LoopState,
  engine: EngineState,
  elapsedMs: number,
  historyLength = loop.history.length,
  logLength = loop.accuracyLog.length,
): { meta: BilevelCheckpointMeta; arrays: CheckpointArrays } {
  const arrays: CheckpointArrays = { history: packHistory(loop.history, historyLength), accuracyLog: packLog(loop.accuracyLog, logLength) };
  for (const [k, v] of Object.entries(loop.vectors)) arrays[`v.${k}`] = v;
  const scalars: Record<string, Num> = {};
  for (const [k, v] of Object.entries(loop.scalars)) scalars[k] = enc(v);
  return {
    meta: {
      version: CHECKPOINT_VERSION,
      hash,
      method: loop.method,
      iteration: loop.iteration,
      stop: loop.stop,
      elapsedMs,
      scalars,
      engine: { cost: { ...engine.cost }, uncertifiedSolves: engine.uncertifiedSolves, LJ: enc(engine.LJ), LHinv: enc(engine.LHinv), jNorm: enc(engine.jNorm), budgetHit: engine.budgetHit },
      vectors: Object.keys(loop.vectors),
    },
    arrays,
  };
}

/**
 * Decodes a checkpoint; undefined when it belongs to another spec, version or method, or a vector in `sizes` is
 * missing or of another length.
 */
export function decodeState(
  hash: string,
  method: LoopState['method'],
  sizes: Record<string, number>,
  data: { meta: BilevelCheckpointMeta; arrays: CheckpointArrays } | undefined,
): Resumed | undefined {
  if (!data?.meta) return undefined;
  const { meta, arrays } = data;
  if (meta.version !== CHECKPOINT_VERSION || meta.hash !== hash || meta.method !== method) return undefined;
  const vectors: LoopState['vectors'] = {};
  for (const [k, n] of Object.entries(sizes)) {
    const v = arrays[`v.${k}`];
    if (!(v instanceof Float64Array) || v.length !== n) return undefined;
    vectors[k] = v;
  }
  const h = arrays.history;
  const l = arrays.accuracyLog;
  if (!(h instanceof Float64Array) || !(l instanceof Float64Array)) return undefined;
  const scalars: Record<string, number> = {};
  for (const [k, v] of Object.entries(meta.scalars ?? {})) scalars[k] = dec(v);
  const e = meta.engine;
  return {
    loop: { method, iteration: meta.iteration, stop: meta.stop, scalars, vectors, history: unpackHistory(h), accuracyLog: unpackLog(l) },
    engine: { cost: { ...e.cost }, uncertifiedSolves: e.uncertifiedSolves, LJ: dec(e.LJ), LHinv: dec(e.LHinv), jNorm: dec(e.jNorm), budgetHit: e.budgetHit },
    elapsedMs: meta.elapsedMs,
  };
}

/**
 * Keeps a copy of the last boundary state (vectors copied into buffers allocated once; history and log by length)
 * and saves it through ctx.checkpoint at most every `intervalMs` of ctx.now() time, and on `saveLast` (cancellation).
 */
export class BilevelCheckpointer {
  private last: number;
  private loop?: LoopState;
  private engineState?: EngineState;
  private historyLength = 0;
  private logLength = 0;
  private readonly buffers = new Map<string, Float64Array>();
  private engine?: { exportState(): EngineState };
  private elapsed: () => number = () => 0;

  constructor(
    private readonly ctx: RunContext,
    readonly hash: string,
    readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    this.last = ctx.now();
  }

  async load(method: LoopState['method'], sizes: Record<string, number>): Promise<Resumed | undefined> {
    const data = await this.ctx.checkpoint.load<BilevelCheckpointMeta>();
    const st = decodeState(this.hash, method, sizes, data);
    if (data && !st) this.ctx.log('bilevel: checkpoint ignored (different spec, version or method)');
    return st;
  }

  /** The engine whose counters go with each state, and the job's elapsed time so far. */
  attach(engine: { exportState(): EngineState }, elapsedMs: () => number): void {
    this.engine = engine;
    this.elapsed = elapsedMs;
  }

  /** An upper iteration ended: remember its state, save if due, and throw Cancelled if the job was cancelled. */
  readonly boundary = async (s: LoopState): Promise<void> => {
    const vectors: LoopState['vectors'] = {};
    for (const [k, v] of Object.entries(s.vectors)) {
      let b = this.buffers.get(k);
      if (!b || b.length !== v.length) {
        b = new Float64Array(v.length);
        this.buffers.set(k, b);
      }
      b.set(v);
      vectors[k] = b;
    }
    this.loop = { ...s, vectors };
    this.historyLength = s.history.length;
    this.logLength = s.accuracyLog.length;
    this.engineState = this.engine?.exportState();
    if (this.ctx.signal.aborted) throw new Cancelled(); // the run saves this state on its way out
    if (this.ctx.now() - this.last >= this.intervalMs) await this.saveLast();
  };

  /** Saves the last boundary state (nothing when no iteration has finished in this attempt). */
  async saveLast(): Promise<boolean> {
    if (!this.loop || !this.engineState) return false;
    this.last = this.ctx.now();
    const { meta, arrays } = encodeState(this.hash, this.loop, this.engineState, this.elapsed(), this.historyLength, this.logLength);
    await this.ctx.checkpoint.save(meta, arrays);
    this.last = this.ctx.now();
    return true;
  }
}
