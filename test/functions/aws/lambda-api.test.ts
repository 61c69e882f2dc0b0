/**
 * The HTTP API as Lambda runs it: `handle(createApp(deps, resolveAwsTenant))` on recorded API Gateway HTTP API v2
 * events, with the Batch queue adapter over a mocked Batch client. The tenant comes only from the authorizer context.
 */
import { BatchClient, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handle } from 'hono/aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { BatchJobQueue } from '../../../functions/aws/batch-queue.js';
import { resolveAwsTenant } from '../../../functions/aws/tenant.js';
import type { Deps } from '../../../functions/handlers/deps.js';
import { createApp } from '../../../functions/http/app.js';
import { ulidFactory } from '../../../shared/jobs/ids.js';
import { batchKey } from '../../../shared/store/keys.js';
import { MemoryStore } from '../../support/memory-store.js';
import { recordedEvent } from './recorded-events.js';

const batch = mockClient(BatchClient);
let store: MemoryStore;
let handler: ReturnType<typeof handle>;

function event(method: string, path: string, tenant: string | undefined, body?: unknown): APIGatewayProxyEventV2 {
  const e = recordedEvent<APIGatewayProxyEventV2>('apigw/http-list-jobs.json');
  e.requestContext.http.method = method;
  e.requestContext.http.path = path;
  e.rawPath = path;
  e.rawQueryString = '';
  delete e.queryStringParameters;
  e.routeKey = `${method} /{proxy+}`;
  (e.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: { tenant: tenant ?? '' } };
  if (body !== undefined) {
    e.body = JSON.stringify(body);
    e.headers['content-type'] = 'application/json';
    e.headers['content-length'] = String(e.body.length);
  }
  return e;
}
const call = async (e: APIGatewayProxyEventV2) => {
  const res = (await handler(e as unknown as Parameters<typeof handler>[0])) as { statusCode: number; body: string };
  return { status: res.statusCode, json: JSON.parse(res.body) };
};

beforeEach(() => {
  batch.reset();
  batch.on(SubmitJobCommand).resolves({ jobId: 'batch-1', jobName: 'n', jobArn: 'arn' });
  batch.on(TerminateJobCommand).resolves({});
  store = new MemoryStore();
  let t = Date.parse('2026-11-26T00:00:00Z');
  const deps: Deps = {
    store,
    queue: new BatchJobQueue({
      store,
      bucket: 'bucket',
      gpu: { queue: 'gpu-q', jobDefinition: 'gpu-d' },
      cpu: { queue: 'cpu-q', jobDefinition: 'cpu-d' },
      client: new BatchClient({ region: 'eu-west-1' }),
    }),
    clock: { now: () => t++ },
    newId: ulidFactory(() => t, (n) => new Uint8Array(n).fill(3)),
    log: { info() {}, warn() {}, error() {} },
    limits: { maxActiveJobsPerTenant: 10, maxAttempts: 3 },
    baseUrl: '',
    version: 'test',
  };
  handler = handle(createApp(deps, resolveAwsTenant));
});

const spec = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [2, 0, 0, 1] }, b: [1, 1] } };

describe('API Lambda', () => {
  it('the recorded request lists the authorizer tenant’s jobs', async () => {
    const res = await call(recordedEvent<APIGatewayProxyEventV2>('apigw/http-list-jobs.json'));
    expect(res.status).toBe(200);
    expect(res.json.jobs).toEqual([]);
  });

  it('without an authorizer tenant the answer is the 401 envelope', async () => {
    const res = await call(event('GET', '/v1/jobs', undefined));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
  });

  it('submit goes to Batch with the tenant; another tenant gets 404; cancel terminates the Batch job', async () => {
    const submitted = await call(event('POST', '/v1/jobs', 'acme', spec));
    expect(submitted.status).toBe(202);
    const id = submitted.json.id as string;
    const input = batch.commandCalls(SubmitJobCommand)[0].args[0].input;
    expect(input.parameters).toMatchObject({ tenant: 'acme', jobId: id });
    expect(await store.get(batchKey('acme', id))).toBeDefined();

    expect((await call(event('GET', `/v1/jobs/${id}`, 'acme'))).json.status).toBe('queued');
    expect((await call(event('GET', `/v1/jobs/${id}`, 'other'))).status).toBe(404);
    expect((await call(event('POST', `/v1/jobs/${id}/cancel`, 'other'))).status).toBe(404);
    expect(batch.commandCalls(TerminateJobCommand)).toHaveLength(0);

    expect((await call(event('POST', `/v1/jobs/${id}/cancel`, 'acme'))).status).toBe(202);
    expect(batch.commandCalls(TerminateJobCommand)[0].args[0].input.jobId).toBe('batch-1');
  });

  it('public routes need no tenant', async () => {
    const res = await call(event('GET', '/healthz', undefined));
    expect(res.status).toBe(200);
  });
});
