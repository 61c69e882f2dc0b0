/**
 * @module Batch job state changes → the batch-events Lambda (DESIGN §4): an EventBridge rule on "Batch Job State
 * Change" events of Solvent's two queues with status FAILED, SUCCEEDED or RUNNABLE (a retry after an attempt), with
 * retries and a dead-letter queue so no ending is lost. The function reads and updates job documents only.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BatchCompute } from './batch.js';
import { HandlerFunction } from './handler-function.js';
import type { Storage } from './storage.js';

export const BATCH_EVENT_STATUSES = ['FAILED', 'SUCCEEDED', 'RUNNABLE'];

export interface BatchEventsProps {
  storage: Storage;
  batch: BatchCompute;
  version: string;
}

export class BatchEvents extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: Rule;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: BatchEventsProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: 'batch-events',
      description: 'Solvent: ends jobs that AWS Batch failed, timed out or lost to spot reclaims',
      memoryMiB: 256,
      timeout: Duration.seconds(30),
      environment: { SOLVENT_BUCKET: props.storage.bucket.bucketName, SOLVENT_VERSION: props.version },
    });
    props.storage.grantJobData(this.handler.fn, { write: true });
    this.deadLetters = new Queue(this, 'DeadLetters', { encryption: QueueEncryption.SQS_MANAGED, retentionPeriod: Duration.days(14), enforceSSL: true });
    this.rule = new Rule(this, 'JobStateChange', {
      description: 'Solvent Batch job state changes',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: {
          jobQueue: [props.batch.gpu.queue.jobQueueArn, props.batch.cpu.queue.jobQueueArn],
          status: BATCH_EVENT_STATUSES,
        },
      },
      targets: [new LambdaFunction(this.handler.fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters })],
    });
  }
}
