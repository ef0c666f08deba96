#!/usr/bin/env node
// Entry point of the `bounce` CLI: runs the TypeScript sources through tsx,
// so the CLI works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run that it will need Node 22 from 2027; the CLI
// supports Node 20 (the Lambda functions run Node 24), so keep stderr for our messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../cli/main.ts');
