/**
 * @module What every handler receives (STYLE §2.1): the store, the queue, the clock, ids and settings.
 * Runtime entries (local server, Lambda) build it once from their environment.
 */
import type { Clock, JobQueue, Logger, ObjectStore } from '../../shared/index.js';

export interface Limits {
  /** Jobs a tenant may have queued or running at once. */
  maxActiveJobsPerTenant: number;
  /** Attempts per job (first run + retries after a crash or restart). */
  maxAttempts: number;
}

export interface Deps {
  store: ObjectStore;
  queue: JobQueue;
  clock: Clock;
  newId(): string;
  log: Logger;
  limits: Limits;
  /** Base of links in responses, e.g. "" (relative) or "https://api.example.com". */
  baseUrl: string;
  /** Version of the service/solvers, reported by /healthz. */
  version: string;
}

export interface RequestContext {
  tenant: string;
}
