/** @module Lambda entry of the HTTP API (API Gateway HTTP API v2 events): the shared Hono app behind `handle`. */
import { handle } from 'hono/aws-lambda';
import { createApp } from '../../http/app.js';
import { AWS_SCHEDULE_POLICY } from '../../handlers/schedules.js';
import { createAwsDeps } from '../deps.js';
import { apiEnvSchema, parseEnv } from '../env.js';
import { resolveAwsTenant } from '../tenant.js';

const env = parseEnv(apiEnvSchema);
const deps = createAwsDeps(env);

export const handler = handle(
  createApp(deps, resolveAwsTenant, {
    schedulePolicy: AWS_SCHEDULE_POLICY,
    corsOrigins: env.SOLVENT_WEB_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean),
  }),
);
