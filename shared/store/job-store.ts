/**
 * @module Typed reads and writes of a job's documents over any ObjectStore (written once for every adapter):
 * spec.json put-if-absent, status.json changed only through `transition` with etag-checked writes, progress and
 * result documents, cancel marker, listing index. The result is always written before a `succeeded` status.
 */
import type { ProgressDoc, ResultEnvelope } from '../api/schemas.js';
import type { JobSpec } from '../spec/index.js';
import { isTerminal, jobStatusSchema, type JobStatus } from '../jobs/states.js';
import { transition, type JobEvent } from '../jobs/transition.js';
import { PreconditionFailedError, type ObjectStore } from '../ports/index.js';
import * as keys from './keys.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeJson(v: unknown): Uint8Array {
  return enc.encode(JSON.stringify(v));
}
export function decodeJson<T = unknown>(b: Uint8Array): T {
  return JSON.parse(dec.decode(b)) as T;
}

/** A stored document that cannot be parsed: the job it belongs to is reported failed, never silently dropped. */
export class CorruptDocumentError extends Error {
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`stored document ${key} is corrupt`, { cause });
    this.name = 'CorruptDocumentError';
  }
}

export async function readJson<T>(store: ObjectStore, key: string): Promise<{ value: T; etag: string } | undefined> {
  const got = await store.get(key);
  if (!got) return undefined;
  try {
    return { value: decodeJson<T>(got.body), etag: got.etag };
  } catch (e) {
    throw new CorruptDocumentError(key, e);
  }
}

export class JobStore {
  constructor(readonly store: ObjectStore) {}

  /** Creates spec (put-if-absent), status and the listing entry. Returns false if the id already exists. */
  async create(spec: JobSpec, status: JobStatus): Promise<boolean> {
    const { tenant, id } = status;
    const fresh = await this.store.putIfAbsent(keys.specKey(tenant, id), encodeJson(spec), { contentType: 'application/json' });
    if (!fresh) return false;
    // Independent documents: written concurrently (a failure is cleaned up by the caller).
    await Promise.all([
      this.store.put(keys.statusKey(tenant, id), encodeJson(status), { contentType: 'application/json' }),
      this.store.put(keys.jobIndexKey(tenant, id), encodeJson({ id, createdAt: status.createdAt })),
      isTerminal(status.status) ? Promise.resolve('') : this.store.put(keys.activeJobKey(tenant, id), encodeJson({ id })),
    ]);
    return true;
  }

  async readSpec(tenant: string, id: string): Promise<JobSpec | undefined> {
    return (await readJson<JobSpec>(this.store, keys.specKey(tenant, id)))?.value;
  }

  async readStatus(tenant: string, id: string): Promise<{ status: JobStatus; etag: string } | undefined> {
    const got = await readJson<unknown>(this.store, keys.statusKey(tenant, id));
    if (!got) return undefined;
    const parsed = jobStatusSchema.safeParse(got.value);
    if (!parsed.success) throw new CorruptDocumentError(keys.statusKey(tenant, id), parsed.error);
    return { status: parsed.data, etag: got.etag };
  }

  /**
   * Applies an event through the pure transition function with an etag-checked write, retrying on a concurrent
   * change. Throws ConflictError (from `transition`) if the event is not allowed in the current state.
   */
  async apply(tenant: string, id: string, event: JobEvent, nowIso: () => string, retries = 8): Promise<JobStatus> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.readStatus(tenant, id);
      if (!cur) throw new Error(`job ${id} has no status`);
      const next = transition(cur.status, event, nowIso());
      try {
        await this.store.put(keys.statusKey(tenant, id), encodeJson(next), { contentType: 'application/json', ifMatch: cur.etag });
        if (isTerminal(next.status)) await this.store.delete(keys.activeJobKey(tenant, id));
        return next;
      } catch (e) {
        if (e instanceof PreconditionFailedError && attempt < retries) continue;
        throw e;
      }
    }
  }

  /** Overwrites status without a transition check: only for repairing a corrupt status document. */
  async forceStatus(status: JobStatus): Promise<void> {
    await this.store.put(keys.statusKey(status.tenant, status.id), encodeJson(status), { contentType: 'application/json' });
    if (isTerminal(status.status)) await this.store.delete(keys.activeJobKey(status.tenant, status.id));
  }

  /**
   * Queued + running jobs of a tenant, counted from the active markers: O(limit) listing, no reads. Markers whose
   * job is in fact terminal (a crash between the status write and the marker delete) are repaired when `verify`.
   */
  async countActive(tenant: string, limit: number, verify: boolean): Promise<number> {
    const page = await this.store.list(keys.activeJobsPrefix(tenant), { limit });
    if (!verify) return page.keys.length;
    let n = 0;
    for (const k of page.keys) {
      const id = k.slice(keys.activeJobsPrefix(tenant).length);
      const st = await this.readStatus(tenant, id).catch(() => undefined);
      if (st && !isTerminal(st.status.status)) n++;
      else await this.store.delete(k);
    }
    return n;
  }

  async writeProgress(tenant: string, id: string, doc: ProgressDoc): Promise<void> {
    await this.store.put(keys.progressKey(tenant, id), encodeJson(doc), { contentType: 'application/json' });
  }
  async readProgress(tenant: string, id: string): Promise<ProgressDoc | undefined> {
    try {
      return (await readJson<ProgressDoc>(this.store, keys.progressKey(tenant, id)))?.value;
    } catch (e) {
      if (e instanceof CorruptDocumentError) return undefined; // progress is advisory
      throw e;
    }
  }

  async writeResult(tenant: string, id: string, result: ResultEnvelope): Promise<void> {
    await this.store.put(keys.resultKey(tenant, id), encodeJson(result), { contentType: 'application/json' });
  }
  async readResult(tenant: string, id: string): Promise<ResultEnvelope | undefined> {
    return (await readJson<ResultEnvelope>(this.store, keys.resultKey(tenant, id)))?.value;
  }

  async requestCancel(tenant: string, id: string, nowIso: string): Promise<void> {
    await this.store.put(keys.cancelKey(tenant, id), encodeJson({ requestedAt: nowIso }));
  }
  async isCancelRequested(tenant: string, id: string): Promise<boolean> {
    return (await this.store.head(keys.cancelKey(tenant, id))) !== undefined;
  }

  /** Job ids newest first, one page. `cursor` is the last index key of the previous page. */
  async listIds(tenant: string, limit: number, cursor?: string): Promise<{ ids: string[]; next?: string }> {
    const prefix = keys.jobIndexPrefix(tenant);
    const page = await this.store.list(prefix, { limit, startAfter: cursor ? prefix + cursor : undefined });
    const ids = page.keys.map((k) => keys.jobIdFromIndexKey(tenant, k));
    const last = page.keys[page.keys.length - 1];
    return { ids, next: page.next && last ? last.slice(prefix.length) : undefined };
  }
}
