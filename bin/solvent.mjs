#!/usr/bin/env node
// The `solvent` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli/main.ts');
