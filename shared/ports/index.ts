/**
 * @module Ports (DESIGN §1): the interfaces that the local and AWS runtimes implement. No implementations here.
 */
export type Body = Uint8Array | string;

export interface PutOptions {
  contentType?: string;
  /** Write only if the current object's etag equals this (optimistic concurrency). */
  ifMatch?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
}

export interface GetResult {
  body: Uint8Array;
  etag: string;
}

export interface ListOptions {
  /** Keys strictly after this one (lexicographic). */
  startAfter?: string;
  /** At most this many keys (default 1000). */
  limit?: number;
}

export interface ListResult {
  keys: string[];
  /** Present when more keys may follow; pass as `startAfter`. */
  next?: string;
}

export interface ObjectStore {
  get(key: string): Promise<GetResult | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Writes the object; with `ifMatch`, throws PreconditionFailedError when the etag differs. Returns the new etag. */
  put(key: string, body: Body, options?: PutOptions): Promise<string>;
  /** Writes only if no object exists at the key; returns false (and writes nothing) otherwise. */
  putIfAbsent(key: string, body: Body, options?: PutOptions): Promise<boolean>;
  /** Keys with the prefix, ascending. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  delete(key: string): Promise<void>;
  /** A short-lived URL to GET or PUT one object, or undefined if the store cannot make one. */
  presign(key: string, method: 'GET' | 'PUT', expiresS: number): Promise<string | undefined>;
}

export class PreconditionFailedError extends Error {
  constructor(key: string) {
    super(`precondition failed for ${key}`);
    this.name = 'PreconditionFailedError';
  }
}

export interface QueuedJob {
  tenant: string;
  jobId: string;
  solver: string;
  resources: Resources;
}

export interface Resources {
  gpu: boolean;
  vcpus: number;
  memoryMiB: number;
  timeoutS: number;
}

export interface JobQueue {
  submit(job: QueuedJob): Promise<void>;
  /** Stops a queued or running job (best effort; the worker also polls the cancel marker). */
  cancel(job: { tenant: string; jobId: string }): Promise<void>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Principal {
  tenant: string;
}

export interface Auth {
  /** Resolves a bearer token to its tenant, or undefined for an unknown key. */
  authenticate(token: string): Promise<Principal | undefined>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
