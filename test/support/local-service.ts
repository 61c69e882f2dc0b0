/** @module Starts the local service in-process on 127.0.0.1 (random port, temp data folder) for integration tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../functions/local/server.js';
import { createJsonLogger } from '../../functions/json-logger.js';

export const TEST_SOLVER_MODULE = join(import.meta.dirname, 'test-solvers.ts');

export interface TestService extends LocalServer {
  dataRoot: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>, key?: string): Promise<{ status: number; json: any }>;
}

export async function startTestService(o: LocalServerOptions & { fakeSolvers?: boolean } = {}): Promise<TestService> {
  const dataRoot = o.dataRoot ?? mkdtempSync(join(tmpdir(), 'solvent-it-'));
  const s = await startLocalServer({
    port: 0,
    dataRoot,
    concurrency: 2,
    apiKey: 'sk_test_local_key_0123456789',
    log: createJsonLogger(() => {}, {}),
    graceMs: 1500,
    ...o,
    workerEnv: { ...(o.fakeSolvers === false ? {} : { SOLVENT_TEST_SOLVER_MODULE: TEST_SOLVER_MODULE }), ...o.workerEnv },
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = s.apiKey) => {
    const res = await fetch(s.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
  return Object.assign(s, { dataRoot, call });
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() - t0 > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
