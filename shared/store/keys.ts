/**
 * @module The store key layout (DESIGN §5). This is the only place that builds or parses keys; every key function
 * takes the tenant, and every segment is checked against a strict pattern so no key can escape its tenant's folder.
 */
import { invertId } from '../jobs/ids.js';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ARTIFACT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,100}(\.[A-Za-z0-9]{1,8})?$/;

export class InvalidKeySegmentError extends Error {
  constructor(what: string, value: string) {
    super(`invalid ${what}: ${JSON.stringify(value).slice(0, 80)}`);
    this.name = 'InvalidKeySegmentError';
  }
}

export function isSafeSegment(s: string): boolean {
  return SEGMENT.test(s);
}

function seg(what: string, s: string): string {
  if (typeof s !== 'string' || !SEGMENT.test(s)) throw new InvalidKeySegmentError(what, String(s));
  return s;
}

export const tenantPrefix = (t: string): string => `tenants/${seg('tenant', t)}/`;
export const jobsPrefix = (t: string): string => `${tenantPrefix(t)}jobs/`;
export const jobPrefix = (t: string, id: string): string => `${jobsPrefix(t)}${seg('job id', id)}/`;
export const specKey = (t: string, id: string): string => `${jobPrefix(t, id)}spec.json`;
export const statusKey = (t: string, id: string): string => `${jobPrefix(t, id)}status.json`;
export const progressKey = (t: string, id: string): string => `${jobPrefix(t, id)}progress.json`;
export const resultKey = (t: string, id: string): string => `${jobPrefix(t, id)}result.json`;
export const cancelKey = (t: string, id: string): string => `${jobPrefix(t, id)}cancel`;
export const checkpointKey = (t: string, id: string): string => `${jobPrefix(t, id)}checkpoint.bin`;
/** AWS only: the Batch job id of the job's current submission (for TerminateJob). */
export const batchKey = (t: string, id: string): string => `${jobPrefix(t, id)}batch.json`;
export const artifactsPrefix = (t: string, id: string): string => `${jobPrefix(t, id)}artifacts/`;
export function artifactKey(t: string, id: string, name: string): string {
  if (!ARTIFACT.test(name)) throw new InvalidKeySegmentError('artifact name', name);
  return `${artifactsPrefix(t, id)}${name}`;
}
export const uploadsPrefix = (t: string): string => `${tenantPrefix(t)}uploads/`;
export const uploadKey = (t: string, ref: string): string => `${uploadsPrefix(t)}${seg('upload ref', ref)}`;
export const schedulesPrefix = (t: string): string => `${tenantPrefix(t)}schedules/`;
export const scheduleKey = (t: string, id: string): string => `${schedulesPrefix(t)}${seg('schedule id', id)}.json`;

/** Newest-first listing index (an addition to §5): one empty object per job, keyed by the inverted id. */
export const jobIndexPrefix = (t: string): string => `${tenantPrefix(t)}index/jobs/`;
export const jobIndexKey = (t: string, id: string): string => `${jobIndexPrefix(t)}${invertId(seg('job id', id))}`;
export function jobIdFromIndexKey(t: string, key: string): string {
  const p = jobIndexPrefix(t);
  if (!key.startsWith(p)) throw new InvalidKeySegmentError('index key', key);
  return invertId(key.slice(p.length));
}

/** AWS only: hashed API key records, outside every tenant's folder: auth/keys/<first 32 hex digits of sha256(key)>.json */
export const apiKeyRecordKey = (keyIdHex: string): string => `auth/keys/${seg('api key id', keyIdHex)}.json`;

/** Active-job markers (an addition to §5): one empty object per queued or running job, for the per-tenant cap. */
export const activeJobsPrefix = (t: string): string => `${tenantPrefix(t)}index/active/`;
export const activeJobKey = (t: string, id: string): string => `${activeJobsPrefix(t)}${seg('job id', id)}`;

/** Idempotency records: tenants/<t>/idempotency/<sha256 of the key>.json */
export const idempotencyKey = (t: string, keyHash: string): string => `${tenantPrefix(t)}idempotency/${seg('idempotency hash', keyHash)}.json`;

/** Parses `tenants/<t>/jobs/<id>/<rest>`; undefined for other keys. */
export function parseJobKey(key: string): { tenant: string; jobId: string; rest: string } | undefined {
  const m = /^tenants\/([^/]+)\/jobs\/([^/]+)\/(.+)$/.exec(key);
  if (!m || !SEGMENT.test(m[1]) || !SEGMENT.test(m[2])) return undefined;
  return { tenant: m[1], jobId: m[2], rest: m[3] };
}
