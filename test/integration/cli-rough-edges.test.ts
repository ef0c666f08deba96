import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bounce, startBounce, type StartedRuntime } from '../support/cli.js';
import { projectRoot } from '../support/corpus.js';

/** Poll a condition the background runtime makes true (it processes the queue on its own). */
async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, seconds = 30): Promise<T> {
  let value = await probe();
  for (let i = 0; i < seconds * 5 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await probe();
  }
  return value;
}

const lines = (text: string): string[] => text.trimEnd().split('\n');

// Issue 22, "smaller rough edges": each as a user meets it, through the spawned CLI.
describe('typos: the nearest command or option in a few lines, not the manual', () => {
  it('an unknown command names the nearest one in at most three lines (exit 2)', async () => {
    const run = await bounce(['lokup', 'kim.lee@gmail.com']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)[0]).toBe('bounce: unknown command "lokup". Did you mean "bounce lookup"?');
    expect(lines(run.stderr).length).toBeLessThanOrEqual(3);

    const far = await bounce(['frobnicate']);
    expect(far.status).toBe(2);
    expect(lines(far.stderr)[0]).toBe('bounce: unknown command "frobnicate"');
    expect(far.stderr).toContain('Commands: classify, start, ');
    expect(lines(far.stderr).length).toBeLessThanOrEqual(3);
  });

  it('./bounce, the way the README runs the CLI, is the bundle with no npm in between', () => {
    const run = spawnSync(join(projectRoot, 'bounce'), ['--version'], { cwd: projectRoot, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(realpathSync(join(projectRoot, 'bounce'))).toBe(join(projectRoot, 'bin', 'bounce.mjs'));
  });

  it('-v and --version print the version; a mistyped top-level option names --version', async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['-v', '--version']) expect(await bounce([flag])).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: '' });
    const typo = await bounce(['--verison']);
    expect(typo.status).toBe(2);
    expect(lines(typo.stderr)[0]).toBe('bounce: unknown option "--verison". Did you mean "bounce --version"?');
    expect(lines(typo.stderr).length).toBeLessThanOrEqual(3);
  });

  it("an unknown option names the command's nearest option", async () => {
    const ingest = await bounce(['ingest', 'x.jsonl', '--alow-invalid']);
    expect(ingest.status).toBe(2);
    expect(lines(ingest.stderr)[0]).toBe("bounce ingest: Unknown option '--alow-invalid'. Did you mean --allow-invalid?");
    const lookup = await bounce(['lookup', 'x@example.org', '--jsno']);
    expect(lines(lookup.stderr)[0]).toBe("bounce lookup: Unknown option '--jsno'. Did you mean --json?");
  });

  it('the top-level help names --allow-invalid', async () => {
    const help = await bounce(['help']);
    expect(help.stdout).toContain('ingest FILE|DIR|- [--data DIR] [--topic-arn ARN] [--allow-invalid]');
  });
});

describe('an input file that cannot be read: one clear line, nothing else', () => {
  const empty = mkdtempSync(join(tmpdir(), 'bounce-rough-none-'));
  // --url of a port nothing listens on: the file is checked before any request.
  const api = ['--url', 'http://127.0.0.1:1'];

  it.each([
    ['check', ['check', 'missing.txt', ...api]],
    ['import', ['import', 'missing.txt', ...api]],
    ['send', ['send', 'missing.txt', '--data', empty]],
    ['ingest', ['ingest', 'missing.txt', '--data', empty]],
    ['classify', ['classify', 'missing.txt']],
  ])('%s missing.txt', async (command, args) => {
    const run = await bounce(args);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`bounce ${command}: cannot read missing.txt: no such file\n`);
  });

  it('ingest checks every source before it publishes any', async () => {
    const run = await bounce(['ingest', 'examples/notifications.jsonl', 'missing.jsonl', '--data', empty]);
    expect(run.stderr).toBe('bounce ingest: cannot read missing.jsonl: no such file\n');
  });
});

