/**
 * @module ObjectStore on Amazon S3 (DESIGN §1, §5). Only moves bytes: put-if-absent is `If-None-Match: *`
 * (412 → `false`), an etag-checked update is `If-Match` (412, or 404 for a vanished object → PreconditionFailedError),
 * listing pages with ListObjectsV2 (`StartAfter`, `MaxKeys`), and presigned GET/PUT URLs come from the presigner.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  PreconditionFailedError,
  type Body,
  type GetResult,
  type ListOptions,
  type ListResult,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from '../../shared/ports/index.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** A configured client; by default one for the ambient region and credentials. */
  client?: S3Client;
}

/** S3 answers at most this many keys per ListObjectsV2 call. */
const S3_PAGE = 1000;
/** `409 ConditionalRequestConflict` means another conditional write raced ours: S3 asks callers to retry. */
const CONFLICT_RETRIES = 4;

export function httpStatusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode;
}

function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return httpStatusOf(e) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly client: S3Client;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
  }

  async get(key: string): Promise<GetResult | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      return { body, etag: res.ETag ?? '' };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0, etag: res.ETag ?? '' };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async put(key: string, body: Body, options: PutOptions = {}): Promise<string> {
    const input = this.putInput(key, body, options);
    if (options.ifMatch !== undefined) input.IfMatch = options.ifMatch;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.client.send(new PutObjectCommand(input));
        return res.ETag ?? '';
      } catch (e) {
        const status = httpStatusOf(e);
        if (options.ifMatch !== undefined) {
          // 412: the etag changed; 404: the object is gone; 409 after retries: a racing writer keeps winning.
          if (status === 412 || isNotFound(e)) throw new PreconditionFailedError(key);
          if (status === 409) {
            if (attempt < CONFLICT_RETRIES) continue;
            throw new PreconditionFailedError(key);
          }
        }
        throw e;
      }
    }
  }

  async putIfAbsent(key: string, body: Body, options: PutOptions = {}): Promise<boolean> {
    const input = this.putInput(key, body, options);
    input.IfNoneMatch = '*';
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new PutObjectCommand(input));
        return true;
      } catch (e) {
        const status = httpStatusOf(e);
        if (status === 412) return false;
        if (status === 409 && attempt < CONFLICT_RETRIES) continue;
        throw e;
      }
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = Math.max(0, Math.floor(options.limit ?? S3_PAGE));
    const keys: string[] = [];
    if (limit === 0) return { keys };
    let token: string | undefined;
    let truncated = false;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: Math.min(S3_PAGE, limit - keys.length),
          ...(token ? { ContinuationToken: token } : options.startAfter ? { StartAfter: options.startAfter } : {}),
        }),
      );
      for (const o of res.Contents ?? []) if (o.Key !== undefined && keys.length < limit) keys.push(o.Key);
      truncated = res.IsTruncated === true;
      token = res.NextContinuationToken;
    } while (truncated && token && keys.length < limit);
    const last = keys[keys.length - 1];
    return truncated && last !== undefined ? { keys, next: last } : { keys };
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presign(key: string, method: 'GET' | 'PUT', expiresS: number): Promise<string | undefined> {
    const command =
      method === 'GET' ? new GetObjectCommand({ Bucket: this.bucket, Key: key }) : new PutObjectCommand({ Bucket: this.bucket, Key: key });
    return getSignedUrl(this.client, command, { expiresIn: Math.max(1, Math.floor(expiresS)) });
  }

  private putInput(key: string, body: Body, options: PutOptions): PutObjectCommandInput {
    const input: PutObjectCommandInput = { Bucket: this.bucket, Key: key, Body: body };
    if (options.contentType) input.ContentType = options.contentType;
    return input;
  }
}
