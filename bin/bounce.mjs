#!/usr/bin/env node
// Entry point of the `bounce` CLI: runs the TypeScript sources through tsx,
// so the CLI works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
