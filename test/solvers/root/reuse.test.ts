/**
 * Sampling more candidates from a bridge an earlier job trained (options.bridge.job): the same seed reproduces that
 * job's candidates bit for bit, another seed or more candidates give new ones from the same network, and a bridge
 * that does not fit the problem (other data, other variant, no bridge) fails with the field named.
 */
import { describe, expect, it } from 'vitest';
import { rootSpecSchema, SolverError } from '../../../shared/index.js';
import { solver } from '../../../solvers/root/index.js';
import { resources } from '../../../solvers/root/resources.js';
import { makeTestContext, type TestJob } from '../../support/run-context.js';

const JOB = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const problem = { kind: 'benchmark', task: 'quadratic', dim: 2 };
const train = { epochs: 2, functionsPerEpoch: 2, startPoints: 64, gpRows: 200, gradientSteps: 10, stepSize: 0.05, hidden: 24, batchSize: 16, accumulate: 1, samplingSteps: 20, candidates: 8 };

async function trainedJob(seed: number, variant = 'corrected'): Promise<{ job: TestJob; result: Record<string, unknown> }> {
  const ctx = await makeTestContext();
  const result = await solver.run(rootSpecSchema.parse({ solver: 'root', problem, options: { ...train, variant }, seed }), ctx);
  return { job: { artifacts: ctx.artifactStore, result: { ...result, solver: 'root' } }, result };
}

const reuse = (options: Record<string, unknown>, seed: number) =>
  rootSpecSchema.parse({ solver: 'root', problem, options: { samplingSteps: 20, candidates: 8, ...options, bridge: { job: JOB } }, seed });

describe('root: sampling from an earlier job\'s bridge (options.bridge.job)', () => {
  it('the same seed reproduces the training job\'s candidates exactly; another seed and more candidates sample anew', async () => {
    const { job, result } = await trainedJob(3);
    const jobs = { [JOB]: job };
    const again = await solver.run(reuse({}, 3), await makeTestContext({ jobs }));
    expect(again.candidates).toEqual(result.candidates);
    expect(again.iterations).toBe(0);
    expect(again.training).toEqual({ bridgeFrom: JOB });
    expect((again.options as { hidden: number }).hidden).toBe(24); // the bridge's width, not the option's default
    expect(again.target).toEqual(result.target);
    const other = await solver.run(reuse({ candidates: 16 }, 9), await makeTestContext({ jobs }));
    const c = other.candidates as number[][];
    expect(c.length).toBe(16);
    expect(c.slice(0, 8)).not.toEqual(result.candidates);
    for (const row of c) for (const v of row) expect(Number.isFinite(v)).toBe(true);
    // the reusing job writes the bridge again, so it can be named by a later job
    const ctx2 = await makeTestContext({ jobs });
    await solver.run(reuse({}, 3), ctx2);
    expect(ctx2.artifactStore.get('bridge-weights.npy')?.data).toEqual(job.artifacts.get('bridge-weights.npy')?.data);
  });

  it('fails with options.bridge.job named: no such job, other offline data, other variant', async () => {
    const { job } = await trainedJob(1);
    await expect(solver.run(reuse({}, 0), await makeTestContext())).rejects.toThrow(/options\.bridge\.job: job .* has no trained bridge/);
    const otherData = rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'quadratic', dim: 2, seed: 5 }, options: { bridge: { job: JOB } } });
    const e = await solver.run(otherData, await makeTestContext({ jobs: { [JOB]: job } })).catch((x) => x);
    expect(e).toBeInstanceOf(SolverError);
    expect(String(e.message)).toMatch(/options\.bridge\.job: .*other offline data/);
    await expect(solver.run(reuse({ variant: 'reference' }, 0), await makeTestContext({ jobs: { [JOB]: job } }))).rejects.toThrow(/variant "corrected"/);
  });

  it('schema: a job id, only with method root; resources: no training, CPU unless backend gpu', () => {
    const bad = rootSpecSchema.safeParse({ solver: 'root', problem, options: { bridge: { job: 'not-an-id' } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('options.bridge.job');
    const ga = rootSpecSchema.safeParse({ solver: 'root', problem, options: { method: 'gradient-ascent', bridge: { job: JOB } } });
    expect(ga.error?.issues.map((i) => i.path.join('.'))).toContain('options.bridge');
    const tf = (options: Record<string, unknown>) => resources(rootSpecSchema.parse({ solver: 'root', problem: { kind: 'benchmark', task: 'tfbind8' }, options }));
    const sampleOnly = tf({ bridge: { job: JOB } });
    const full = tf({});
    expect(sampleOnly.gpu).toBe(false);
    expect(full.gpu).toBe(true);
    expect(sampleOnly.timeoutS).toBeLessThan(full.timeoutS);
    expect(sampleOnly.memoryMiB).toBeLessThan(full.memoryMiB);
  });
});
