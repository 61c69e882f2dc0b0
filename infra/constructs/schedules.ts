/**
 * @module Schedules on EventBridge Scheduler (DESIGN §3, §8). A schedule group holds one Scheduler schedule per
 * stored schedule; each firing invokes the schedule Lambda (Lambda-invoke target through a role Scheduler assumes),
 * which submits the job through the same handler as the API. A sync Lambda, fed by an EventBridge rule on S3 object
 * events for `tenants/*\/schedules/*.json`, creates, updates and deletes the Scheduler schedules.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { BatchCompute } from './batch.js';
import { HandlerFunction } from './handler-function.js';
import type { Storage } from './storage.js';

export const SCHEDULE_KEY_PATTERN = 'tenants/*/schedules/*.json';

export interface SchedulesProps {
  storage: Storage;
  batch: BatchCompute;
  version: string;
  maxActiveJobsPerTenant?: number;
}

export class Schedules extends Construct {
  readonly group: ScheduleGroup;
  readonly runner: HandlerFunction;
  readonly sync: HandlerFunction;
  readonly schedulerRole: Role;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new ScheduleGroup(this, 'Group', {});

    this.runner = new HandlerFunction(this, 'Runner', {
      entry: 'schedule',
      description: 'Solvent: submits the job of a schedule firing (EventBridge Scheduler target)',
      memoryMiB: 512,
      timeout: Duration.seconds(60),
      environment: {
        SOLVENT_BUCKET: props.storage.bucket.bucketName,
        SOLVENT_VERSION: props.version,
        SOLVENT_MAX_ACTIVE_JOBS: String(props.maxActiveJobsPerTenant ?? 20),
        ...props.batch.queueEnvironment(),
      },
    });
    props.storage.grantJobData(this.runner.fn, { write: true });
    props.batch.grantSubmit(this.runner.fn);

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: invoke the Solvent schedule runner',
    });
    this.runner.fn.grantInvoke(this.schedulerRole);

    this.sync = new HandlerFunction(this, 'Sync', {
      entry: 'schedule-sync',
      description: 'Solvent: mirrors stored schedules into EventBridge Scheduler',
      memoryMiB: 256,
      timeout: Duration.seconds(30),
      environment: {
        SOLVENT_BUCKET: props.storage.bucket.bucketName,
        SOLVENT_VERSION: props.version,
        SOLVENT_SCHEDULE_GROUP: this.group.scheduleGroupName,
        SOLVENT_SCHEDULE_ROLE_ARN: this.schedulerRole.roleArn,
        SOLVENT_SCHEDULE_TARGET_ARN: this.runner.fn.functionArn,
      },
    });
    props.storage.grantJobData(this.sync.fn, { write: false });
    this.sync.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.group.scheduleGroupName}/*` })],
      }),
    );
    this.sync.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );

    this.rule = new Rule(this, 'ScheduleDocuments', {
      description: 'Solvent schedule documents created or deleted in the job store',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created', 'Object Deleted'],
        detail: {
          bucket: { name: [props.storage.bucket.bucketName] },
          object: { key: [{ wildcard: SCHEDULE_KEY_PATTERN }] },
        },
      },
      targets: [new LambdaFunction(this.sync.fn, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });
  }
}
