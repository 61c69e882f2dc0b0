/**
 * @module The typed HTTP client of the Solvent API (DESIGN §3). Uses only the global `fetch` (Node ≥ 20 and
 * browsers) and the zod schemas of shared/: requests are typed by the job spec, responses are checked against the
 * API schemas, and results are typed per solver (`ResultFor<'fdr'>` for an fdr job).
 */
import {
  dryRunResponseSchema,
  errorEnvelopeSchema,
  INLINE_BODY_LIMIT_BYTES,
  isTerminal,
  jobListSchema,
  jobRecordSchema,
  resultEnvelopeSchema,
  type scheduleInputSchema,
  scheduleRecordSchema,
  submitResponseSchema,
  uploadResponseSchema,
  type Artifact,
  type JobRecord,
  type JobSpecInput,
  type JobState,
  type ScheduleRecord,
  type SolverName,
  type SubmitResponse,
} from '../shared/index.js';
import { z } from 'zod';
import { SolventApiError, SolventJobError, SolventProtocolError, SolventTimeoutError } from './errors.js';
import { parseNpy, type NpyArray } from './npy.js';
import type { ResultFor } from './results.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface SolventClientOptions {
  /** Base URL of the API. Default: the page's origin in a browser, else http://127.0.0.1:8787. */
  url?: string;
  /** API key sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: FetchLike;
  /** Retries of idempotent requests (GET, DELETE, and POSTs with an idempotency key) on 429/502/503/504 or a network error. Default 2. */
  retries?: number;
  /** First retry delay in ms (doubles each retry). Default 200. */
  retryDelayMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface SubmitOptions extends RequestOptions {
  /** Same key + same body ⇒ the same job (200); same key + other body ⇒ 409. */
  idempotencyKey?: string;
  /** `auto` (default): upload the problem through POST /v1/uploads when the body exceeds the inline limit. */
  upload?: 'auto' | 'always' | 'never';
}

export interface PollOptions extends RequestOptions {
  /** First polling interval in ms (default 250). */
  intervalMs?: number;
  /** Longest polling interval in ms (default 5000). */
  maxIntervalMs?: number;
  /** Interval growth per unchanged poll (default 1.5); a change in status or progress resets it. */
  backoff?: number;
  /** Give up with SolventTimeoutError after this many ms (default: never). */
  timeoutMs?: number;
}

export interface WaitOptions extends PollOptions {
  /** Called with each job record that differs from the previous one. */
  onUpdate?: (job: JobRecord) => void;
}

export interface ListParams extends RequestOptions {
  status?: JobState;
  limit?: number;
  cursor?: string;
}

/** A job as returned by `submit`: the API's answer plus the solver, which types `result()`. */
export interface SubmittedJob<N extends SolverName = SolverName> extends SubmitResponse {
  solver: N;
  /** false when an idempotency key matched an existing job (HTTP 200 instead of 202). */
  created: boolean;
}

/** Something that names a job: its id, or an object with `id` and (for typing) `solver`. */
export type JobRef<N extends SolverName = SolverName> = string | { id: string; solver?: N };

export const solverInfoSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  paper: z.string().optional(),
  schema: z.record(z.string(), z.unknown()),
  examples: z.array(z.object({ name: z.string(), spec: z.record(z.string(), z.unknown()) })).default([]),
});
export type SolverInfo = z.infer<typeof solverInfoSchema>;
const solversResponseSchema = z.object({ solvers: z.array(solverInfoSchema) });
const scheduleListSchema = z.object({ schedules: z.array(scheduleRecordSchema) });

export type DryRunResponse = z.infer<typeof dryRunResponseSchema>;
export type JobList = z.infer<typeof jobListSchema>;
export type UploadResponse = z.infer<typeof uploadResponseSchema>;
export type ScheduleCreateInput = z.input<typeof scheduleInputSchema>;

