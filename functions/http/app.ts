/**
 * @module The HTTP API (DESIGN §3) as one Hono app for both runtimes: routes bind to the pure handlers, an auth
 * middleware resolves the tenant, one mapper writes error envelopes, and `/openapi.json` is generated (OpenAPI 3.1)
 * from the same zod schemas. Lambda serves it with `handle(app)`, the local server with `app.fetch`.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import {
  INLINE_BODY_LIMIT_BYTES,
  InvalidRequestError,
  TooLargeError,
  UPLOAD_LIMIT_BYTES,
  UnauthorizedError,
  dryRunResponseSchema,
  errorEnvelopeSchema,
  jobListSchema,
  jobRecordSchema,
  jobSpecSchema,
  resultEnvelopeSchema,
  scheduleInputSchema,
  scheduleRecordSchema,
  submitResponseSchema,
  uploadResponseSchema,
} from '../../shared/index.js';
import type { Deps } from '../handlers/deps.js';
import { cancelJob, getArtifact, getJob, getResult, listJobs, submitJob } from '../handlers/jobs.js';
import { listSolvers } from '../handlers/catalog.js';
import { createUpload, putUpload } from '../handlers/uploads.js';
import { cors } from 'hono/cors';
import { LOCAL_SCHEDULE_POLICY, createSchedule, deleteSchedule, getSchedule, listSchedules, type SchedulePolicy } from '../handlers/schedules.js';
import type { TenantResolver } from './auth.js';
import { errorResponse } from './errors.js';

type Env = { Variables: { tenant: string } };

const errors = {
  400: { description: 'invalid request or spec (every issue with its JSON path)', content: { 'application/json': { schema: errorEnvelopeSchema } } },
  401: { description: 'missing or unknown API key', content: { 'application/json': { schema: errorEnvelopeSchema } } },
  404: { description: 'unknown id (or another tenant’s)', content: { 'application/json': { schema: errorEnvelopeSchema } } },
  409: { description: 'conflict with the job’s state', content: { 'application/json': { schema: errorEnvelopeSchema } } },
  413: { description: 'a size limit was exceeded (the limit is named)', content: { 'application/json': { schema: errorEnvelopeSchema } } },
} as const;

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const idParam = z.object({ id: z.string().min(1).max(128).openapi({ param: { name: 'id', in: 'path' } }) });
const looseBody = z.looseObject({}).openapi('JobSpecInput', { description: 'A job spec (components/schemas/JobSpec), or with problem {ref}' });
const security = [{ bearer: [] }];

export interface AppOptions {
  /** Origins allowed to call the API from a browser (the web page on CloudFront); none by default (same origin). */
  corsOrigins?: string[];
  /** Limits on schedules (AWS: rates ≥ 60 s). */
  schedulePolicy?: SchedulePolicy;
  /** Extra non-API routes (the local runtime serves the web page). */
  configure?: (app: OpenAPIHono<Env>) => void;
}

