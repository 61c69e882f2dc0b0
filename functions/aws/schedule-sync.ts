/**
 * @module Mirrors stored schedules (`tenants/<t>/schedules/<id>.json`) into an EventBridge Scheduler group. S3 sends
 * "Object Created"/"Object Deleted" events for those keys through EventBridge; since such events may arrive out of
 * order, the handler ignores the event type and reconciles with what the store holds now: a record → create or
 * update its schedule (invoking the schedule Lambda with `{tenant, scheduleId, scheduledTime}`); none → delete it.
 */
import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { z } from 'zod';
import type { ScheduleRecord } from '../../shared/api/schemas.js';
import type { Logger, ObjectStore } from '../../shared/ports/index.js';
import { readJson } from '../../shared/store/job-store.js';
import { isSafeSegment, scheduleKey } from '../../shared/store/keys.js';
import { schedulerExpression, UnsupportedScheduleError } from './schedule-expression.js';

export const s3ObjectEventSchema = z
  .object({
    source: z.literal('aws.s3'),
    'detail-type': z.enum(['Object Created', 'Object Deleted']),
    detail: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }).loose() }).loose(),
  })
  .loose();

export interface ScheduleSyncConfig {
  group: string;
  /** Role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  /** The schedule Lambda's ARN. */
  targetArn: string;
}

export interface ScheduleSyncDeps {
  store: ObjectStore;
  scheduler: SchedulerClient;
  config: ScheduleSyncConfig;
  log?: Logger;
}

export type ScheduleSyncOutcome = 'ignored' | 'upserted' | 'deleted' | 'unsupported';

const SCHEDULE_KEY = /^tenants\/([^/]+)\/schedules\/([^/]+)\.json$/;

/** Scheduler names are ≤ 64 of [0-9A-Za-z-_.]: a digest of tenant and id keeps them unique and short. */
export function schedulerName(tenant: string, scheduleId: string): string {
  return `solvent-${createHash('sha256').update(`${tenant}/${scheduleId}`).digest('hex').slice(0, 40)}`;
}

/** The Scheduler definition of one stored schedule. */
export function scheduleDefinition(tenant: string, record: ScheduleRecord, config: ScheduleSyncConfig): CreateScheduleCommandInput {
  const input: CreateScheduleCommandInput = {
    Name: schedulerName(tenant, record.id),
    GroupName: config.group,
    Description: `solvent schedule ${record.id} of tenant ${tenant}${record.name ? `: ${record.name}` : ''}`.slice(0, 512),
    ScheduleExpression: schedulerExpression(record),
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: record.enabled ? 'ENABLED' : 'DISABLED',
    Target: {
      Arn: config.targetArn,
      RoleArn: config.roleArn,
      Input: JSON.stringify({ tenant, scheduleId: record.id, scheduledTime: '<aws.scheduler.scheduled-time>' }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
  };
  if (record.timezone && record.cron !== undefined) input.ScheduleExpressionTimezone = record.timezone;
  return input;
}

async function upsert(scheduler: SchedulerClient, input: CreateScheduleCommandInput): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await scheduler.send(new UpdateScheduleCommand(input));
      return;
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
    }
    try {
      await scheduler.send(new CreateScheduleCommand(input));
      return;
    } catch (e) {
      if (!(e instanceof ConflictException)) throw e; // created concurrently: update it on the next round
    }
  }
  throw new Error(`could not create or update schedule ${input.Name}`);
}

async function remove(scheduler: SchedulerClient, name: string, group: string): Promise<void> {
  try {
    await scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
}

export async function syncSchedule(raw: unknown, deps: ScheduleSyncDeps): Promise<ScheduleSyncOutcome> {
  const parsed = s3ObjectEventSchema.safeParse(raw);
  if (!parsed.success) return 'ignored';
  const m = SCHEDULE_KEY.exec(decodeURIComponent(parsed.data.detail.object.key.replace(/\+/g, ' ')));
  if (!m || !isSafeSegment(m[1]) || !isSafeSegment(m[2])) return 'ignored';
  const [, tenant, scheduleId] = m;
  const name = schedulerName(tenant, scheduleId);
  const got = await readJson<ScheduleRecord>(deps.store, scheduleKey(tenant, scheduleId));
  if (!got) {
    await remove(deps.scheduler, name, deps.config.group);
    deps.log?.info('schedule removed from EventBridge Scheduler', { tenant, scheduleId, name });
    return 'deleted';
  }
  let input: CreateScheduleCommandInput;
  try {
    input = scheduleDefinition(tenant, got.value, deps.config);
  } catch (e) {
    if (!(e instanceof UnsupportedScheduleError)) throw e;
    // Never leave an old definition firing for a schedule that now cannot be expressed.
    await remove(deps.scheduler, name, deps.config.group);
    deps.log?.error('schedule cannot run on EventBridge Scheduler', { tenant, scheduleId, error: e.message });
    return 'unsupported';
  }
  await upsert(deps.scheduler, input);
  deps.log?.info('schedule synced to EventBridge Scheduler', { tenant, scheduleId, name, expression: input.ScheduleExpression });
  return 'upserted';
}