interface CallInit extends RequestOptions {
  body?: unknown;
  rawBody?: BodyInit;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  idempotent?: boolean;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

function defaultBaseUrl(): string {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  if (loc?.origin && loc.origin !== 'null') return loc.origin;
  return 'http://127.0.0.1:8787';
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function jobId(job: JobRef): string {
  return typeof job === 'string' ? job : job.id;
}

/** A fingerprint of what a poll can observe changing. */
function fingerprint(job: JobRecord): string {
  const p = job.progress;
  return `${job.status}|${p?.iteration ?? ''}|${p?.elapsedMs ?? ''}|${p?.phase ?? ''}`;
}

export class SolventClient {
  readonly baseUrl: string;
  readonly apiKey?: string;
  private readonly fetchImpl: FetchLike;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly extraHeaders: Record<string, string>;

  /** Uploads of large inputs: POST /v1/uploads → PUT the bytes to `uploadUrl` → use `{ref}` as the problem. */
  readonly uploads = {
    create: (options: RequestOptions & { contentType?: string; bytes?: number } = {}): Promise<UploadResponse> =>
      this.call('POST', '/v1/uploads', uploadResponseSchema, {
        ...options,
        body: { contentType: options.contentType ?? 'application/json', ...(options.bytes !== undefined ? { bytes: options.bytes } : {}) },
      }),
    put: async (uploadUrl: string, body: string | Uint8Array | Blob, options: RequestOptions & { contentType?: string } = {}): Promise<void> => {
      const url = this.resolve(uploadUrl);
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...this.authFor(url) };
      const res = await this.fetchImpl(url, { method: 'PUT', headers, body: body as BodyInit, signal: options.signal });
      if (!res.ok) throw await this.apiError(res, 'PUT', url);
    },
    /** Uploads a problem object as JSON and returns the `{ref}` to put in a spec's `problem`. */
    upload: async (problem: unknown, options: RequestOptions = {}): Promise<{ ref: string }> => {
      const text = JSON.stringify(problem);
      const bytes = new TextEncoder().encode(text);
      const created = await this.uploads.create({ ...options, bytes: bytes.byteLength });
      await this.uploads.put(created.uploadUrl, bytes, options);
      return { ref: created.ref };
    },
  };

  /** Recurring jobs (DESIGN §3): `{cron | rate, timezone?, spec}`. */
  readonly schedules = {
    create: (input: ScheduleCreateInput, options: RequestOptions = {}): Promise<ScheduleRecord> =>
      this.call('POST', '/v1/schedules', scheduleRecordSchema, { ...options, body: input }),
    list: async (options: RequestOptions = {}): Promise<ScheduleRecord[]> =>
      (await this.call('GET', '/v1/schedules', scheduleListSchema, { ...options, idempotent: true })).schedules,
    get: (id: string, options: RequestOptions = {}): Promise<ScheduleRecord> =>
      this.call('GET', `/v1/schedules/${encodeURIComponent(id)}`, scheduleRecordSchema, { ...options, idempotent: true }),
    delete: async (id: string, options: RequestOptions = {}): Promise<void> => {
      await this.call('DELETE', `/v1/schedules/${encodeURIComponent(id)}`, undefined, { ...options, idempotent: true });
    },
  };

  constructor(options: SolventClientOptions = {}) {
    this.baseUrl = (options.url ?? defaultBaseUrl()).replace(/\/+$/, '');
    if (options.apiKey) this.apiKey = options.apiKey;
    const f = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!f) throw new Error('no fetch available: pass options.fetch');
    this.fetchImpl = options.fetch ? f : (input, init) => globalThis.fetch(input, init);
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.extraHeaders = options.headers ?? {};
  }

  /** GET /v1/solvers: each solver's JSON Schema and examples. */
  async solvers(options: RequestOptions = {}): Promise<SolverInfo[]> {
    return (await this.call('GET', '/v1/solvers', solversResponseSchema, { ...options, idempotent: true })).solvers;
  }

  /** POST /v1/jobs. Large problems are uploaded first (see `SubmitOptions.upload`). */
  async submit<S extends JobSpecInput>(spec: S, options: SubmitOptions = {}): Promise<SubmittedJob<S['solver']>> {
    let body: unknown = spec;
    const mode = options.upload ?? 'auto';
    const problem = (spec as { problem?: unknown }).problem;
    const isRef = typeof problem === 'object' && problem !== null && 'ref' in problem;
    if (!isRef && mode !== 'never') {
      const size = mode === 'always' ? Number.POSITIVE_INFINITY : new TextEncoder().encode(JSON.stringify(spec)).byteLength;
      if (size > INLINE_BODY_LIMIT_BYTES) body = { ...spec, problem: await this.uploads.upload(problem, options) };
    }
    const headers: Record<string, string> = {};
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const { data, status } = await this.callWithStatus('POST', '/v1/jobs', submitResponseSchema, {
      signal: options.signal,
      body,
      headers,
      idempotent: options.idempotencyKey !== undefined,
    });
    return { ...data, solver: spec.solver, created: status !== 200 };
  }

