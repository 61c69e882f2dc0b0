/**
 * @module The Solvent stack (DESIGN §8): job store bucket, Batch compute for the worker, HTTP API with the key
 * authorizer, Batch state-change events, EventBridge Scheduler schedules and the web page, wired with
 * least-privilege grants. Function code is named by path only (infra never imports functions/).
 */
import { CfnOutput, IgnoreMode, Stack, type StackProps } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.js';
import { ApiAuth } from './constructs/auth.js';
import { BatchCompute } from './constructs/batch.js';
import { BatchEvents } from './constructs/events.js';
import { Schedules } from './constructs/schedules.js';
import { Storage } from './constructs/storage.js';
import { Web } from './constructs/web.js';
import { REPO_ROOT, WEB_DIR, WORKER_DOCKERFILE } from './paths.js';

export interface SolventStackProps extends StackProps {
  /** "<package version>+<commit>", reported by /healthz and the worker. */
  version?: string;
  /** Commit baked into the worker image (SOLVENT_COMMIT). */
  commit?: string;
  /** The worker image; by default built from infra/worker.Dockerfile at deploy time. */
  workerImage?: ContainerImage;
  siteDir?: string;
  maxGpuVcpus?: number;
  maxCpuVcpus?: number;
  maxActiveJobsPerTenant?: number;
  jobRetentionDays?: number;
  /** Keep the data bucket when the stack is deleted (default true). */
  retainData?: boolean;
}

/** Only what the worker needs goes into the image's build context (dockerignore syntax). */
export const WORKER_CONTEXT_EXCLUDES = [
  '*',
  '!package.json',
  '!package-lock.json',
  '!tsconfig.json',
  '!shared',
  '!solvers',
  '!functions',
  '!infra/worker.Dockerfile',
  '**/*.test.ts',
];

export function workerImageFromSource(commit = 'unknown'): ContainerImage {
  return ContainerImage.fromAsset(REPO_ROOT, {
    file: WORKER_DOCKERFILE,
    platform: Platform.LINUX_AMD64,
    ignoreMode: IgnoreMode.DOCKER,
    exclude: WORKER_CONTEXT_EXCLUDES,
    buildArgs: { SOLVENT_COMMIT: commit },
  });
}

export class SolventStack extends Stack {
  readonly storage: Storage;
  readonly batch: BatchCompute;
  readonly auth: ApiAuth;
  readonly api: Api;
  readonly events: BatchEvents;
  readonly schedules: Schedules;
  readonly web: Web;

  constructor(scope: Construct, id: string, props: SolventStackProps = {}) {
    super(scope, id, { description: 'Solvent: optimisation as a service (API, Batch GPU workers, S3 job store)', ...props });
    const version = props.version ?? '0.0.0';
    this.storage = new Storage(this, 'Storage', { jobRetentionDays: props.jobRetentionDays, retain: props.retainData });
    this.batch = new BatchCompute(this, 'Batch', {
      storage: this.storage,
      workerImage: props.workerImage ?? workerImageFromSource(props.commit),
      maxGpuVcpus: props.maxGpuVcpus,
      maxCpuVcpus: props.maxCpuVcpus,
    });
    this.auth = new ApiAuth(this, 'Auth', { storage: this.storage });
    this.api = new Api(this, 'Api', {
      storage: this.storage,
      batch: this.batch,
      authorizer: this.auth.authorizer,
      version,
      maxActiveJobsPerTenant: props.maxActiveJobsPerTenant,
    });
    this.events = new BatchEvents(this, 'BatchEvents', { storage: this.storage, batch: this.batch, version });
    this.schedules = new Schedules(this, 'Schedules', {
      storage: this.storage,
      batch: this.batch,
      version,
      maxActiveJobsPerTenant: props.maxActiveJobsPerTenant,
    });
    this.web = new Web(this, 'Web', { api: this.api.httpApi, siteDir: props.siteDir ?? WEB_DIR });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint, description: 'HTTP API endpoint (use with --url)' });
    new CfnOutput(this, 'WebUrl', { value: `https://${this.web.distribution.distributionDomainName}`, description: 'Web page and API on one origin' });
    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName, description: 'Job store bucket (SOLVENT_BUCKET)' });
    new CfnOutput(this, 'GpuJobQueue', { value: this.batch.gpu.queue.jobQueueArn });
    new CfnOutput(this, 'CpuJobQueue', { value: this.batch.cpu.queue.jobQueueArn });
  }
}
