import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin } from '../support/cli.js';
import { projectRoot } from '../support/corpus.js';

describe('bounce classify into a reader that stops early (`| head -1`)', () => {
  it('stops quietly with status 0 instead of an unhandled EPIPE', async () => {
    const line = JSON.stringify({
      recipient: 'kim@example.org',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      bounceType: 'Permanent',
      bounceSubType: 'General',
    });
    // Far more output than a pipe buffer holds, so writes are still going when the reader closes.
    const input = `${line}\n`.repeat(40_000);
    const child = spawn(process.execPath, [bin, 'classify'], {
      cwd: projectRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // it may stop reading its input once its output is gone
    child.stdin.end(input);
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toContain('"recipient":"kim@example.org"');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
