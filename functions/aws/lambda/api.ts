/** @module Lambda entry of the HTTP API (API Gateway HTTP API v2 events): the shared Hono app behind `handle`. */
import { handle } from 'hono/aws-lambda';
import { createApp } from '../../http/app.js';
import { createAwsDeps } from '../deps.js';
import { apiEnvSchema, parseEnv } from '../env.js';
import { resolveAwsTenant } from '../tenant.js';

const deps = createAwsDeps(parseEnv(apiEnvSchema));

export const handler = handle(createApp(deps, resolveAwsTenant));
