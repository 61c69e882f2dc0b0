/**
 * Schedules on AWS: cron/rate → EventBridge Scheduler expressions, the sync handler on recorded S3 events (create,
 * update, delete, out-of-order delivery) with a mocked Scheduler client, and the schedule runner submitting through
 * the shared submitJob handler with an idempotency key per firing.
 */
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { Cron } from 'croner';
import { beforeEach, describe, expect, it } from 'vitest';
import { cronExpression, rateExpression, UnsupportedScheduleError } from '../../../functions/aws/schedule-expression.js';
import { runSchedule } from '../../../functions/aws/schedule-run.js';
import { schedulerName, syncSchedule } from '../../../functions/aws/schedule-sync.js';
import type { Deps } from '../../../functions/handlers/deps.js';
import type { ScheduleRecord } from '../../../shared/api/schemas.js';
import { ulidFactory } from '../../../shared/jobs/ids.js';
import type { QueuedJob } from '../../../shared/ports/index.js';
import { decodeJson, encodeJson, JobStore } from '../../../shared/store/job-store.js';
import { scheduleKey } from '../../../shared/store/keys.js';
import { MemoryStore } from '../../support/memory-store.js';
import { recordedEvent } from './recorded-events.js';

const TENANT = 'acme';
const SCHEDULE = '01JDQ6000000000000000SCHED';
const config = { group: 'solvent-group', roleArn: 'arn:aws:iam::123456789012:role/sched', targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:runner' };
const spec = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [2, 0, 0, 1] }, b: [1, 1] } };
const record = (over: Partial<ScheduleRecord> = {}): ScheduleRecord => ({
  id: SCHEDULE,
  cron: '0 3 * * *',
  enabled: true,
  spec,
  createdAt: '2026-11-26T00:00:00.000Z',
  next: null,
  ...over,
});

describe('scheduler expressions', () => {
  it.each([
    ['0 3 * * *', 'cron(0 3 * * ? *)'],
    ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
    ['30 8 * * 1-5', 'cron(30 8 ? * 2-6 *)'],
    ['0 0 * * 0', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 7', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 5-7', 'cron(0 0 ? * 6-7,1 *)'],
    ['0 12 * * 5#3', 'cron(0 12 ? * 6#3 *)'],
    ['0 12 * * MON,FRI', 'cron(0 12 ? * MON,FRI *)'],
    ['0 6 1 * *', 'cron(0 6 1 * ? *)'],
    ['0 6 L * *', 'cron(0 6 L * ? *)'],
    ['0 0 3 * * *', 'cron(0 3 * * ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
  ])('%s → %s', (cron, expected) => {
    expect(cronExpression(cron)).toBe(expected);
  });

  it('day-of-week translation agrees with croner on which weekdays fire', () => {
    // For each numeric weekday pattern, croner's firing weekdays (0 = Sunday) must equal Scheduler's (1 = Sunday) − 1.
    for (const dow of ['0', '1', '6', '7', '1-5', '0,3', '2-4', '5-7']) {
      const fired = new Set<number>();
      const c = new Cron(`0 0 * * ${dow}`, { timezone: 'UTC', paused: true });
      let t = new Date('2026-01-01T00:00:00Z');
      for (let i = 0; i < 14; i++) {
        const n = c.nextRun(t)!;
        fired.add(n.getUTCDay());
        t = n;
      }
      const field = /\? \* (\S+) \*\)$/.exec(cronExpression(`0 0 * * ${dow}`))![1];
      const aws = new Set<number>();
      for (const part of field.split(',')) {
        const [a, b] = part.split('-').map(Number);
        for (let d = a; d <= (b ?? a); d++) aws.add(d - 1);
      }
      expect([...aws].sort(), dow).toEqual([...fired].sort());
    }
  });

  it('rejects what Scheduler cannot express', () => {
    expect(() => cronExpression('0 0 1 * 1')).toThrow(UnsupportedScheduleError);
    expect(() => cronExpression('30 0 0 * * *')).toThrow(/seconds/);
    expect(() => cronExpression('0 0 *')).toThrow(/5 fields/);
    expect(() => rateExpression('30 seconds')).toThrow(UnsupportedScheduleError);
    expect(() => rateExpression('90 seconds')).toThrow(UnsupportedScheduleError);
  });

  it.each([
    ['6 hours', 'rate(6 hours)'],
    ['1 hours', 'rate(1 hour)'],
    ['1 day', 'rate(1 day)'],
    ['120 seconds', 'rate(2 minutes)'],
    ['60 seconds', 'rate(1 minute)'],
  ])('rate %s → %s', (rate, expected) => {
    expect(rateExpression(rate)).toBe(expected);
  });
});