export function createApp(deps: Deps, resolveTenant: TenantResolver, options: AppOptions = {}): OpenAPIHono<Env> {
  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
        throw new InvalidRequestError(`invalid request: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
      }
    },
  });
  app.onError((err, c) => errorResponse(err, c, deps.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // Registered as plain JSON Schema (zod's own generator) so the component does not depend on zod extensions.
  app.openAPIRegistry.registerComponent('schemas', 'JobSpec', z.toJSONSchema(jobSpecSchema, { io: 'input', unrepresentable: 'any' }) as never);

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: options.corsOrigins,
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        maxAge: 600,
      }),
    );
  }
  app.get('/healthz', (c) => c.json({ ok: true, version: deps.version }));
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Solvent API', version: deps.version, description: 'Optimization as a service' } });

  app.use('/v1/*', async (c, next) => {
    if (c.req.method === 'GET' && c.req.path === '/v1/solvers') return next(); // public catalog
    const tenant = await resolveTenant(c);
    if (!tenant) throw new UnauthorizedError();
    c.set('tenant', tenant);
    await next();
  });
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new TooLargeError(`request body is above the limit of ${maxSize} bytes; upload large inputs with POST /v1/uploads`, maxSize);
      },
    });
  app.use('/v1/jobs', limit(INLINE_BODY_LIMIT_BYTES));
  app.use('/v1/schedules', limit(INLINE_BODY_LIMIT_BYTES));
  app.on('PUT', '/v1/uploads/*', limit(UPLOAD_LIMIT_BYTES));

  const readJson = async (c: { req: { header(n: string): string | undefined; text(): Promise<string> } }): Promise<unknown> => {
    const ct = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(ct)) throw new InvalidRequestError('Content-Type must be application/json');
    const text = await c.req.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InvalidRequestError(`malformed JSON: ${(e as Error).message}`);
    }
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/jobs',
      security,
      summary: 'Submit a job (or validate it with ?dryRun=true)',
      request: {
        query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
        headers: z.object({ 'idempotency-key': z.string().max(256).optional() }),
        body: { content: { 'application/json': { schema: looseBody } }, required: true },
      },
      responses: {
        202: json(submitResponseSchema, 'queued'),
        200: json(z.union([submitResponseSchema, dryRunResponseSchema]), 'same Idempotency-Key and body: the existing job; or a dry run'),
        ...errors,
      },
    }),
    async (c) => {
      const body = await readJson(c);
      const out = await submitJob(
        { body, idempotencyKey: c.req.header('idempotency-key'), dryRun: c.req.query('dryRun') === 'true' },
        { tenant: c.get('tenant') },
        deps,
      );
      return c.json(out.body as never, out.status);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/jobs',
      security,
      summary: "The caller's jobs, newest first",
      request: {
        query: z.object({
          status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
          cursor: z.string().max(64).optional(),
        }),
      },
      responses: { 200: json(jobListSchema, 'a page of jobs'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listJobs(q, { tenant: c.get('tenant') }, deps), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/jobs/{id}', security, summary: 'Job record', request: { params: idParam }, responses: { 200: json(jobRecordSchema, 'the job'), ...errors } }),
    async (c) => c.json(await getJob(c.req.valid('param').id, { tenant: c.get('tenant') }, deps), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/jobs/{id}/result',
      security,
      summary: 'Result of a finished job (artifacts with download URLs)',
      request: { params: idParam },
      responses: { 200: json(resultEnvelopeSchema, 'the result'), ...errors },
    }),
    async (c) => c.json((await getResult(c.req.valid('param').id, { tenant: c.get('tenant') }, deps)) as never, 200),
  );

  app.get('/v1/jobs/:id/artifacts/:name', async (c) => {
    const bytes = await getArtifact(c.req.param('id'), c.req.param('name'), { tenant: c.get('tenant') }, deps);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${c.req.param('name')}"` });
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/jobs/{id}/cancel',
      security,
      summary: 'Cancel a queued or running job',
      request: { params: idParam },
      responses: { 202: json(submitResponseSchema, 'cancellation accepted'), ...errors },
    }),
    async (c) => c.json(await cancelJob(c.req.valid('param').id, { tenant: c.get('tenant') }, deps), 202),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/v1/uploads', security, summary: 'Get a ref and URL for a large input', responses: { 201: json(uploadResponseSchema, 'upload slot'), ...errors } }),
    async (c) => c.json(await createUpload({ tenant: c.get('tenant') }, deps), 201),
  );
  app.put('/v1/uploads/:id', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    return c.json(await putUpload(c.req.param('id'), body, { tenant: c.get('tenant') }, deps), 200);
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/schedules',
      security,
      summary: 'Create a recurring job',
      request: { body: { content: { 'application/json': { schema: z.looseObject({}).openapi('ScheduleInputBody') } }, required: true } },
      responses: { 201: json(scheduleRecordSchema, 'created'), ...errors },
    }),
    async (c) => c.json((await createSchedule({ body: await readJson(c) }, { tenant: c.get('tenant') }, deps, options.schedulePolicy ?? LOCAL_SCHEDULE_POLICY)) as never, 201),
  );
  app.openAPIRegistry.registerComponent('schemas', 'ScheduleInput', z.toJSONSchema(scheduleInputSchema, { io: 'input', unrepresentable: 'any' }) as never);
  app.openapi(
    createRoute({ method: 'get', path: '/v1/schedules', security, summary: 'List schedules', responses: { 200: json(z.object({ schedules: z.array(scheduleRecordSchema) }), 'schedules'), ...errors } }),
    async (c) => c.json((await listSchedules({ tenant: c.get('tenant') }, deps)) as never, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/schedules/{id}', security, summary: 'One schedule', request: { params: idParam }, responses: { 200: json(scheduleRecordSchema, 'the schedule'), ...errors } }),
    async (c) => c.json((await getSchedule(c.req.valid('param').id, { tenant: c.get('tenant') }, deps)) as never, 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/v1/schedules/{id}', security, summary: 'Delete a schedule', request: { params: idParam }, responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), 'deleted'), ...errors } }),
    async (c) => c.json((await deleteSchedule(c.req.valid('param').id, { tenant: c.get('tenant') }, deps)) as never, 200),
  );

  // The catalog is public (no key needed) so the web form can render before a key is entered.
  app.openapi(
    createRoute({ method: 'get', path: '/v1/solvers', summary: 'Solver catalog: JSON Schema of each spec, examples (no key needed)', responses: { 200: json(z.object({ solvers: z.array(z.unknown()) }), 'catalog') } }),
    (c) => c.json(listSolvers() as never, 200),
  );

  options.configure?.(app);
  return app;
}
