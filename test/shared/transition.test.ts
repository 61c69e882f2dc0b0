/** The job state machine (DESIGN §4) as properties: no event leaves a terminal state; every path is legal. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, JOB_STATES, isTerminal, transition, type JobEvent, type JobStatus } from '../../shared/index.js';

const base = (status: JobStatus['status'], attempts = 0, maxAttempts = 2): JobStatus => ({
  id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  tenant: 't',
  solver: 'bcd',
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  attempts,
  maxAttempts,
});

const eventArb: fc.Arbitrary<JobEvent> = fc.oneof(
  fc.constant<JobEvent>({ type: 'start' }),
  fc.constant<JobEvent>({ type: 'succeed' }),
  fc.constant<JobEvent>({ type: 'fail', error: { code: 'x', message: 'boom' } }),
  fc.constant<JobEvent>({ type: 'cancel' }),
  fc.constant<JobEvent>({ type: 'requeue', reason: 'restart' }),
  fc.constant<JobEvent>({ type: 'crash', error: { code: 'c', message: 'crash' } }),
);

const ALLOWED: Record<string, string[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled', 'queued'],
};

describe('transition', () => {
  it('property: any event sequence only takes allowed edges, and terminal states never change', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (events, maxAttempts) => {
        let s = base('queued', 0, maxAttempts);
        for (const e of events) {
          const before = s;
          try {
            s = transition(s, e, '2026-01-02T00:00:00.000Z');
          } catch (err) {
            expect(err).toBeInstanceOf(ConflictError);
            continue;
          }
          expect(isTerminal(before.status)).toBe(false);
          expect(ALLOWED[before.status]).toContain(s.status);
          if (isTerminal(s.status)) expect(s.finishedAt).toBeDefined();
          expect(s.attempts).toBeLessThanOrEqual(maxAttempts);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every event on a terminal job is a ConflictError', () => {
    for (const st of JOB_STATES.filter((x) => isTerminal(x))) {
      for (const e of [{ type: 'start' }, { type: 'succeed' }, { type: 'cancel' }, { type: 'fail', error: { code: 'a', message: 'b' } }] as JobEvent[]) {
        expect(() => transition(base(st), e, 'now')).toThrow(ConflictError);
      }
    }
  });

  it('queued → running counts an attempt; succeed only from running; a queued job can be cancelled', () => {
    const r = transition(base('queued'), { type: 'start' }, 't1');
    expect(r).toMatchObject({ status: 'running', startedAt: 't1', attempts: 1 });
    expect(() => transition(base('queued'), { type: 'succeed' }, 't')).toThrow(ConflictError);
    expect(transition(base('queued'), { type: 'cancel' }, 't2')).toMatchObject({ status: 'cancelled', finishedAt: 't2' });
  });

  it('requeue keeps attempts and fails once they are used up', () => {
    const running = transition(base('queued', 0, 1), { type: 'start' }, 't');
    expect(transition(running, { type: 'requeue', reason: 'restart' }, 't').status).toBe('failed');
    const running2 = transition(base('queued', 0, 2), { type: 'start' }, 't');
    const again = transition(running2, { type: 'requeue', reason: 'restart' }, 't');
    expect(again.status).toBe('queued');
    expect(transition(again, { type: 'start' }, 't').attempts).toBe(2);
  });
});
