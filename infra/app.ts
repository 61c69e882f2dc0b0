/**
 * @module The CDK app (cdk.json: `npx tsx infra/app.ts`). Synth works offline and without credentials; account and
 * region come from the CLI's environment when deploying. Context: `stackName` (default "Solvent"), `maxGpuVcpus`,
 * `maxCpuVcpus`, `jobRetentionDays`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { REPO_ROOT } from './paths.js';
import { SolventStack } from './solvent-stack.js';

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const app = new App();
const num = (key: string): number | undefined => {
  const v = app.node.tryGetContext(key);
  return v === undefined ? undefined : Number(v);
};
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const commit = gitCommit();

new SolventStack(app, String(app.node.tryGetContext('stackName') ?? 'Solvent'), {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  version: `${pkg.version}+${commit}`,
  commit,
  maxGpuVcpus: num('maxGpuVcpus'),
  maxCpuVcpus: num('maxCpuVcpus'),
  jobRetentionDays: num('jobRetentionDays'),
});
app.synth();
