/**
 * Template assertions on the synthesized Solvent stack (DESIGN §8): bucket protection, Lambda runtime/arch, Batch
 * compute environments, job definitions (GPU, retry strategy, timeouts), the EventBridge rules and least-privilege
 * IAM. Bundling is skipped (`aws:cdk:bundling-stacks: []`) and the template validator is off (CDK_VALIDATION=false).
 */
process.env.CDK_VALIDATION = 'false';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SolventStack, WORKER_CONTEXT_EXCLUDES } from '../../infra/solvent-stack.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };
let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** All policy statements attached to the role whose logical id starts with the given construct path. */
function statementsOf(rolePrefix: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const roles = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith(rolePrefix)).map(([id]) => id);
  expect(roles.length, `role ${rolePrefix}`).toBeGreaterThan(0);
  const out: Array<{ Action: string | string[]; Resource: unknown }> = [];
  for (const [, p] of ofType('AWS::IAM::Policy')) {
    const attached = (p.Properties.Roles as Array<{ Ref: string }>).some((r) => roles.includes(r.Ref));
    if (attached) out.push(...p.Properties.PolicyDocument.Statement);
  }
  return out;
}
const actionsOf = (statements: Array<{ Action: string | string[] }>) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SolventStack(app, 'Test', {
    env: { account: '123456789012', region: 'eu-west-1' },
    version: '0.1.0+test',
    workerImage: ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:20-bookworm-slim'),
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

describe('job store bucket', () => {
  it('is encrypted, versioned, private and has lifecycle rules', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: Match.objectLike({ NoncurrentDays: 30 }) }),
        ]),
      },
    });
  });
  it('denies plain-HTTP access', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('Lambda functions', () => {
  it('every Solvent handler runs Node 22 on arm64 with the bucket in its environment', () => {
    const handlers = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Environment?.Variables?.SOLVENT_BUCKET);
    expect(handlers.length).toBe(5); // api, authorizer, batch-events, schedule runner, schedule sync
    for (const [id, r] of handlers) {
      expect(r.Properties.Runtime, id).toBe('nodejs22.x');
      expect(r.Properties.Architectures, id).toEqual(['arm64']);
    }
  });
  it('no function uses a deprecated Node runtime', () => {
    for (const [id, r] of ofType('AWS::Lambda::Function')) {
      if (typeof r.Properties.Runtime === 'string' && r.Properties.Runtime.startsWith('nodejs')) {
        expect(Number(/nodejs(\d+)/.exec(r.Properties.Runtime)?.[1]), id).toBeGreaterThanOrEqual(22);
      }
    }
  });
});

describe('AWS Batch', () => {
  const ces = () => ofType('AWS::Batch::ComputeEnvironment').map(([, r]) => r.Properties);
  it('GPU environments use g5/g6 with the NVIDIA AMI, one spot and one on-demand, scaling to zero', () => {
    const gpu = ces().filter((p) => p.ComputeResources.InstanceTypes.includes('g5'));
    expect(gpu).toHaveLength(2);
    for (const p of gpu) {
      expect(p.Type.toUpperCase()).toBe('MANAGED');
      expect(p.ComputeResources.InstanceTypes.sort()).toEqual(['g5', 'g6']);
      expect(p.ComputeResources.MinvCpus).toBe(0);
      expect(p.ComputeResources.Ec2Configuration).toEqual([{ ImageType: 'ECS_AL2023_NVIDIA' }]);
    }
    expect(gpu.map((p) => p.ComputeResources.Type).sort()).toEqual(['EC2', 'SPOT']);
    expect(gpu.find((p) => p.ComputeResources.Type === 'SPOT')?.ComputeResources.AllocationStrategy).toBe('SPOT_PRICE_CAPACITY_OPTIMIZED');
  });
  it('CPU-only environments exist without GPU instance families', () => {
    const cpu = ces().filter((p) => !p.ComputeResources.InstanceTypes.some((t: string) => /^g\d/.test(t)));
    expect(cpu).toHaveLength(2);
    for (const p of cpu) expect(p.ComputeResources.MinvCpus).toBe(0);
  });
  it('each job queue tries spot first, then on-demand', () => {
    const queues = ofType('AWS::Batch::JobQueue').map(([, r]) => r.Properties);
    expect(queues).toHaveLength(2);
    for (const q of queues) {
      const order = q.ComputeEnvironmentOrder as Array<{ ComputeEnvironment: { Ref?: string; 'Fn::GetAtt'?: string[] }; Order: number }>;
      expect(order.map((o) => o.Order)).toEqual([1, 2]);
      const first = order[0].ComputeEnvironment['Fn::GetAtt']?.[0] ?? order[0].ComputeEnvironment.Ref ?? '';
      expect(resources[first].Properties.ComputeResources.Type).toBe('SPOT');
    }
  });
  it('the GPU job definition asks for a GPU, runs the worker with graphics capabilities, and retries only spot reclaims', () => {
    const defs = ofType('AWS::Batch::JobDefinition').map(([, r]) => r.Properties);
    const gpu = defs.find((d) => d.ContainerProperties.ResourceRequirements.some((r: { Type: string }) => r.Type === 'GPU'));
    expect(gpu).toBeDefined();
    expect(gpu!.ContainerProperties.ResourceRequirements).toContainEqual({ Type: 'GPU', Value: '1' });
    expect(gpu!.ContainerProperties.Command).toEqual(['npx', 'tsx', 'functions/worker/main.ts']);
    const env = Object.fromEntries((gpu!.ContainerProperties.Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]));
    expect(String(env.NVIDIA_DRIVER_CAPABILITIES).split(',')).toEqual(expect.arrayContaining(['graphics', 'compute']));
    expect(env.SOLVENT_BUCKET).toBeDefined();
    expect(gpu!.Timeout.AttemptDurationSeconds).toBeGreaterThanOrEqual(60);
    expect(gpu!.RetryStrategy.Attempts).toBe(3);
    const rules = gpu!.RetryStrategy.EvaluateOnExit as Array<{ Action: string; OnStatusReason?: string; OnReason?: string }>;
    // First matching rule wins: spot reclaims retry, anything else (solver errors, OOM, non-zero exits) exits.
    expect(rules[0]).toMatchObject({ Action: 'RETRY', OnStatusReason: 'Host EC2*' });
    expect(rules[rules.length - 1]).toMatchObject({ Action: 'EXIT', OnReason: '*' });
    expect(rules.filter((r) => r.Action === 'RETRY')).toHaveLength(1);
  });
  it('the CPU job definition asks for no GPU', () => {
    const defs = ofType('AWS::Batch::JobDefinition').map(([, r]) => r.Properties);
    expect(defs.filter((d) => !d.ContainerProperties.ResourceRequirements.some((r: { Type: string }) => r.Type === 'GPU'))).toHaveLength(1);
  });
  it('the worker image build context keeps only what the worker needs', () => {
    expect(WORKER_CONTEXT_EXCLUDES[0]).toBe('*');
    expect(WORKER_CONTEXT_EXCLUDES).toContain('!functions');
    expect(WORKER_CONTEXT_EXCLUDES).not.toContain('!node_modules');
  });
});

