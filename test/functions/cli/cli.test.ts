/** The `solvent` CLI end to end: `solve` runs a job in-process and writes the result and artifacts; `examples` writes specs. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'solvent.mjs');

describe('solvent CLI', () => {
  it('solve writes the result object (same shape as GET /result) and the .npy artifacts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'solvent-cli-'));
    const spec = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [3, 2], data: [1, 0, 0, 1, 1, 1] }, b: [1, 2, 3] }, options: { tolerance: 1e-10 } };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    await run(process.execPath, [BIN, 'solve', join(dir, 'spec.json'), '--out', join(dir, 'result.json')], { cwd: dir });
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ solver: 'bcd', stop: 'converged', backend: 'cpu' });
    // normal equations of [[1,0],[0,1],[1,1]] x = [1,2,3]: x = [1, 2]
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(2, 6);
    expect(readdirSync(dir)).toContain('result.x.npy');
  });

  it('a bad spec exits non-zero listing the issue paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'solvent-cli-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [1] }, b: [1] } }));
    const err = await run(process.execPath, [BIN, 'solve', join(dir, 'bad.json')], { cwd: dir }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('problem.A.data');
  });

  it('examples writes one spec per example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'solvent-cli-'));
    const { stdout } = await run(process.execPath, [BIN, 'examples', join(dir, 'ex'), '--json'], { cwd: dir });
    const files = JSON.parse(stdout) as string[];
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(files[0], 'utf8')).solver).toBeDefined();
  });
});