  /** POST /v1/jobs?dryRun=true: validates and sizes a spec; nothing is stored or run. Invalid ⇒ SolventApiError (400/413). */
  dryRun(spec: JobSpecInput | Record<string, unknown>, options: RequestOptions = {}): Promise<DryRunResponse> {
    return this.call('POST', '/v1/jobs', dryRunResponseSchema, { ...options, body: spec, query: { dryRun: true }, idempotent: true });
  }

  /** GET /v1/jobs/{id}. */
  get(job: JobRef, options: RequestOptions = {}): Promise<JobRecord> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId(job))}`, jobRecordSchema, { ...options, idempotent: true });
  }

  /** GET /v1/jobs/{id}/result, typed by the job's solver. 409 (not finished) and 404 raise SolventApiError. */
  async result<N extends SolverName = SolverName>(job: JobRef<N>, options: RequestOptions = {}): Promise<ResultFor<N>> {
    const result = await this.call('GET', `/v1/jobs/${encodeURIComponent(jobId(job))}/result`, resultEnvelopeSchema, { ...options, idempotent: true });
    const expected = typeof job === 'string' ? undefined : job.solver;
    if (expected && result.solver !== expected) throw new SolventProtocolError(`result of job ${jobId(job)} is for solver ${result.solver}, expected ${expected}`);
    return result as unknown as ResultFor<N>;
  }

  /** POST /v1/jobs/{id}/cancel. A finished job answers 409 (SolventApiError code `conflict`). */
  async cancel(job: JobRef, options: RequestOptions = {}): Promise<void> {
    await this.call('POST', `/v1/jobs/${encodeURIComponent(jobId(job))}/cancel`, undefined, { ...options, idempotent: true });
  }

  /** GET /v1/jobs: one page of the caller's jobs, newest first. */
  list(params: ListParams = {}): Promise<JobList> {
    return this.call('GET', '/v1/jobs', jobListSchema, {
      signal: params.signal,
      query: { status: params.status, limit: params.limit, cursor: params.cursor },
      idempotent: true,
    });
  }

  /** Every job (optionally of one status), newest first, fetching pages of `limit` as the iteration goes. */
  async *listAll(params: Omit<ListParams, 'cursor'> = {}): AsyncGenerator<JobRecord, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...params, cursor });
      yield* page.jobs;
      cursor = page.next;
    } while (cursor);
  }

  /**
   * Polls the job and yields its record each time the status or progress changes; ends after yielding a terminal
   * record. Polling backs off from `intervalMs` to `maxIntervalMs` while nothing changes.
   */
  async *progress(job: JobRef, options: PollOptions = {}): AsyncGenerator<JobRecord, void, undefined> {
    const id = jobId(job);
    const min = options.intervalMs ?? 250;
    const max = Math.max(min, options.maxIntervalMs ?? 5000);
    const factor = options.backoff ?? 1.5;
    const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    let interval = min;
    let last = '';
    for (;;) {
      const rec = await this.get(id, options);
      const fp = fingerprint(rec);
      if (fp !== last) {
        last = fp;
        interval = min;
        yield rec;
      } else interval = Math.min(max, interval * factor);
      if (isTerminal(rec.status)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new SolventTimeoutError(id, options.timeoutMs ?? 0);
      await sleep(Math.min(interval, left), options.signal);
    }
  }

  /** Waits until the job is terminal and returns its final record (whatever the outcome). */
  async wait(job: JobRef, options: WaitOptions = {}): Promise<JobRecord> {
    let last: JobRecord | undefined;
    for await (const rec of this.progress(job, options)) {
      last = rec;
      options.onUpdate?.(rec);
    }
    if (!last) throw new SolventProtocolError(`no record for job ${jobId(job)}`);
    return last;
  }

  /** submit → wait → result; throws SolventJobError if the job ends failed or cancelled. */
  async run<S extends JobSpecInput>(spec: S, options: SubmitOptions & WaitOptions = {}): Promise<ResultFor<S['solver']>> {
    const job = await this.submit(spec, options);
    const final = await this.wait(job, options);
    if (final.status !== 'succeeded') throw new SolventJobError(final);
    return this.result(job, options);
  }

  /** Downloads an artifact (or any URL of the API) and parses it as .npy. */
  async artifact(artifact: Artifact | string, options: RequestOptions = {}): Promise<NpyArray> {
    return parseNpy(await this.download(artifact, options));
  }

  /** Downloads an artifact's bytes; the API key is sent only to the API's own origin (never to presigned URLs). */
  async download(artifact: Artifact | string, options: RequestOptions = {}): Promise<ArrayBuffer> {
    const raw = typeof artifact === 'string' ? artifact : artifact.url;
    if (!raw) throw new SolventProtocolError(`artifact ${typeof artifact === 'string' ? artifact : artifact.name} has no url`);
    const url = this.resolve(raw);
    const res = await this.withRetries(true, () =>
      this.fetchImpl(url, { method: 'GET', headers: { ...this.extraHeaders, ...this.authFor(url) }, signal: options.signal }),
    );
    if (!res.ok) throw await this.apiError(res, 'GET', url);
    return res.arrayBuffer();
  }

  /** Absolute URL for an API path or a link from a response. */
  resolve(pathOrUrl: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) return pathOrUrl;
    return `${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
  }

  private authFor(url: string): Record<string, string> {
    if (!this.apiKey) return {};
    try {
      if (new URL(url).origin !== new URL(this.baseUrl).origin) return {};
    } catch {
      return {};
    }
    return { authorization: `Bearer ${this.apiKey}` };
  }

  private async call<T>(method: string, path: string, schema: z.ZodType<T> | undefined, init: CallInit): Promise<T> {
    return (await this.callWithStatus(method, path, schema, init)).data;
  }

  private async callWithStatus<T>(method: string, path: string, schema: z.ZodType<T> | undefined, init: CallInit): Promise<{ data: T; status: number }> {
    let url = this.resolve(path);
    const q = Object.entries(init.query ?? {}).filter(([, v]) => v !== undefined);
    if (q.length > 0) url += `?${new URLSearchParams(q.map(([k, v]) => [k, String(v)])).toString()}`;
    const headers: Record<string, string> = { accept: 'application/json', ...this.extraHeaders, ...this.authFor(url), ...init.headers };
    let body: BodyInit | undefined = init.rawBody;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const idempotent = init.idempotent ?? (method === 'GET' || method === 'DELETE');
    const res = await this.withRetries(idempotent, () => this.fetchImpl(url, { method, headers, body, signal: init.signal }));
    if (!res.ok) throw await this.apiError(res, method, url);
    if (!schema) {
      await res.body?.cancel().catch(() => undefined);
      return { data: undefined as T, status: res.status };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw new SolventProtocolError(`${method} ${url}: answer ${res.status} is not JSON`, [], { cause: e });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      throw new SolventProtocolError(`${method} ${url}: answer does not match the API contract (${issues[0]?.path}: ${issues[0]?.message})`, issues);
    }
    return { data: parsed.data, status: res.status };
  }

  private async withRetries(idempotent: boolean, send: () => Promise<Response>): Promise<Response> {
    let delay = this.retryDelayMs;
    for (let attempt = 0; ; attempt++) {
      const canRetry = idempotent && attempt < this.retries;
      let res: Response;
      try {
        res = await send();
      } catch (e) {
        if (!canRetry || (e as { name?: string }).name === 'AbortError') throw e;
        await sleep(delay);
        delay *= 2;
        continue;
      }
      if (!canRetry || !RETRY_STATUS.has(res.status)) return res;
      const after = Number(res.headers.get('retry-after'));
      await res.body?.cancel().catch(() => undefined);
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : delay);
      delay *= 2;
    }
  }

  private async apiError(res: Response, method: string, url: string): Promise<SolventApiError> {
    const text = await res.text().catch(() => '');
    let envelope: z.infer<typeof errorEnvelopeSchema> | undefined;
    try {
      const parsed = errorEnvelopeSchema.safeParse(JSON.parse(text));
      if (parsed.success) envelope = parsed.data;
    } catch {
      // not JSON: fall through to a generic error
    }
    if (envelope) {
      const { code, message, issues, limit } = envelope.error;
      return new SolventApiError({ status: res.status, code, message, issues, limit, method, url });
    }
    return new SolventApiError({ status: res.status, code: `http_${res.status}`, message: text.slice(0, 300) || res.statusText || `HTTP ${res.status}`, method, url });
  }
}
