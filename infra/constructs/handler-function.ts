/**
 * @module One Lambda handler: NodejsFunction on Node 22 (arm64), bundled by esbuild as ESM with the pinned AWS SDK
 * inside the bundle (not the runtime's), structured JSON logs, bounded log retention, X-Ray off by default.
 */
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { lambdaEntry, LOCK_FILE, REPO_ROOT, type LambdaEntry } from '../paths.js';

export interface HandlerFunctionProps {
  entry: LambdaEntry;
  description: string;
  environment?: Record<string, string>;
  memoryMiB?: number;
  timeout?: Duration;
}

export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: lambdaEntry(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // ESM output still meets CommonJS packages that call require(): give them one.
        banner: "import { createRequire as __solventRequire } from 'node:module'; const require = __solventRequire(import.meta.url);",
        // Bundle the pinned SDK (the default leaves @aws-sdk/* to the runtime's copy); native GPU modules never load here.
        externalModules: ['gl', 'webgpu'],
      },
    });
  }
}
