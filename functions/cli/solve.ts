/**
 * @module `solvent solve spec.json [--out result.json]`: runs one job in-process (the same worker code as the
 * service, on a temporary folder store) with a progress bar on stderr, and writes the result object (the JSON of
 * GET /v1/jobs/{id}/result); artifacts are copied beside the output file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { JobStore, keys, ulidFactory, validateSpec, type JobStatus, type ProgressPoint } from '../../shared/index.js';
import { createJsonLogger } from '../json-logger.js';
import { FsObjectStore } from '../local/fs-store.js';
import { runJob } from '../worker/run-job.js';
import { solverVersion } from '../worker/version.js';

export interface SolveOptions {
  out?: string;
  json: boolean;
  progress: boolean;
  dataDir?: string;
}

function bar(p: ProgressPoint): string {
  const obj = typeof p.objective === 'number' ? ` objective ${p.objective.toPrecision(6)}` : '';
  const meas = typeof p.measure === 'number' ? ` measure ${p.measure.toExponential(2)}` : '';
  const phase = p.phase ? ` [${p.phase}]` : '';
  return `\r  iteration ${p.iteration}${phase}${obj}${meas}  ${(p.elapsedMs / 1000).toFixed(1)} s   `;
}

export async function solveCommand(specPath: string, o: SolveOptions): Promise<number> {
  const raw = JSON.parse(await readFile(specPath, 'utf8'));
  const spec = validateSpec(raw);
  const root = await mkdtemp(join(tmpdir(), 'solvent-solve-'));
  try {
    const store = new FsObjectStore(root);
    const jobs = new JobStore(store);
    const id = ulidFactory(Date.now, (n) => new Uint8Array(randomBytes(n)))();
    const tenant = 'cli';
    const status: JobStatus = { id, tenant, solver: spec.solver, status: 'queued', createdAt: new Date().toISOString(), attempts: 0, maxAttempts: 1 };
    await jobs.create(spec, status);
    let lastDraw = 0;
    const stop = new AbortController();
    const onSig = () => stop.abort();
    process.once('SIGINT', onSig);
    const final = await runJob(
      { tenant, jobId: id },
      {
        store,
        now: Date.now,
        log: createJsonLogger(undefined, { component: 'solve' }, true),
        dataDir: o.dataDir,
        solverVersion: solverVersion(),
        stopSignal: stop.signal,
        onProgress: (p) => {
          if (!o.progress || Date.now() - lastDraw < 200) return;
          lastDraw = Date.now();
          process.stderr.write(bar(p));
        },
      },
    );
    process.off('SIGINT', onSig);
    if (o.progress) process.stderr.write('\n');
    const result = await jobs.readResult(tenant, id);
    if (!result) {
      process.stderr.write(`job ${final?.status ?? 'failed'}: ${final?.error?.message ?? 'no result'}\n`);
      return 1;
    }
    const text = `${JSON.stringify(result, null, o.json ? 0 : 2)}\n`;
    if (o.out) {
      const out = resolve(o.out);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, text);
      for (const a of result.artifacts) {
        const got = await store.get(keys.artifactKey(tenant, id, a.name));
        if (got) await writeFile(join(dirname(out), `${basename(out, '.json')}.${a.name}`), got.body);
      }
      process.stderr.write(`${final?.status}: ${result.stop} after ${result.iterations} iterations in ${result.elapsedMs} ms → ${out}\n`);
    } else process.stdout.write(text);
    return final?.status === 'succeeded' ? 0 : 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