describe('a runtime killed with kill -9: the next command says it is not running', () => {
  it('a runtime.json whose pid is alive but whose API refuses connections', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-rough-refused-'));
    // A port that was free a moment ago; the pid is this test's own (alive, and not a runtime).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    writeFileSync(join(dataDir, 'runtime.json'), JSON.stringify({ version: 1, pid: process.pid, apiUrl: `http://127.0.0.1:${port}` }));
    const run = await bounce(['lookup', 'kim.lee@gmail.com', '--data', dataDir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `bounce lookup: the runtime is not running: nothing answers at http://127.0.0.1:${port}, where ` +
        `${join(dataDir, 'runtime.json')} says it listens (killed or crashed); start it again with ` +
        `"./bounce start --data ${dataDir}" (what it had queued comes back)\n`,
    );
    expect(run.stderr).not.toContain('fetch failed');
  });

  it('a runtime.json whose pid is a zombie (killed, not yet reaped by its parent)', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 60`, which never reaps it: a zombie until the parent is killed
    // below (5 s was too short under two CPU hogs: the parent reaped it before the test read /proc).
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60']);
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /);
      const dataDir = mkdtempSync(join(tmpdir(), 'bounce-rough-zombie-'));
      writeFileSync(join(dataDir, 'runtime.json'), JSON.stringify({ version: 1, pid, apiUrl: 'http://127.0.0.1:1' }));
      const run = await bounce(['lookup', 'kim.lee@gmail.com', '--data', dataDir]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`the runtime is not running: ${join(dataDir, 'runtime.json')} was left by pid ${pid}, which is gone`);
      const ingest = await bounce(['ingest', 'examples/notifications.jsonl', '--data', dataDir]);
      expect(ingest.stderr).toContain('the runtime is not running');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('against a running runtime', () => {
  let dataDir: string;
  let runtime: StartedRuntime;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bounce-rough-run-'));
    runtime = await startBounce(dataDir, ['--port', '0', '--memory']);
  }, 60_000);
  afterAll(async () => {
    expect(await runtime.stop()).toBe(0);
  }, 60_000);

  it('import exits 1 when every line was invalid, 0 when some were imported', async () => {
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(bad, 'not-an-address,BOUNCE\nx@example.org,MAYBE\n');
    const run = await bounce(['import', bad, '--data', dataDir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('import: 0 new, 0 already on file, 2 invalid, 0 failed');
    expect(run.stderr).toContain('nothing imported');
    const mixed = join(dataDir, 'mixed.csv');
    writeFileSync(mixed, 'not-an-address,BOUNCE\nok.import@example.org,BOUNCE\n');
    expect((await bounce(['import', mixed, '--data', dataDir])).status).toBe(0);
  });

  it('send writes progress lines and a summary on stderr; stdout keeps one JSON line per message', async () => {
    const message = (to: string) =>
      JSON.stringify({ to, from: 'news@mail.example.com', subject: 'hi', text: 'x', tags: { campaign: 'rough' } });
    const input = `${[message('one@example.org'), message('two@example.org'), 'not json', message('three@example.org')].join('\n')}\n`;
    const run = await bounce(['send', '-', '--data', dataDir], { input, env: { BOUNCE_PROGRESS_SECONDS: '0.001' } });
    expect(run.status).toBe(1); // the line that is not a message
    expect(lines(run.stdout).map((line) => (JSON.parse(line) as { status: string }).status)).toEqual(['sent', 'sent', 'refused', 'sent']);
    expect(run.stderr).toMatch(/^send: \d+ messages/m);
    expect(lines(run.stderr).at(-1)).toBe('send: 3 sent, 1 refused (1 not a message), 0 errors');
  });

  it('lookup of an erased address says it was erased; the dlq hint keeps --data', async () => {
    expect((await bounce(['ingest', 'examples/notifications.jsonl', '--data', dataDir])).status).toBe(0);
    const found = await eventually(
      () => bounce(['lookup', 'kim.lee@gmail.com', '--data', dataDir]),
      (run) => run.status === 0,
    );
    expect(found.stdout).not.toContain('erased');
    expect((await bounce(['erase', 'kim.lee@gmail.com', '--data', dataDir])).status).toBe(0);
    const erased = await bounce(['lookup', 'kim.lee@gmail.com', '--data', dataDir]);
    expect(erased.status).toBe(0);
    expect(lines(erased.stdout)[0]).toBe('kim.lee@gmail.com: DO NOT MAIL: suppressed (hard-bounce); its data was erased');
    expect(erased.stdout).toMatch(
      /\n {2}erased {7}\S+ \(data-protection erasure: only the verdict, reason, category and dates are kept\)\n/,
    );

    expect((await bounce(['ingest', '-', '--allow-invalid', '--data', dataDir], { input: 'not a notification\n' })).status).toBe(0);
    const dlq = await eventually(
      () => bounce(['dlq', '--data', dataDir]),
      (run) => run.stdout.includes('not a notification'),
    );
    expect(dlq.stdout).toContain(
      `After a fix, send them back: ./bounce dlq replay [--id ID] --data ${dataDir}    drop them: ./bounce dlq purge [--id ID] --data ${dataDir}`,
    );
  }, 90_000);
});
