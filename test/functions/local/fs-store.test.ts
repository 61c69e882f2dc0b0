import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FsObjectStore, InvalidKeyError } from '../../../functions/local/fs-store.js';
import { keys } from '../../../shared/index.js';
import { describeObjectStore } from '../../support/object-store.contract.js';
import { MemoryStore } from '../../support/memory-store.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'solvent-fs-'));

describeObjectStore('filesystem', async () => new FsObjectStore(fresh()));
describeObjectStore('memory', async () => new MemoryStore());

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('FsObjectStore keeps every key inside its root', () => {
  it('rejects path-like keys', async () => {
    const s = new FsObjectStore(fresh());
    for (const k of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b', 'a\\..\\b', '', 'a/\0b', 'a/.tmp-1', 'x.lock']) {
      await expect(s.put(k, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    }
  });

  it('property: any key either is rejected or resolves to a file under the root', async () => {
    const root = fresh();
    const s = new FsObjectStore(root);
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'a', 'tenants', '%2e%2e', '\\', '~'), fc.string({ maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        const key = parts.join('/');
        try {
          await s.put(key, 'v');
        } catch (e) {
          // A key may also collide with an existing file/folder of another key (a/b vs a): a plain fs error.
          if (!(e instanceof InvalidKeyError)) expect(['EISDIR', 'ENOTDIR', 'EEXIST']).toContain((e as NodeJS.ErrnoException).code);
          return;
        }
        const p = s.pathOf(key);
        expect(relative(resolve(root), p).startsWith('..')).toBe(false);
      }),
      { numRuns: 300 },
    );
    for (const f of filesUnder(root)) expect(f.startsWith(resolve(root))).toBe(true);
  });

  it('property: key builders reject unsafe tenant/job segments and never produce keys outside tenants/<t>/', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 30 }), (t, id) => {
        let k: string;
        try {
          k = keys.statusKey(t, id);
        } catch {
          return;
        }
        expect(k.startsWith(`tenants/${t}/jobs/${id}/`)).toBe(true);
        expect(k.split('/').some((p) => p === '..' || p === '.' || p === '')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
