/**
 * `solvent schedules` against a scripted API: list/get/create/delete send the right requests and print a table or
 * the API's JSON with --json; bad usage and unreadable files raise clear errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { schedulesCommand } from '../../functions/cli/schedules.js';
import { SolventClient, type FetchLike } from '../../sdk/index.js';

const SPEC = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 1], data: [1] }, b: [1] } };
const REC = { id: '01JSCHED0000000000000000AA', rate: '6 hours', enabled: true, spec: SPEC, createdAt: '2026-01-01T00:00:00.000Z', next: '2026-01-01T06:00:00.000Z' };

function setup() {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const path = new URL(url).pathname;
    calls.push({ method, path, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    const body = method === 'DELETE' ? { id: REC.id, deleted: true } : path === '/v1/schedules' && method === 'GET' ? { schedules: [REC] } : REC;
    return new Response(JSON.stringify(body), { status: method === 'POST' ? 201 : 200, headers: { 'content-type': 'application/json' } });
  };
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  return { calls, out, client: new SolventClient({ url: 'http://api.test', apiKey: 'k', fetch }) };
}

afterEach(() => vi.restoreAllMocks());

describe('solvent schedules', () => {
  it('lists as a table or as JSON', async () => {
    const { out, client, calls } = setup();
    await schedulesCommand([], client, false);
    expect(out.join('')).toMatch(/^01JSCHED0000000000000000AA\s+bcd\s+rate "6 hours"\s+next 2026-01-01T06:00:00.000Z/);
    await schedulesCommand(['list'], client, true);
    expect(JSON.parse(out[1])).toEqual({ schedules: [REC] });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/schedules', 'GET /v1/schedules']);
  });

  it('creates from a file, gets and deletes', async () => {
    const { out, client, calls } = setup();
    const file = join(mkdtempSync(join(tmpdir(), 'solvent-cli-')), 'nightly.json');
    writeFileSync(file, JSON.stringify({ rate: '6 hours', spec: SPEC }));
    await schedulesCommand(['create', file], client, false);
    expect(calls[0]).toEqual({ method: 'POST', path: '/v1/schedules', body: { rate: '6 hours', spec: SPEC } });
    expect(out[0]).toBe(`created schedule ${REC.id}; next run ${REC.next}\n`);
    await schedulesCommand(['get', REC.id], client, true);
    expect(JSON.parse(out[1]).id).toBe(REC.id);
    await schedulesCommand(['delete', REC.id], client, false);
    expect(calls.map((c) => `${c.method} ${c.path}`).slice(1)).toEqual([`GET /v1/schedules/${REC.id}`, `DELETE /v1/schedules/${REC.id}`]);
    expect(out[2]).toBe(`deleted schedule ${REC.id}\n`);
  });

  it('explains bad usage', async () => {
    const { client } = setup();
    await expect(schedulesCommand(['create'], client, false)).rejects.toThrow(/usage: solvent schedules/);
    await expect(schedulesCommand(['frobnicate'], client, false)).rejects.toThrow(/unknown schedules command/);
    await expect(schedulesCommand(['create', '/nonexistent/x.json'], client, false)).rejects.toThrow(/cannot read \/nonexistent\/x.json/);
  });
});
