/**
 * @module The ObjectStore contract suite (hono common.case / vizier datastore_test_lib style): every adapter
 * (memory, filesystem, S3) runs the same cases through `describeObjectStore(name, makeStore)`.
 */
import { describe, expect, it } from 'vitest';
import { PreconditionFailedError, type ObjectStore } from '../../shared/index.js';

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export function describeObjectStore(name: string, makeStore: () => Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it('put then get returns the bytes and an etag; missing keys give undefined', async () => {
      const s = await makeStore();
      expect(await s.get('tenants/a/jobs/x/spec.json')).toBeUndefined();
      const etag = await s.put('tenants/a/jobs/x/spec.json', '{"a":1}');
      const got = await s.get('tenants/a/jobs/x/spec.json');
      expect(text(got?.body)).toBe('{"a":1}');
      expect(got?.etag).toBe(etag);
      expect((await s.head('tenants/a/jobs/x/spec.json'))?.size).toBe(7);
      expect(await s.head('tenants/a/jobs/x/none')).toBeUndefined();
    });

    it('putIfAbsent writes once and never overwrites', async () => {
      const s = await makeStore();
      expect(await s.putIfAbsent('k/one', 'first')).toBe(true);
      expect(await s.putIfAbsent('k/one', 'second')).toBe(false);
      expect(text((await s.get('k/one'))?.body)).toBe('first');
    });

    it('concurrent putIfAbsent: exactly one winner', async () => {
      const s = await makeStore();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.putIfAbsent('k/race', `w${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(text((await s.get('k/race'))?.body)).toBe(`w${winner}`);
    });

    it('conditional put succeeds with the current etag and fails with a stale one', async () => {
      const s = await makeStore();
      const e1 = await s.put('k/status', 'v1');
      const e2 = await s.put('k/status', 'v2', { ifMatch: e1 });
      await expect(s.put('k/status', 'v3', { ifMatch: e1 })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(text((await s.get('k/status'))?.body)).toBe('v2');
      await s.put('k/status', 'v4', { ifMatch: e2 });
      expect(text((await s.get('k/status'))?.body)).toBe('v4');
    });

    it('list returns keys with the prefix in ascending order, paged by startAfter/limit', async () => {
      const s = await makeStore();
      const keys = ['p/a/1', 'p/a/2', 'p/b/1', 'p/c', 'q/x', 'p/a/10'];
      for (const k of keys) await s.put(k, k);
      const all = await s.list('p/');
      expect(all.keys).toEqual(['p/a/1', 'p/a/10', 'p/a/2', 'p/b/1', 'p/c']);
      const page1 = await s.list('p/', { limit: 2 });
      expect(page1.keys).toEqual(['p/a/1', 'p/a/10']);
      expect(page1.next).toBeDefined();
      const page2 = await s.list('p/', { limit: 2, startAfter: page1.next });
      expect(page2.keys).toEqual(['p/a/2', 'p/b/1']);
      const page3 = await s.list('p/', { limit: 2, startAfter: page2.next });
      expect(page3.keys).toEqual(['p/c']);
      expect(page3.next).toBeUndefined();
      expect((await s.list('p/a/')).keys).toEqual(['p/a/1', 'p/a/10', 'p/a/2']);
      expect((await s.list('nothing/')).keys).toEqual([]);
    });

    it('delete removes the object and is idempotent', async () => {
      const s = await makeStore();
      await s.put('k/del', 'x');
      await s.delete('k/del');
      await s.delete('k/del');
      expect(await s.get('k/del')).toBeUndefined();
    });

    it('binary bodies round-trip exactly', async () => {
      const s = await makeStore();
      const bytes = new Uint8Array(1000).map((_, i) => (i * 37) & 255);
      await s.put('k/bin.npy', bytes);
      expect(Array.from((await s.get('k/bin.npy'))!.body)).toEqual(Array.from(bytes));
    });
  });
}
