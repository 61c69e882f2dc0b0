/**
 * @module The embedded local service: the same Hono app as on AWS over Node's http server on 127.0.0.1, a
 * filesystem store, the process queue, local API keys, the scheduler, and the web page at `/`.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { ulidFactory, type Logger } from '../../shared/index.js';
import type { Deps } from '../handlers/deps.js';
import { createApp } from '../http/app.js';
import { bearerResolver } from '../http/auth.js';
import { createJsonLogger } from '../json-logger.js';
import { solverVersion } from '../worker/version.js';
import { LocalKeyAuth, newApiKey } from './api-keys.js';
import { FsObjectStore } from './fs-store.js';
import { ProcessQueue } from './process-queue.js';
import { LocalScheduler } from './scheduler.js';

export const LOCAL_TENANT = 'local';
const WEB_ROOT = resolve(import.meta.dirname, '..', '..', 'web');
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

export interface LocalServerOptions {
  port?: number;
  host?: string;
  dataRoot?: string;
  concurrency?: number;
  apiKey?: string;
  /** Benchmark data folder for built-in tasks (SOLVENT_DATA_DIR). */
  dataDir?: string;
  log?: Logger;
  /** Extra environment for worker processes (tests). */
  workerEnv?: Record<string, string | undefined>;
  maxActiveJobsPerTenant?: number;
  maxAttempts?: number;
  graceMs?: number;
  /** Run schedules (default true). */
  scheduler?: boolean;
}

export interface LocalServer {
  url: string;
  port: number;
  apiKey: string;
  /** True when the key was created by this start (print it once). */
  keyCreated: boolean;
  deps: Deps;
  queue: ProcessQueue;
  auth: LocalKeyAuth;
  recovered: { requeued: number; resumed: number; failed: number };
  close(): Promise<void>;
}

export async function startLocalServer(o: LocalServerOptions = {}): Promise<LocalServer> {
  const host = o.host ?? '127.0.0.1';
  const dataRoot = resolve(o.dataRoot ?? '.solvent');
  const log = o.log ?? createJsonLogger(undefined, { component: 'server' });
  const store = new FsObjectStore(dataRoot);
  const auth = LocalKeyAuth.at(dataRoot);
  await auth.load();
  let apiKey = o.apiKey;
  let keyCreated = false;
  if (!apiKey) {
    if (auth.hasAnyFor(LOCAL_TENANT)) apiKey = '(stored hashed; set SOLVENT_API_KEY to use a known key)';
    else {
      apiKey = newApiKey();
      keyCreated = true;
    }
  }
  if (o.apiKey || keyCreated) await auth.add(apiKey, LOCAL_TENANT);

  const now = () => Date.now();
  const queue = new ProcessQueue({
    concurrency: o.concurrency ?? Math.max(1, cpus().length),
    store,
    dataRoot,
    log,
    now,
    env: { ...o.workerEnv, ...(o.dataDir ? { SOLVENT_DATA_DIR: o.dataDir } : {}) },
    graceMs: o.graceMs,
  });
  const deps: Deps = {
    store,
    queue,
    clock: { now },
    newId: ulidFactory(now, (n) => new Uint8Array(randomBytes(n))),
    log,
    limits: { maxActiveJobsPerTenant: o.maxActiveJobsPerTenant ?? 1000, maxAttempts: o.maxAttempts ?? 3 },
    baseUrl: '',
    version: solverVersion().version,
  };
  const app = createApp(deps, bearerResolver(auth), {
    configure: (a) => {
      a.get('/', (c) => serveWeb('index.html', c.body.bind(c)));
      a.get('/web/*', (c) => serveWeb(c.req.path.slice('/web/'.length), c.body.bind(c)));
    },
  });

  const recovered = await queue.recover();
  const scheduler = o.scheduler === false ? undefined : new LocalScheduler(deps, { tenants: () => [LOCAL_TENANT] });
  await scheduler?.start();

  const server: ServerType = await new Promise((res) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? 8787, hostname: host }, () => res(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 8787);
  return {
    url: `http://${host}:${port}`,
    port,
    apiKey,
    keyCreated,
    deps,
    queue,
    auth,
    recovered,
    async close() {
      await scheduler?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await queue.close();
    },
  };
}

type BodyFn = (data: Uint8Array<ArrayBuffer> | string | null, status?: 200 | 404, headers?: Record<string, string>) => Response;

async function serveWeb(rel: string, body: BodyFn): Promise<Response> {
  const p = resolve(WEB_ROOT, rel);
  if (!p.startsWith(WEB_ROOT + sep)) return body('not found', 404);
  try {
    const bytes = new Uint8Array(await readFile(join(p)));
    return body(bytes, 200, { 'content-type': MIME[extname(p)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  } catch {
    return body('not found', 404);
  }
}
