// `npm test`: vitest, and beside it the static checks (lint, format, types), which print only when they fail.
// Side by side because the suite spends much of its time waiting on fast clocks and child processes: the
// checks' CPU (a cold typecheck parses the CDK and SDK types for a minute) fills those waits instead of
// coming before them. Arguments go to vitest (`npm test -- test/unit`).
import { spawn } from 'node:child_process';

const began = Date.now();
const seconds = () => `${((Date.now() - began) / 1000).toFixed(0)} s`;
const exitOf = (child) => new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

let checkOutput = '';
const checks = spawn('npm run -s lint && npm run -s format:check && npm run -s typecheck', {
  shell: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
checks.stdout.on('data', (chunk) => (checkOutput += chunk));
checks.stderr.on('data', (chunk) => (checkOutput += chunk));
const checksDone = exitOf(checks).then((code) => ({ code, at: seconds() }));

const vitest = spawn('vitest', ['run', ...process.argv.slice(2)], { stdio: 'inherit', shell: process.platform === 'win32' });
const testsCode = await exitOf(vitest);

const { code: checksCode, at } = await checksDone;
if (checksCode === 0) console.log(`lint, format and typecheck: clean (done at ${at})`);
else console.error(`\n${checkOutput.trimEnd()}\nlint, format or typecheck failed (exit ${checksCode}, at ${at})`);
process.exit(testsCode || checksCode);
