/**
 * @module The one pure transition function of the job state machine (DESIGN §4):
 * queued → running → succeeded | failed | cancelled; queued → cancelled; running → queued (requeue for a retry
 * while attempts remain). Nothing leaves a terminal state: such an event is a ConflictError.
 */
import { ConflictError } from '../errors.js';
import { isTerminal, type JobError, type JobStatus } from './states.js';

export type JobEvent =
  | { type: 'start' }
  | { type: 'succeed' }
  | { type: 'fail'; error: JobError }
  | { type: 'cancel'; reason?: string }
  | { type: 'requeue'; reason: string }
  /** A crash of the current attempt: requeue if attempts remain, else fail. */
  | { type: 'crash'; error: JobError };

export function transition(s: JobStatus, e: JobEvent, nowIso: string): JobStatus {
  if (isTerminal(s.status)) {
    throw new ConflictError(`job ${s.id} is ${s.status}; it cannot ${e.type}`);
  }
  switch (e.type) {
    case 'start':
      if (s.status !== 'queued') throw new ConflictError(`job ${s.id} is ${s.status}; only a queued job can start`);
      if (s.attempts >= s.maxAttempts) {
        return finish(s, 'failed', nowIso, { code: 'attempts_exhausted', message: `no attempts left (${s.maxAttempts} allowed)` });
      }
      return { ...s, status: 'running', startedAt: nowIso, attempts: s.attempts + 1, error: undefined };
    case 'succeed':
      if (s.status !== 'running') throw new ConflictError(`job ${s.id} is ${s.status}; only a running job can succeed`);
      return finish(s, 'succeeded', nowIso);
    case 'fail':
      return finish(s, 'failed', nowIso, e.error);
    case 'cancel':
      return finish(s, 'cancelled', nowIso, { code: 'cancelled', message: e.reason ?? 'cancelled by request' });
    case 'requeue':
      if (s.status !== 'running') throw new ConflictError(`job ${s.id} is ${s.status}; only a running job can be requeued`);
      if (s.attempts >= s.maxAttempts) {
        return finish(s, 'failed', nowIso, { code: 'attempts_exhausted', message: `${e.reason}; no attempts left` });
      }
      return { ...s, status: 'queued', error: { code: 'requeued', message: e.reason } };
    case 'crash':
      if (s.status === 'running' && s.attempts < s.maxAttempts) {
        return { ...s, status: 'queued', error: { code: 'requeued', message: e.error.message } };
      }
      return finish(s, 'failed', nowIso, e.error);
  }
}

function finish(s: JobStatus, status: 'succeeded' | 'failed' | 'cancelled', nowIso: string, error?: JobError): JobStatus {
  const next: JobStatus = { ...s, status, finishedAt: nowIso };
  if (error) next.error = error;
  else delete next.error;
  return next;
}
