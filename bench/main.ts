/**
 * @module `npm run bench [-- name ...] [--quick]`: runs the named benchmarks (all by default), prints their tables
 * and writes bench/results/<name>.json with the machine and the time of the run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { formatTable, type BenchFn } from './table.js';

const BENCHES: Record<string, () => Promise<BenchFn>> = {
  kernels: async () => (await import('./kernels.js')).bench,
  bcd: async () => (await import('./bcd.js')).bench,
  bilevel: async () => (await import('./bilevel.js')).bench,
  root: async () => (await import('./root.js')).bench,
  fdr: async () => (await import('./fdr.js')).bench,
  'root-guidance': async () => (await import('./root-guidance.js')).bench,
  service: async () => (await import('./service.js')).bench,
  /** Issue 10's name for the service load benchmark. */
  load: async () => (await import('./service.js')).bench,
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--') && a in BENCHES);
  const args = argv.filter((a) => !(a in BENCHES));
  const chosen = names.length > 0 ? names : Object.keys(BENCHES).filter((n) => n !== 'load' && n !== 'root-guidance') // root-guidance: run once, by name;
  const outDir = join(import.meta.dirname, 'results');
  await mkdir(outDir, { recursive: true });
  for (const name of chosen) {
    let fn: BenchFn;
    try {
      fn = await BENCHES[name]();
    } catch (e) {
      console.log(`\n## ${name}: not available (${(e as Error).message})`);
      continue;
    }
    console.log(`\n## ${name}`);
    const t0 = performance.now();
    const tables = await fn({ quick, args });
    for (const t of tables) console.log(`\n${formatTable(t)}`);
    const record = {
      name,
      quick,
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      wallMs: performance.now() - t0,
      tables,
    };
    // The guidance protocol's committed table fixes W_TUNED: a --quick smoke run must not replace it.
    if (quick && name === 'root-guidance') continue;
    await writeFile(join(outDir, `${name}.json`), JSON.stringify(record, null, 2));
  }
}

await main();