describe('events and schedules', () => {
  it('a rule sends Batch job state changes of both queues (FAILED, SUCCEEDED, RUNNABLE) to a Lambda with a DLQ', () => {
    const rule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.batch');
    expect(rule).toBeDefined();
    const p = rule![1].Properties;
    expect(p.EventPattern['detail-type']).toEqual(['Batch Job State Change']);
    expect(p.EventPattern.detail.status.sort()).toEqual(['FAILED', 'RUNNABLE', 'SUCCEEDED']);
    expect(p.EventPattern.detail.jobQueue).toHaveLength(2);
    expect(p.Targets[0].DeadLetterConfig).toBeDefined();
    expect(p.Targets[0].RetryPolicy.MaximumRetryAttempts).toBe(8);
  });
  it('a rule sends S3 events on schedule documents to the sync Lambda', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created', 'Object Deleted'],
        detail: { object: { key: [{ wildcard: 'tenants/*/schedules/*.json' }] } },
      },
    });
  });
  it('a Scheduler group exists and the Scheduler role may only invoke the schedule runner', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const statements = statementsOf('SchedulesSchedulerRole');
    expect(actionsOf(statements)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements[0].Resource)).toContain('SchedulesRunner');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })],
      },
    });
  });
});

describe('HTTP API', () => {
  it('protects /{proxy+} with a simple-response Lambda authorizer keyed on the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
    });
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const proxy = routes.filter((r) => String(r.RouteKey).endsWith(' /{proxy+}'));
    expect(proxy.length).toBeGreaterThan(0);
    for (const r of proxy) expect(r.AuthorizationType).toBe('CUSTOM');
    const healthz = routes.find((r) => r.RouteKey === 'GET /healthz');
    expect(healthz?.AuthorizationType ?? 'NONE').toBe('NONE');
  });
  it('serves the web page from a private bucket through CloudFront with the API on the same origin', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: '/v1/*', AllowedMethods: Match.arrayWith(['POST', 'DELETE']) })]),
      }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });
});

describe('least-privilege IAM', () => {
  const s3Resources = (statements: Array<{ Action: string | string[]; Resource: unknown }>) =>
    JSON.stringify(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:'))).map((s) => s.Resource));

  it('the authorizer reads only auth/keys/* (and may list the bucket to see 404s); no writes, no Batch', () => {
    const statements = statementsOf('AuthHandler');
    expect(actionsOf(statements)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(s3Resources(statements)).toContain('/auth/keys/*');
    expect(s3Resources(statements)).not.toContain('/tenants/*');
  });
  it('the API function may submit only to Solvent queues and job definitions, and touch only tenants/*', () => {
    const statements = statementsOf('ApiHandler');
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['batch:SubmitJob', 'batch:TerminateJob', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']));
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    const submit = statements.find((s) => actionsOf([s]).includes('batch:SubmitJob'))!;
    expect(JSON.stringify(submit.Resource)).not.toContain('"*"');
    expect(s3Resources(statements)).not.toContain('auth/keys');
  });
  it('the Batch-event function cannot submit, terminate or delete', () => {
    const actions = actionsOf(statementsOf('BatchEventsHandler'));
    expect(actions.filter((a) => a.startsWith('batch:'))).toEqual([]);
    expect(actions).not.toContain('s3:DeleteObject');
  });
  it('the schedule sync may manage schedules only in its group and pass only the Scheduler role', () => {
    const statements = statementsOf('SchedulesSync');
    const manage = statements.find((s) => actionsOf([s]).includes('scheduler:CreateSchedule'))!;
    expect(JSON.stringify(manage.Resource)).toContain(':schedule/');
    const pass = statements.find((s) => actionsOf([s]).includes('iam:PassRole'))!;
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    expect(JSON.stringify(pass.Resource)).toContain('SchedulesSchedulerRole');
  });
  it('the worker job role reaches only tenants/* in the bucket', () => {
    const statements = statementsOf('BatchJobRole');
    expect(actionsOf(statements).every((a) => a.startsWith('s3:'))).toBe(true);
    expect(s3Resources(statements)).toContain('/tenants/*');
    expect(s3Resources(statements)).not.toContain('auth/keys');
  });
});
