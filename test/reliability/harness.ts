/**
 * @module In-process harness for the reliability tests: the real Hono app (`createApp`) over a MemoryStore or an
 * FsObjectStore in a temp folder, a recording fake JobQueue, API keys per tenant and a captured JSON logger.
 * Requests go through `app.request()`, so no server or worker process is started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { bearerResolver } from '../../functions/http/auth.js';
import type { Deps, Limits } from '../../functions/handlers/deps.js';
import { createJsonLogger } from '../../functions/json-logger.js';
import { FsObjectStore } from '../../functions/local/fs-store.js';
import { ERROR_CODES, ulidFactory, type Auth, type JobQueue, type ObjectStore, type QueuedJob } from '../../shared/index.js';
import { MemoryStore } from '../support/memory-store.js';

export class FakeQueue implements JobQueue {
  readonly submitted: QueuedJob[] = [];
  readonly cancelled: { tenant: string; jobId: string }[] = [];
  failNext = false;
  async submit(job: QueuedJob): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('queue unavailable');
    }
    this.submitted.push(job);
  }
  async cancel(job: { tenant: string; jobId: string }): Promise<void> {
    this.cancelled.push(job);
  }
}

export interface Harness {
  deps: Deps;
  store: ObjectStore;
  queue: FakeQueue;
  logLines: string[];
  /** tenant → API key */
  keyOf: Record<string, string>;
  request(method: string, path: string, o?: { body?: unknown; raw?: BodyInit; headers?: Record<string, string>; tenant?: string; key?: string }): Promise<Answer>;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  json: any;
  text: string;
}

export interface HarnessOptions {
  store?: ObjectStore;
  limits?: Partial<Limits>;
  tenants?: string[];
  auth?: Auth;
}

export function makeHarness(o: HarnessOptions = {}): Harness {
  const store = o.store ?? new MemoryStore();
  const queue = new FakeQueue();
  const logLines: string[] = [];
  const tenants = o.tenants ?? ['alpha', 'beta'];
  const keyOf: Record<string, string> = {};
  const tenantOf = new Map<string, string>();
  for (const t of tenants) {
    const k = `sk_${t}_${randomBytes(12).toString('hex')}`;
    keyOf[t] = k;
    tenantOf.set(k, t);
  }
  const auth: Auth = o.auth ?? { authenticate: async (token) => (tenantOf.has(token) ? { tenant: tenantOf.get(token) as string } : undefined) };
  let t = Date.parse('2025-01-01T00:00:00Z');
  const now = () => (t += 3);
  const deps: Deps = {
    store,
    queue,
    clock: { now },
    newId: ulidFactory(now, (n) => new Uint8Array(randomBytes(n))),
    log: createJsonLogger((l) => logLines.push(l)),
    limits: { maxActiveJobsPerTenant: 1000, maxAttempts: 3, ...o.limits },
    baseUrl: '',
    version: '0.0.0-test',
  };
  const app = createApp(deps, bearerResolver(auth));
  const request: Harness['request'] = async (method, path, r = {}) => {
    const headers: Record<string, string> = {};
    const key = r.key ?? keyOf[r.tenant ?? tenants[0]];
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    let body: BodyInit | undefined = r.raw;
    if (r.body !== undefined) {
      body = JSON.stringify(r.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, r.headers);
    const res = await app.request(path, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    const text = await res.text();
    let json: Answer['json'];
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };
  return { deps, store, queue, logLines, keyOf, request };
}

/** A temp folder with the store's data root inside it, so writes outside the root can be detected. */
export function fsSandbox(): { base: string; root: string; store: FsObjectStore } {
  const base = mkdtempSync(join(tmpdir(), 'solvent-rel-'));
  const root = join(base, 'data');
  mkdirSync(root);
  return { base, root, store: new FsObjectStore(root) };
}

/** Files under `dir`, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** A 4xx answer carrying the documented envelope `{error: {code, message, issues?}}`. */
export function expectClientError(a: Answer, context = ''): void {
  if (a.status < 400 || a.status >= 500) throw new Error(`expected a 4xx for ${context}, got ${a.status}: ${a.text.slice(0, 300)}`);
  expectEnvelope(a, context);
}

export function expectEnvelope(a: Answer, context = ''): void {
  const e = a.json?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !(ERROR_CODES as readonly string[]).includes(e.code)) {
    throw new Error(`bad error envelope for ${context} (${a.status}): ${a.text.slice(0, 300)}`);
  }
  if (e.issues !== undefined) {
    expect(Array.isArray(e.issues)).toBe(true);
    for (const i of e.issues) {
      expect(typeof i.path).toBe('string');
      expect(typeof i.message).toBe('string');
    }
  }
}

/** No 5xx; a 4xx must carry the envelope. */
export function expectNo5xx(a: Answer, context = ''): void {
  if (a.status >= 500) throw new Error(`5xx for ${context}: ${a.status} ${a.text.slice(0, 300)}`);
  if (a.status >= 400) expectEnvelope(a, context);
}
