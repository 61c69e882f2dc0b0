/**
 * @module AWS Batch for the worker (DESIGN §8): a VPC without NAT gateways (public subnets, S3 gateway endpoint),
 * managed EC2 compute environments that scale to zero — GPU (g5/g6 families, ECS AL2023 NVIDIA AMI; spot first,
 * then on-demand) and CPU-only (c6i/m6i families, same order) — one job queue each, and one job definition each that
 * runs `npx tsx functions/worker/main.ts` with timeouts and a retry strategy that retries spot reclaims
 * (`Host EC2*` status reasons) and never solver errors.
 */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import {
  Action,
  AllocationStrategy,
  EcsEc2ContainerDefinition,
  EcsJobDefinition,
  EcsMachineImageType,
  JobQueue,
  ManagedEc2EcsComputeEnvironment,
  Reason,
  RetryStrategy,
} from 'aws-cdk-lib/aws-batch';
import { GatewayVpcEndpointAwsService, InstanceClass, SecurityGroup, SubnetType, Vpc, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { LogDriver, type ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Storage } from './storage.js';

export const WORKER_COMMAND = ['npx', 'tsx', 'functions/worker/main.ts'];
export const GPU_INSTANCE_CLASSES = [InstanceClass.G5, InstanceClass.G6];
export const CPU_INSTANCE_CLASSES = [InstanceClass.C6I, InstanceClass.M6I];
/** Attempts in all: a spot reclaim is retried until this many have run. */
export const WORKER_ATTEMPTS = 3;

export interface BatchComputeProps {
  storage: Storage;
  workerImage: ContainerImage;
  /** Upper bound of each GPU compute environment (g5.xlarge = 4 vCPUs). Default 64. */
  maxGpuVcpus?: number;
  /** Upper bound of each CPU compute environment. Default 64. */
  maxCpuVcpus?: number;
  /** Default attempt timeout of the job definitions (each submission overrides it from resources()). Default 2 h. */
  defaultTimeout?: Duration;
  vpc?: IVpc;
}

export interface WorkerTargets {
  queue: JobQueue;
  jobDefinition: EcsJobDefinition;
}

export class BatchCompute extends Construct {
  readonly vpc: IVpc;
  readonly gpu: WorkerTargets;
  readonly cpu: WorkerTargets;
  readonly jobRole: Role;

  constructor(scope: Construct, id: string, props: BatchComputeProps) {
    super(scope, id);
    this.vpc =
      props.vpc ??
      new Vpc(this, 'Vpc', {
        maxAzs: 3,
        natGateways: 0,
        subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
        gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
      });
    const securityGroup = new SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc: this.vpc,
      description: 'Solvent Batch workers: no inbound, outbound to S3/ECR/CloudWatch',
      allowAllOutbound: true,
    });

    this.jobRole = new Role(this, 'JobRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Solvent worker: reads and writes job documents under tenants/*',
    });
    props.storage.grantJobData(this.jobRole, { write: true, delete: true });

    const logGroup = new LogGroup(this, 'WorkerLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const timeout = props.defaultTimeout ?? Duration.hours(2);

    const environments = (name: string, classes: InstanceClass[], maxvCpus: number, gpu: boolean) => {
      const common = {
        vpc: this.vpc,
        vpcSubnets: { subnetType: SubnetType.PUBLIC },
        securityGroups: [securityGroup],
        instanceClasses: classes,
        useOptimalInstanceClasses: false,
        minvCpus: 0,
        maxvCpus,
        images: [{ imageType: gpu ? EcsMachineImageType.ECS_AL2023_NVIDIA : EcsMachineImageType.ECS_AL2023 }],
        updateToLatestImageVersion: true,
      };
      const spot = new ManagedEc2EcsComputeEnvironment(this, `${name}Spot`, {
        ...common,
        spot: true,
        allocationStrategy: AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED,
      });
      const onDemand = new ManagedEc2EcsComputeEnvironment(this, `${name}OnDemand`, {
        ...common,
        spot: false,
        allocationStrategy: AllocationStrategy.BEST_FIT_PROGRESSIVE,
      });
      return new JobQueue(this, `${name}Queue`, {
        priority: 1,
        computeEnvironments: [
          { computeEnvironment: spot, order: 1 },
          { computeEnvironment: onDemand, order: 2 },
        ],
      });
    };

    const definition = (name: string, gpu: boolean) =>
      new EcsJobDefinition(this, `${name}JobDefinition`, {
        container: new EcsEc2ContainerDefinition(this, `${name}Container`, {
          image: props.workerImage,
          command: WORKER_COMMAND,
          cpu: gpu ? 4 : 2,
          // g5.xlarge/g6.xlarge have 16 GiB, of which ECS keeps some: ask for less than all of it.
          memory: gpu ? Size.mebibytes(14_336) : Size.mebibytes(3_584),
          ...(gpu ? { gpu: 1 } : {}),
          jobRole: this.jobRole,
          environment: {
            SOLVENT_BUCKET: props.storage.bucket.bucketName,
            // Dawn's Vulkan backend needs the driver's graphics (Vulkan ICD) libraries, not only CUDA's.
            ...(gpu ? { NVIDIA_DRIVER_CAPABILITIES: 'compute,utility,graphics', NVIDIA_VISIBLE_DEVICES: 'all' } : {}),
          },
          logging: LogDriver.awsLogs({ streamPrefix: `worker-${name.toLowerCase()}`, logGroup }),
        }),
        timeout,
        retryAttempts: WORKER_ATTEMPTS,
        retryStrategies: [
          RetryStrategy.of(Action.RETRY, Reason.SPOT_INSTANCE_RECLAIMED),
          RetryStrategy.of(Action.EXIT, Reason.custom({ onReason: '*' })),
        ],
        propagateTags: true,
      });

    this.gpu = {
      queue: environments('Gpu', GPU_INSTANCE_CLASSES, props.maxGpuVcpus ?? 64, true),
      jobDefinition: definition('Gpu', true),
    };
    this.cpu = {
      queue: environments('Cpu', CPU_INSTANCE_CLASSES, props.maxCpuVcpus ?? 64, false),
      jobDefinition: definition('Cpu', false),
    };
  }

  /** batch:SubmitJob on the two queues and job definitions only, plus tagging the submitted jobs. */
  grantSubmit(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['batch:SubmitJob'],
        resources: [this.gpu.queue.jobQueueArn, this.cpu.queue.jobQueueArn, this.gpu.jobDefinition.jobDefinitionArn, this.cpu.jobDefinition.jobDefinitionArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['batch:TagResource'],
        // Jobs only (the tags SubmitJob sets on the job it creates), never queues or compute environments.
        resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
      }),
    );
  }

  /** batch:TerminateJob on jobs (Batch has no queue condition for it) and batch:DescribeJobs (no resource scoping). */
  grantManage(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['batch:TerminateJob'],
        resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['batch:DescribeJobs'], resources: ['*'] }));
  }

  /** The environment of functions that submit jobs (functions/aws/env.ts queueEnvSchema). */
  queueEnvironment(): Record<string, string> {
    return {
      SOLVENT_GPU_JOB_QUEUE: this.gpu.queue.jobQueueArn,
      SOLVENT_CPU_JOB_QUEUE: this.cpu.queue.jobQueueArn,
      SOLVENT_GPU_JOB_DEFINITION: this.gpu.jobDefinition.jobDefinitionArn,
      SOLVENT_CPU_JOB_DEFINITION: this.cpu.jobDefinition.jobDefinitionArn,
    };
  }
}
