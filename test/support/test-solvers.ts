/**
 * @module Test-only solver implementations, loaded by worker processes through SOLVENT_TEST_SOLVER_MODULE (never
 * in production). They stand in for `bcd` and act on `spec.tags.behavior`: `sleep` (reports progress for
 * `tags.ms` ms, honouring the abort signal), `throw` (a SolverError), `exit` (the process exits with code 3),
 * `hang` (a synchronous loop that ignores every signal), anything else a quick least-squares-free echo result.
 */
import { SolverError, bcdSpecSchema, type BcdSpec, type JobSpec } from '../../shared/index.js';
import type { Solver } from '../../solvers/core/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fakeBcd: Solver<BcdSpec> = {
  name: 'bcd',
  schema: bcdSpecSchema,
  resources: () => ({ gpu: false, vcpus: 1, memoryMiB: 256, timeoutS: 60 }),
  async run(spec, ctx) {
    const behavior = spec.tags?.behavior ?? 'echo';
    const ms = Number(spec.tags?.ms ?? 1500);
    const t0 = ctx.now();
    if (behavior === 'throw') throw new SolverError('the test solver failed on purpose');
    if (behavior === 'exit') process.exit(3);
    if (behavior === 'hang') for (;;) {}
    const history: Record<string, unknown>[] = [];
    let it = 0;
    let stop: 'max_iterations' | 'cancelled' = 'max_iterations';
    if (behavior === 'sleep') {
      while (ctx.now() - t0 < ms) {
        if (ctx.signal.aborted) {
          stop = 'cancelled';
          break;
        }
        it++;
        const point = { iteration: it, objective: 1 / it, measure: 1 / it, elapsedMs: ctx.now() - t0 };
        history.push(point);
        ctx.progress(point);
        await sleep(50);
      }
    }
    const x = new Float64Array([1, 2, 3]);
    await ctx.artifacts.write('x.npy', x, [3]);
    return { stop, iterations: it, history, options: spec.options, x: Array.from(x), objective: 0, draw: ctx.rng.next() };
  },
};

export const solvers: Partial<Record<JobSpec['solver'], Solver<JobSpec>>> = { bcd: fakeBcd as unknown as Solver<JobSpec> };