describe('schedule sync (S3 events → EventBridge Scheduler)', () => {
  const scheduler = mockClient(SchedulerClient);
  let store: MemoryStore;
  const deps = () => ({ store, scheduler: new SchedulerClient({ region: 'eu-west-1' }), config });
  const created = () => recordedEvent('s3/schedule-object-created.json');
  const deleted = () => recordedEvent('s3/schedule-object-deleted.json');
  const notFound = () => new ResourceNotFoundException({ Message: 'Schedule not found', message: 'Schedule not found', $metadata: { httpStatusCode: 404 } });
  beforeEach(() => {
    scheduler.reset();
    store = new MemoryStore();
  });

  it('creates a schedule that invokes the runner with tenant, id and the scheduled time', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record({ timezone: 'Europe/Paris', name: 'nightly' })));
    scheduler.on(UpdateScheduleCommand).rejects(notFound());
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    expect(await syncSchedule(created(), deps())).toBe('upserted');
    const input = scheduler.commandCalls(CreateScheduleCommand)[0].args[0].input;
    expect(input).toMatchObject({
      Name: schedulerName(TENANT, SCHEDULE),
      GroupName: 'solvent-group',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: config.targetArn, RoleArn: config.roleArn },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual({ tenant: TENANT, scheduleId: SCHEDULE, scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(input.Name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
  });

  it('updates an existing schedule (a disabled one becomes DISABLED)', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record({ enabled: false, cron: undefined, rate: '6 hours' })));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    expect(await syncSchedule(created(), deps())).toBe('upserted');
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0].args[0].input).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(6 hours)' });
  });

  it('a create that races another sync falls back to update', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record()));
    scheduler.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({ ScheduleArn: 'arn' });
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ Message: 'exists', message: 'exists', $metadata: { httpStatusCode: 409 } }));
    expect(await syncSchedule(created(), deps())).toBe('upserted');
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(2);
  });

  it('deletes the schedule when the document is gone, whatever the event says (out-of-order delivery)', async () => {
    scheduler.on(DeleteScheduleCommand).resolvesOnce({}).rejectsOnce(notFound());
    expect(await syncSchedule(created(), deps())).toBe('deleted'); // a late "created" after the delete
    expect(await syncSchedule(deleted(), deps())).toBe('deleted'); // already gone: not an error
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0].args[0].input).toEqual({ Name: schedulerName(TENANT, SCHEDULE), GroupName: 'solvent-group' });
  });

  it('a schedule Scheduler cannot express is removed and reported, not left firing', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record({ cron: undefined, rate: '10 seconds' })));
    scheduler.on(DeleteScheduleCommand).resolves({});
    expect(await syncSchedule(created(), deps())).toBe('unsupported');
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
  });

  it('ignores other keys and other events', async () => {
    const e = created();
    e.detail.object.key = `tenants/${TENANT}/jobs/01JDQ7Z8X9K3M4N5P6Q7R8S9T0/status.json`;
    expect(await syncSchedule(e, deps())).toBe('ignored');
    expect(await syncSchedule({ source: 'aws.batch' }, deps())).toBe('ignored');
    expect(scheduler.calls()).toHaveLength(0);
  });
});

describe('schedule runner (Scheduler → submitJob)', () => {
  let store: MemoryStore;
  let submitted: QueuedJob[];
  let deps: Deps;
  beforeEach(() => {
    store = new MemoryStore();
    submitted = [];
    let t = Date.parse('2026-11-26T03:00:01Z');
    deps = {
      store,
      queue: { submit: async (j) => void submitted.push(j), cancel: async () => {} },
      clock: { now: () => t++ },
      newId: ulidFactory(() => t, (n) => new Uint8Array(n).fill(7)),
      log: { info() {}, warn() {}, error() {} },
      limits: { maxActiveJobsPerTenant: 10, maxAttempts: 3 },
      baseUrl: '',
      version: 'test',
    };
  });
  const invocation = () => recordedEvent('scheduler/schedule-invocation.json');

  it('submits the schedule’s spec once per firing, tagged with the schedule, and notes the run', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record()));
    const first = await runSchedule(invocation(), deps);
    expect(first).toMatchObject({ submitted: true, duplicate: false });
    const again = await runSchedule(invocation(), deps); // Scheduler retried the same firing
    expect(again).toMatchObject({ submitted: true, duplicate: true });
    expect(submitted).toHaveLength(1);
    const jobId = (first as { jobId: string }).jobId;
    expect((again as { jobId: string }).jobId).toBe(jobId);
    expect(submitted[0]).toMatchObject({ tenant: TENANT, jobId, solver: 'bcd' });
    const status = (await new JobStore(store).readStatus(TENANT, jobId))!.status;
    expect(status).toMatchObject({ scheduleId: SCHEDULE, status: 'queued' });
    const stored = decodeJson<ScheduleRecord>((await store.get(scheduleKey(TENANT, SCHEDULE)))!.body);
    expect(stored).toMatchObject({ lastRunAt: '2026-11-26T03:00:00Z', lastJobId: jobId });

    const next = { ...invocation(), scheduledTime: '2026-11-27T03:00:00Z' };
    expect(await runSchedule(next, deps)).toMatchObject({ submitted: true, duplicate: false });
    expect(submitted).toHaveLength(2);
  });

  it('skips deleted and disabled schedules, and schedules whose spec is no longer valid', async () => {
    expect(await runSchedule(invocation(), deps)).toEqual({ submitted: false, reason: 'deleted' });
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record({ enabled: false })));
    expect(await runSchedule(invocation(), deps)).toEqual({ submitted: false, reason: 'disabled' });
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record({ spec: { solver: 'bcd', problem: { kind: 'nope' } } })));
    expect(await runSchedule(invocation(), deps)).toMatchObject({ submitted: false, reason: 'rejected' });
    expect(await runSchedule({ tenant: '../x', scheduleId: SCHEDULE }, deps)).toEqual({ submitted: false, reason: 'invalid_event' });
    expect(submitted).toHaveLength(0);
  });

  it('a queue failure propagates so Scheduler retries the firing', async () => {
    await store.put(scheduleKey(TENANT, SCHEDULE), encodeJson(record()));
    deps.queue = { submit: async () => Promise.reject(new Error('Batch unavailable')), cancel: async () => {} };
    await expect(runSchedule(invocation(), deps)).rejects.toThrow(/Batch unavailable/);
  });
});
