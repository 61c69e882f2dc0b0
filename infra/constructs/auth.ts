/**
 * @module The HTTP API's Lambda authorizer: payload 2.0 with simple responses, identity = the Authorization header,
 * answers cached for 5 minutes per key. Its function may read hashed key records under `auth/keys/*` and nothing else.
 */
import { Duration } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';
import type { Storage } from './storage.js';

export interface ApiAuthProps {
  storage: Storage;
}

export class ApiAuth extends Construct {
  readonly handler: HandlerFunction;
  readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: ApiAuthProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: 'authorizer',
      description: 'Solvent API key authorizer (SHA-256 hashed keys in S3)',
      memoryMiB: 256,
      timeout: Duration.seconds(5),
      environment: { SOLVENT_BUCKET: props.storage.bucket.bucketName },
    });
    props.storage.grantApiKeysRead(this.handler.fn);
    this.authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.handler.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.minutes(5),
    });
  }
}
