#!/usr/bin/env node
// Entry point of the `bounce` CLI. `npm ci` (its `prepare` script) and `npm test` build the CLI
// into dist/ with esbuild, which starts in a fraction of the time the TypeScript toolchain
// needs; in a checkout that was never built, the sources run through tsx instead.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

// The AWS SDK warns on every run that it will need Node 22 from 2027; the CLI
// supports Node 20 (the Lambda functions run Node 24), so keep stderr for our messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
