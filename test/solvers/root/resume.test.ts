import { describe, expect, it } from 'vitest';
import { rootSpecSchema } from '../../../shared/index.js';
import type { CheckpointData } from '../../../solvers/core/types.js';
import { solver } from '../../../solvers/root/index.js';
import type { TrainingMeta } from '../../../solvers/root/train-root.js';
import { makeTestContext, type TestContext } from '../../support/run-context.js';

// 6 epochs × 2 functions × 48 starts → ≈ 86 training pairs per epoch = 6 batches of 16 (last one partial);
// accumulate 2 makes the gradient buffer carry across batch boundaries, EMA every 16 batches.
const spec = rootSpecSchema.parse({
  solver: 'root',
  problem: { kind: 'benchmark', task: 'quadratic', dim: 2 },
  options: { epochs: 6, functionsPerEpoch: 2, startPoints: 48, gpRows: 120, gradientSteps: 8, stepSize: 0.1, hidden: 24, batchSize: 16, samplingSteps: 20, candidates: 12 },
  seed: 7,
});

/** Everything but timings (elapsedMs, history elapsedMs, the `timing` record). */
function strip(r: Record<string, unknown>): string {
  const history = (r.history as Record<string, unknown>[]).map((h) => ({ ...h, elapsedMs: 0 }));
  const training = { ...(r.training as Record<string, unknown>), resumedFrom: undefined };
  return JSON.stringify({ ...r, elapsedMs: 0, timing: undefined, history, training });
}

/** Runs with an abort fired by `when` on a progress point; returns the result and the context (with its checkpoints). */
async function runAborted(when: (p: Record<string, unknown>) => boolean): Promise<{ r: Record<string, unknown>; ctx: TestContext }> {
  const ctx = await makeTestContext();
  const progress = ctx.progress;
  ctx.progress = (p) => {
    progress(p);
    if (when(p as unknown as Record<string, unknown>)) ctx.controller.abort();
  };
  return { r: await solver.run(spec, ctx), ctx };
}

async function resume(from: TestContext): Promise<{ r: Record<string, unknown>; ctx: TestContext }> {
  const ctx = await makeTestContext();
  ctx.checkpoints.push(from.checkpoints[from.checkpoints.length - 1]);
  return { r: await solver.run(spec, ctx), ctx };
}

describe('root checkpoints and cancellation', () => {
  it('abort after epoch 2 or inside epoch 4, then resume ⇒ bit-identical to an uninterrupted run; cancel returns EMA candidates', async () => {
    const full = await solver.run(spec, await makeTestContext());
    expect(full.stop).toBe('max_iterations');

    // Abort at the end of epoch 2: the next pairs phase sees it and saves the state at the start of epoch 3.
    const a = await runAborted((p) => p.phase === 'train' && p.iteration === 2 && p.pairsKept !== undefined);
    expect(a.r.stop).toBe('cancelled');
    expect(a.r.iterations).toBe(2);
    const cands = a.r.candidates as number[][];
    expect(cands.length).toBe(12);
    for (const c of cands) for (const v of c) expect(Number.isFinite(v)).toBe(true);
    expect(a.r.candidates).not.toEqual(full.candidates);
    expect((a.r.warnings as string[]).join(' ')).toContain('cancelled after 2 epoch(s)');
    const saved = a.ctx.checkpoints.at(-1) as CheckpointData<TrainingMeta>;
    expect(saved.meta.epochsDone).toBe(2);
    expect(saved.meta.inEpoch).toBe(false);
    expect(saved.arrays.params.length).toBe(saved.arrays.adamV.length);
    const ra = await resume(a.ctx);
    expect((ra.r.training as { resumedFrom: unknown }).resumedFrom).toEqual({ epochs: 2, pairOffset: 0 });
    expect(strip(ra.r)).toBe(strip(full));

    // Abort inside epoch 4 after its 3rd batch (an odd batch: the accumulated gradient is part of the state).
    let batches = 0;
    const b = await runAborted((p) => p.phase === 'train' && p.batch !== undefined && p.iteration === 3 && ++batches === 3);
    const inside = b.ctx.checkpoints.at(-1) as CheckpointData<TrainingMeta>;
    expect(inside.meta).toMatchObject({ epochsDone: 3, inEpoch: true, from: 48 });
    expect(b.r.iterations).toBe(3);
    const rb = await resume(b.ctx);
    expect(strip(rb.r)).toBe(strip(full));
  });

  it('a checkpoint of another spec is ignored; an abort before any epoch returns no candidates', async () => {
    const a = await runAborted((p) => p.phase === 'train' && p.iteration === 1 && p.pairsKept !== undefined);
    const ctx = await makeTestContext();
    ctx.checkpoints.push(a.ctx.checkpoints.at(-1));
    const other = await solver.run({ ...spec, seed: 8 }, ctx);
    expect((other.training as { resumedFrom?: unknown }).resumedFrom).toBeUndefined();
    expect(strip(other)).toBe(strip(await solver.run({ ...spec, seed: 8 }, await makeTestContext())));

    const early = await runAborted((p) => p.phase === 'pairs');
    expect(early.r.stop).toBe('cancelled');
    expect(early.r.candidates).toBeUndefined();
  });

  it('a cancel from a timer reaches the training loop (it yields to the event loop)', async () => {
    const ctx = await makeTestContext();
    const long = rootSpecSchema.parse({ ...spec, options: { ...spec.options, epochs: 1000 } });
    setTimeout(() => ctx.controller.abort(), 300);
    const r = await solver.run(long, ctx);
    expect(r.stop).toBe('cancelled');
    expect(r.iterations).toBeLessThan(1000);
  });
});
