import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, startBounce, type StartedRuntime } from '../support/cli.js';
import { projectRoot } from '../support/corpus.js';
import { docCommands, outputMismatches, type DocCommand } from '../support/doc-commands.js';
import { notificationsSettled } from '../support/runtime-process.js';

/** README.md first, then docs/ by name: the order a reader meets the samples in, and the order they run in. */
const files = [
  'README.md',
  ...readdirSync(join(projectRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const parsed = files.map((file) => ({ file, ...docCommands(file, readFileSync(join(projectRoot, file), 'utf8')) }));

interface ShellRun {
  readonly status: number | null;
  readonly output: string;
}

/** One documented command in a shell, from a folder that holds the examples, with `bounce` on the PATH. */
function run(command: string, cwd: string, path: string): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: { ...process.env, PATH: path, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FAUXQS_LOGGER: 'false' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
    child.stdin.end();
  });
}

describe('every command the README and docs/ show runs as shown', () => {
  let folder = '';
  let path = '';
  let runtime: StartedRuntime | undefined;
  const timings: { where: string; ms: number }[] = [];

  beforeAll(async () => {
    // A user's checkout, as the samples assume it: examples/ and test/ beside a .data folder, `bounce` a command.
    folder = mkdtempSync(join(tmpdir(), 'bounce-doc-commands-'));
    for (const name of ['examples', 'test']) symlinkSync(join(projectRoot, name), join(folder, name));
    const shims = join(folder, '.bin');
    mkdirSync(shims);
    writeFileSync(join(shims, 'bounce'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
    chmodSync(join(shims, 'bounce'), 0o755);
    path = `${shims}:${process.env.PATH ?? ''}`;
    runtime = await startBounce(join(folder, '.data'), ['--port', '0']);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    const ran = parsed.reduce((sum, doc) => sum + doc.commands.length, 0);
    const skipped = parsed.flatMap((doc) => doc.skipped);
    const slowest = [...timings].sort((a, b) => b.ms - a.ms)[0];
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `doc commands: ${ran} run in ${seconds(timings.reduce((sum, t) => sum + t.ms, 0))} s` +
        (slowest ? ` (slowest ${slowest.where}, ${seconds(slowest.ms)} s)` : '') +
        `, ${skipped.reduce((sum, block) => sum + block.commands.length, 0)} skipped ` +
        `in ${skipped.length} blocks marked doc-test: skip, over ${files.length} files`,
    );
  });

  it('no command sample sits where the test does not look, and every skip says why', () => {
    expect(parsed.flatMap((doc) => doc.problems)).toEqual([]);
    for (const block of parsed.flatMap((doc) => doc.skipped)) expect(block.reason.trim(), `${block.file}:${block.line}`).not.toBe('');
  });

  it("the README's two commands are the ones .ci/run runs", () => {
    const readme = parsed[0];
    const shown = (readme?.skipped ?? [])
      .flatMap((block) => block.commands)
      .flatMap((command) => command.split('&&').map((part) => part.trim()));
    const ci = readFileSync(join(projectRoot, '.ci', 'run'), 'utf8')
      .split('\n')
      .map((line) => line.trim().replace(/^(\w+="[^"]*"\s+)+/, ''));
    for (const command of ['npm ci', 'npm test']) {
      expect(shown, `README shows ${command}`).toContain(command);
      expect(
        ci.some((line) => line === command || line.startsWith(`${command} `)),
        `.ci/run runs ${command}`,
      ).toBe(true);
    }
  });

  it.each(parsed.filter((doc) => doc.commands.length > 0).map((doc) => [doc.file, doc.commands] as const))(
    '%s',
    async (_file, commands: readonly DocCommand[]) => {
      const apiUrl = runtime?.file.apiUrl ?? '';
      for (const sample of commands) {
        const command = sample.command.replaceAll('http://127.0.0.1:3000', apiUrl);
        const began = performance.now();
        const result = await run(command, folder, path);
        timings.push({ where: `${sample.file}:${sample.line}`, ms: performance.now() - began });
        const where = `${sample.file}:${sample.line} \`${sample.command}\`\n${result.output}`;
        expect(result.status, where).toBe(sample.expectedStatus);
        expect(outputMismatches(sample.expectedOutput, result.output), where).toEqual([]);
        // The pipeline is asynchronous: what `ingest` published is classified a moment later, as a reader
        // typing the next command would find it (until its queue is empty, not a fixed pause).
        if (runtime && /^(?:\.\/|npx )?bounce (?:ingest|import|send)\b/.test(sample.command))
          expect(await notificationsSettled(runtime.file), `${where}: still queued after 20 s`).toBe(true);
      }
    },
    // ~1 s a command on a busy 2-core machine; a file holds up to a dozen.
    120_000,
  );
});
