/**
 * S3ObjectStore with aws-sdk-client-mock: conditional writes (If-None-Match / If-Match and their 412/409/404
 * answers), error pass-through and ListObjectsV2 paging. (Kept apart from the HTTP suite: mockClient patches every
 * S3Client in the process.)
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/aws/s3-store.js';
import { PreconditionFailedError } from '../../../shared/ports/index.js';

const BUCKET = 'solvent-test';
const s3Error = (status: number, name: string) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

describe('S3ObjectStore with a mocked client: conditional writes and errors', () => {
  const s3 = mockClient(S3Client);
  const store = () => new S3ObjectStore({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) });
  beforeEach(() => s3.reset());

  it('putIfAbsent: 200 → true, 412 → false, both with IfNoneMatch "*"', async () => {
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"1"' }).rejectsOnce(s3Error(412, 'PreconditionFailed'));
    expect(await store().putIfAbsent('k', 'a')).toBe(true);
    expect(await store().putIfAbsent('k', 'b')).toBe(false);
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls.map((c) => c.args[0].input.IfNoneMatch)).toEqual(['*', '*']);
    expect(calls[0].args[0].input).toMatchObject({ Bucket: BUCKET, Key: 'k', Body: 'a' });
  });

  it('putIfAbsent retries a 409 ConditionalRequestConflict, then reports the outcome', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error(409, 'ConditionalRequestConflict')).rejectsOnce(s3Error(412, 'PreconditionFailed'));
    expect(await store().putIfAbsent('k', 'a')).toBe(false);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('put with ifMatch: IfMatch carries the etag; 412 and 404 become PreconditionFailedError; 500 passes through', async () => {
    s3.on(PutObjectCommand)
      .resolvesOnce({ ETag: '"2"' })
      .rejectsOnce(s3Error(412, 'PreconditionFailed'))
      .rejectsOnce(s3Error(404, 'NoSuchKey'))
      .rejectsOnce(s3Error(500, 'InternalError'));
    expect(await store().put('k', 'a', { ifMatch: '"1"' })).toBe('"2"');
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.IfMatch).toBe('"1"');
    await expect(store().put('k', 'a', { ifMatch: '"1"' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(store().put('k', 'a', { ifMatch: '"1"' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(store().put('k', 'a', { ifMatch: '"1"' })).rejects.toMatchObject({ name: 'InternalError' });
  });

  it('an unconditional put never sends IfMatch/IfNoneMatch, and a 412 there is not swallowed', async () => {
    s3.on(PutObjectCommand).rejects(s3Error(412, 'PreconditionFailed'));
    await expect(store().put('k', 'a')).rejects.toMatchObject({ name: 'PreconditionFailed' });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input.IfMatch).toBeUndefined();
    expect(input.IfNoneMatch).toBeUndefined();
  });

  it('get/head: 404 → undefined, 403 (missing s3:ListBucket or a denied key) → thrown', async () => {
    s3.on(GetObjectCommand).rejectsOnce(s3Error(404, 'NoSuchKey')).rejectsOnce(s3Error(403, 'AccessDenied'));
    s3.on(HeadObjectCommand).rejectsOnce(s3Error(404, 'NotFound'));
    expect(await store().get('k')).toBeUndefined();
    await expect(store().get('k')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(await store().head('k')).toBeUndefined();
  });

  it('list: StartAfter only on the first request, then continuation tokens; MaxKeys never above 1000', async () => {
    const page = (n: number, from: number, token?: string) => ({
      Contents: Array.from({ length: n }, (_, i) => ({ Key: `p/${from + i}` })),
      IsTruncated: token !== undefined,
      NextContinuationToken: token,
    });
    s3.on(ListObjectsV2Command).resolvesOnce(page(1000, 0, 't1')).resolvesOnce(page(1000, 1000, 't2')).resolvesOnce(page(500, 2000, 't3'));
    const out = await store().list('p/', { limit: 2500, startAfter: 'p/-' });
    expect(out.keys).toHaveLength(2500);
    expect(out.next).toBe('p/2499');
    const inputs = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.MaxKeys)).toEqual([1000, 1000, 500]);
    expect(inputs.map((i) => i.StartAfter)).toEqual(['p/-', undefined, undefined]);
    expect(inputs.map((i) => i.ContinuationToken)).toEqual([undefined, 't1', 't2']);
  });
});
