/** @module An in-memory ObjectStore for handler tests (same semantics as the adapters; etag = content counter). */
import { PreconditionFailedError, type Body, type GetResult, type ListOptions, type ListResult, type ObjectInfo, type ObjectStore, type PutOptions } from '../../shared/index.js';

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, { body: Uint8Array; etag: string }>();
  private n = 0;
  async get(key: string): Promise<GetResult | undefined> {
    const o = this.objects.get(key);
    return o ? { body: o.body.slice(), etag: o.etag } : undefined;
  }
  async head(key: string): Promise<ObjectInfo | undefined> {
    const o = this.objects.get(key);
    return o ? { key, size: o.body.byteLength, etag: o.etag } : undefined;
  }
  async put(key: string, body: Body, options: PutOptions = {}): Promise<string> {
    if (options.ifMatch !== undefined && this.objects.get(key)?.etag !== options.ifMatch) throw new PreconditionFailedError(key);
    const etag = `e${++this.n}`;
    this.objects.set(key, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body.slice(), etag });
    return etag;
  }
  async putIfAbsent(key: string, body: Body): Promise<boolean> {
    if (this.objects.has(key)) return false;
    await this.put(key, body);
    return true;
  }
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = options.limit ?? 1000;
    const all = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && (!options.startAfter || k > options.startAfter)).sort();
    return all.length > limit ? { keys: all.slice(0, limit), next: all[limit - 1] } : { keys: all };
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async presign(): Promise<string | undefined> {
    return undefined;
  }
}
