/**
 * @module API keys on AWS (DESIGN §3 "Auth"): a key is never stored, only its SHA-256 digest, in
 * `auth/keys/<first 32 hex digits of the digest>.json` = { tenant, sha256, createdAt, name?, disabled? }. Lookup is
 * by the digest's prefix; the full 32-byte digests are then compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Auth, ObjectStore, Principal } from '../../shared/ports/index.js';
import { readJson, encodeJson } from '../../shared/store/job-store.js';
import { apiKeyRecordKey, isSafeSegment } from '../../shared/store/keys.js';

export const apiKeyRecordSchema = z.object({
  tenant: z.string().refine(isSafeSegment, 'tenant must be a safe key segment'),
  /** Hex SHA-256 of the whole key. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  name: z.string().optional(),
  disabled: z.boolean().optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/** Keys longer than this are rejected before hashing. */
export const MAX_KEY_LENGTH = 256;
const KEY_CHARS = /^[\x21-\x7e]+$/;

export function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The record's name in the store: the first 32 hex digits (128 bits) of the digest. */
export function keyIdOf(digest: Buffer): string {
  return digest.toString('hex').slice(0, 32);
}

/** Extracts the key from `Bearer <key>` (scheme case-insensitive); undefined when malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const key = m?.[1];
  if (!key || key.length > MAX_KEY_LENGTH || !KEY_CHARS.test(key)) return undefined;
  return key;
}

/** A new random key (`slv_` + 43 base64url characters = 256 bits) and the record to store for it. */
export function newApiKey(tenant: string, nowIso: string, name?: string): { key: string; id: string; record: ApiKeyRecord } {
  const key = `slv_${randomBytes(32).toString('base64url')}`;
  const digest = digestOf(key);
  const record = apiKeyRecordSchema.parse({ tenant, sha256: digest.toString('hex'), createdAt: nowIso, ...(name ? { name } : {}) });
  return { key, id: keyIdOf(digest), record };
}

/** Stores a key's record (never the key). Refuses to overwrite an existing record. */
export async function storeApiKey(store: ObjectStore, id: string, record: ApiKeyRecord): Promise<void> {
  const fresh = await store.putIfAbsent(apiKeyRecordKey(id), encodeJson(record), { contentType: 'application/json' });
  if (!fresh) throw new Error(`an API key record ${id} already exists`);
}

export interface HashedKeyAuthOptions {
  /** How long a looked-up record (or its absence) is reused, in ms. */
  cacheMs?: number;
  now?: () => number;
}

/** Auth port over hashed key records in the object store, with a small per-container cache. */
export class HashedKeyAuth implements Auth {
  private readonly cache = new Map<string, { record: ApiKeyRecord | undefined; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: ObjectStore,
    options: HashedKeyAuthOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 60_000;
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token || token.length > MAX_KEY_LENGTH || !KEY_CHARS.test(token)) return undefined;
    const digest = digestOf(token);
    const record = await this.lookup(keyIdOf(digest));
    if (!record || record.disabled) return undefined;
    const stored = Buffer.from(record.sha256, 'hex');
    if (stored.length !== digest.length || !timingSafeEqual(stored, digest)) return undefined;
    return { tenant: record.tenant };
  }

  private async lookup(id: string): Promise<ApiKeyRecord | undefined> {
    const t = this.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > t) return hit.record;
    const got = await readJson<unknown>(this.store, apiKeyRecordKey(id)); // store errors propagate, uncached
    const parsed = got ? apiKeyRecordSchema.safeParse(got.value) : undefined;
    const record = parsed?.success ? parsed.data : undefined;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, { record, until: t + this.cacheMs });
    return record;
  }
}
