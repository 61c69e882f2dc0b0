/**
 * @module The HTTP API (DESIGN §3): one Lambda running the shared Hono app. `/{proxy+}` needs the key authorizer;
 * the catalog, OpenAPI document, health check and web page are public routes. CORS preflights are answered by
 * API Gateway. The function may read/write/delete job data, submit to the two queues and terminate jobs.
 */
import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import type { BatchCompute } from './batch.js';
import { HandlerFunction } from './handler-function.js';
import type { Storage } from './storage.js';

export const PUBLIC_ROUTES = ['/healthz', '/openapi.json', '/v1/solvers', '/'] as const;

export interface ApiProps {
  storage: Storage;
  batch: BatchCompute;
  authorizer: HttpLambdaAuthorizer;
  version: string;
  maxActiveJobsPerTenant?: number;
}

export class Api extends Construct {
  readonly handler: HandlerFunction;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: 'api',
      description: 'Solvent HTTP API',
      memoryMiB: 1024,
      timeout: Duration.seconds(29),
      environment: {
        SOLVENT_BUCKET: props.storage.bucket.bucketName,
        SOLVENT_VERSION: props.version,
        SOLVENT_MAX_ACTIVE_JOBS: String(props.maxActiveJobsPerTenant ?? 20),
        ...props.batch.queueEnvironment(),
      },
    });
    props.storage.grantJobData(this.handler.fn, { write: true, delete: true });
    props.batch.grantSubmit(this.handler.fn);
    props.batch.grantManage(this.handler.fn);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Solvent optimisation API',
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    const integration = new HttpLambdaIntegration('App', this.handler.fn);
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE], integration, authorizer: props.authorizer });
    for (const path of PUBLIC_ROUTES) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration, authorizer: new HttpNoneAuthorizer() });
    }
  }
}
