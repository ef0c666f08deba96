import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/corpus.js';

const bin = join(projectRoot, 'bin', 'bounce.mjs');

// bin/bounce.mjs runs the bundle in dist/ when there is one: rebuild it so these tests see the current sources.
beforeAll(() => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
}, 60_000);

describe('bounce --version', () => {
  it('prints the package version and nothing else', () => {
    const run = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', cwd: projectRoot });
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

function bounce(args: string[], input = '') {
  const run = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', cwd: projectRoot });
  const lines = run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: run.status, lines, stderr: run.stderr };
}

const notification = (name: string) =>
  JSON.stringify(
    JSON.parse(spawnSync('cat', [join(projectRoot, 'test/fixtures/corpus/notifications', name)], { encoding: 'utf8' }).stdout),
  );

describe('bounce classify (CLI contract)', () => {
  it('writes one decision per recipient in input order, echoing ids, with the contract fields', () => {
    const input = [
      JSON.stringify({ id: 'first', recipient: 'A@Example.org', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 User unknown' }),
      notification('event-bounce-permanent.json'),
      notification('event-open.json'),
      notification('sns-subscription-confirmation.json'),
      JSON.stringify({ id: 3, recipient: 'b@yahoo.com', diagnosticCode: 'smtp; 421 4.7.0 [TSS04] temporarily deferred' }),
    ].join('\n');
    const { status, lines } = bounce(['classify'], input);
    expect(status).toBe(0);
    expect(lines.map((l) => [l.id, l.recipient, l.category])).toEqual([
      ['first', 'a@example.org', 'invalid-address'],
      [null, 'kim.lee@gmail.com', 'invalid-address'],
      [null, 'buyer@gmail.com', 'reputation-block'],
      [3, 'b@yahoo.com', 'reputation-block'],
    ]);
    for (const line of lines) {
      for (const key of [
        'id',
        'recipient',
        'category',
        'action',
        'suppress',
        'retryAfterSeconds',
        'rule',
        'provider',
        'smtpCode',
        'enhancedCode',
      ]) {
        expect(line).toHaveProperty(key);
      }
    }
    expect(lines[0]).toMatchObject({
      action: 'suppress',
      suppress: true,
      retryAfterSeconds: null,
      rule: 'text-no-such-mailbox',
      smtpCode: 550,
      enhancedCode: '5.1.1',
    });
    expect(lines[3]?.retryAfterSeconds).toEqual(expect.any(Number));
  });

  it('reports bad lines on stdout and stderr, keeps going, and exits 0', () => {
    const input = [
      '{"id":"ok1","recipient":"a@example.org","status":"4.2.2"}',
      'not json',
      '',
      '{"id":"bad","eventType":"Bounce"}',
      '{"id":"ok2","recipient":"b@example.org"}',
    ].join('\n');
    const { status, lines, stderr } = bounce(['classify'], input);
    expect(status).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ id: 'ok1', category: 'mailbox-full' }),
      { line: 2, error: expect.stringContaining('not valid JSON') },
      { line: 4, id: 'bad', error: expect.stringContaining('mail object') },
      expect.objectContaining({ id: 'ok2', category: 'unknown' }),
    ]);
    expect(stderr).toContain('stdin:2');
    expect(stderr).toContain('stdin:4');
  });

  it('reads files (JSON Lines, and whole .json documents) and prints a summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounce-cli-'));
    const jsonl = join(dir, 'in.jsonl');
    writeFileSync(jsonl, '{"recipient":"a@example.org","status":"5.1.1"}\n{"recipient":"b@example.org","status":"4.4.1"}\n');
    const { status, lines, stderr } = bounce([
      'classify',
      '--summary',
      jsonl,
      join(projectRoot, 'test/fixtures/corpus/notifications/event-complaint.json'),
    ]);
    expect(status).toBe(0);
    expect(lines.map((l) => l.category)).toEqual(['invalid-address', 'connection-timeout', 'complaint']);
    expect(stderr).toMatch(/decisions: 3, bad lines: 0/);
    expect(stderr).toMatch(/invalid-address\s+1/);
    expect(stderr).toMatch(/suppress\s+2/);
  });

  it('classifies the shipped examples without a bad line', () => {
    const { status, lines } = bounce(['classify', 'examples/notifications.jsonl', 'examples/recipients.jsonl']);
    expect(status).toBe(0);
    expect(lines.filter((l) => 'error' in l)).toEqual([]);
    expect(lines.length).toBe(13 + 72); // 13 recipient outcomes in 13 notifications (Open and the SNS confirmation carry none)
  });

  it('exits non-zero for a missing file and for bad usage', () => {
    expect(bounce(['classify', '/nonexistent/file.jsonl']).status).toBe(1);
    expect(bounce(['classify', '--no-such-flag']).status).toBe(2);
    expect(bounce(['frobnicate']).status).toBe(2);
  });
});
