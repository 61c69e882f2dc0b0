/**
 * S3ObjectStore: the shared ObjectStore contract through the real SDK (signing, XML, error deserialisation) against a
 * fake S3 endpoint on 127.0.0.1. Request shapes and error mapping with a mocked client: s3-store-mocked.test.ts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/aws/s3-store.js';
import { PreconditionFailedError } from '../../../shared/ports/index.js';
import { describeObjectStore } from '../../support/object-store.contract.js';
import { startFakeS3, type FakeS3 } from './s3-fake-server.js';

const BUCKET = 'solvent-test';
let fake: FakeS3 | undefined;

function httpClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

async function httpStore(): Promise<S3ObjectStore> {
  fake ??= await startFakeS3(BUCKET);
  fake.objects.clear();
  fake.requests.length = 0;
  return new S3ObjectStore({ bucket: BUCKET, client: httpClient(fake.endpoint) });
}

afterAll(async () => {
  await fake?.close();
});

describeObjectStore('S3ObjectStore (SDK over HTTP, 127.0.0.1)', httpStore);

describe('S3ObjectStore over HTTP: wire details', () => {
  it('sends If-None-Match: * for putIfAbsent and If-Match with the etag for conditional puts', async () => {
    const s = await httpStore();
    await s.putIfAbsent('tenants/a/jobs/J/spec.json', '{}', { contentType: 'application/json' });
    const etag = await s.put('tenants/a/jobs/J/status.json', 'v1');
    await s.put('tenants/a/jobs/J/status.json', 'v2', { ifMatch: etag });
    const puts = fake!.requests.filter((r) => r.method === 'PUT');
    expect(puts[0].headers['if-none-match']).toBe('*');
    expect(puts[0].headers['content-type']).toBe('application/json');
    expect(puts[1].headers['if-match']).toBeUndefined();
    expect(puts[2].headers['if-match']).toBe(etag);
  });

  it('a conditional put on a missing object fails with PreconditionFailedError', async () => {
    const s = await httpStore();
    await expect(s.put('k/absent', 'x', { ifMatch: '"abc"' })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('presigned GET and PUT URLs work and carry the expiry', async () => {
    const s = await httpStore();
    await s.put('tenants/a/uploads/U1', 'payload');
    const get = await s.presign('tenants/a/uploads/U1', 'GET', 900);
    expect(new URL(get!).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(await (await fetch(get!)).text()).toBe('payload');
    const put = await s.presign('tenants/a/uploads/U2', 'PUT', 60);
    expect((await fetch(put!, { method: 'PUT', body: 'uploaded' })).status).toBe(200);
    expect(new TextDecoder().decode((await s.get('tenants/a/uploads/U2'))!.body)).toBe('uploaded');
  });

  it('lists more than one S3 page when the limit asks for it', async () => {
    const s = await httpStore();
    const keys = Array.from({ length: 1205 }, (_, i) => `p/${String(i).padStart(5, '0')}`);
    for (const k of keys) fake!.objects.set(k, { body: Buffer.from('x'), etag: '"e"' });
    const page = await s.list('p/', { limit: 1100 });
    expect(page.keys).toEqual(keys.slice(0, 1100));
    expect(page.next).toBe(keys[1099]);
    const rest = await s.list('p/', { limit: 1100, startAfter: page.next });
    expect(rest.keys).toEqual(keys.slice(1100));
    expect(rest.next).toBeUndefined();
  });
});

