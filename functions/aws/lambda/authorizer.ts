/** @module Lambda entry of the HTTP API's authorizer (payload 2.0, simple responses). */
import { createJsonLogger } from '../../json-logger.js';
import { HashedKeyAuth } from '../api-keys.js';
import { createAuthorizer } from '../authorizer.js';
import { authorizerEnvSchema, parseEnv } from '../env.js';
import { S3ObjectStore } from '../s3-store.js';

const env = parseEnv(authorizerEnvSchema);
const log = createJsonLogger(undefined, { component: 'authorizer' });

export const handler = createAuthorizer(new HashedKeyAuth(new S3ObjectStore({ bucket: env.SOLVENT_BUCKET })), log);
