/**
 * @module Typed errors of the SDK. Every non-2xx answer of the API becomes a `SolventApiError` carrying the HTTP
 * status, the API's error `code`, its `issues` (JSON path + message) and `limit`; an answer that does not match the
 * contract becomes a `SolventProtocolError`; a job that ends other than `succeeded` in `run()` a `SolventJobError`.
 */
import type { ErrorCode, Issue, JobRecord } from '../shared/index.js';

export interface SolventApiErrorInit {
  status: number;
  code: ErrorCode | string;
  message: string;
  issues?: Issue[];
  limit?: number;
  method: string;
  url: string;
}

export class SolventApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | string;
  readonly issues: Issue[];
  readonly limit?: number;
  readonly method: string;
  readonly url: string;
  constructor(init: SolventApiErrorInit, options?: ErrorOptions) {
    super(init.message, options);
    this.name = 'SolventApiError';
    this.status = init.status;
    this.code = init.code;
    this.issues = init.issues ?? [];
    if (init.limit !== undefined) this.limit = init.limit;
    this.method = init.method;
    this.url = init.url;
  }
  /** One line per issue, `path: message`, for display. */
  describe(): string {
    const head = `${this.code} (${this.status}): ${this.message}`;
    if (this.issues.length === 0) return head;
    return [head, ...this.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`)].join('\n');
  }
}

/** The server answered, but not with what the contract promises (wrong JSON shape, not JSON at all). */
export class SolventProtocolError extends Error {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'SolventProtocolError';
    this.issues = issues;
  }
}

/** A job that `run()` waited for ended `failed` or `cancelled`. */
export class SolventJobError extends Error {
  readonly job: JobRecord;
  constructor(job: JobRecord) {
    super(`job ${job.id} ended ${job.status}${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}`);
    this.name = 'SolventJobError';
    this.job = job;
  }
}

/** `wait()` ran past its `timeoutMs`. */
export class SolventTimeoutError extends Error {
  readonly jobId: string;
  constructor(jobId: string, timeoutMs: number) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms`);
    this.name = 'SolventTimeoutError';
    this.jobId = jobId;
  }
}
