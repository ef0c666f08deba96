import { describe, expect, it } from 'vitest';
import { docCommands, outputMismatches } from '../support/doc-commands.js';

const doc = [
  'Text.',
  '',
  '```sh',
  'npx bounce lookup kim@example.org   # exit 1 when unknown',
  'bounce check \\',
  '  list.txt',
  '# a comment line',
  'curl -s http://127.0.0.1:3000/x#y',
  '```',
  '',
  '<!-- doc-test: skip (runs until Ctrl-C) -->',
  '',
  '```sh',
  'npm ci && npm start',
  '```',
  '',
  '```console',
  '$ bounce erase kim@example.org',
  'kim@example.org: erased 2026-11-30T07:20:00.000Z',
  '  deleted      1 record',
  '```',
  '',
  '```text',
  'bounce release EMAIL',
  '```',
].join('\n');

describe('the documentation commands reader', () => {
  const found = docCommands('doc.md', doc);

  it('reads sh lines, continuations, documented exit statuses and console transcripts', () => {
    expect(found.commands.map((c) => [c.line, c.command, c.expectedStatus, c.expectedOutput])).toEqual([
      [4, 'bounce lookup kim@example.org', 1, []],
      [5, 'bounce check list.txt', 0, []],
      [8, 'curl -s http://127.0.0.1:3000/x#y', 0, []],
      [18, 'bounce erase kim@example.org', 0, ['kim@example.org: erased 2026-11-30T07:20:00.000Z', '  deleted      1 record']],
    ]);
  });

  it('honours and counts the skip marker, and names a command outside a runnable block', () => {
    expect(found.skipped).toEqual([{ file: 'doc.md', line: 13, reason: 'runs until Ctrl-C', commands: ['npm ci && npm start'] }]);
    expect(found.problems).toEqual([expect.objectContaining({ file: 'doc.md', line: 24 })]);
  });

  it('matches shown output loosely: spacing, numbers and … differ, words do not', () => {
    const real = 'kim@example.org: erased 2026-12-07T17:20:01.123Z\n  deleted 3 records';
    expect(outputMismatches(['kim@example.org: erased 2026-11-30T07:20:00.000Z', 'deleted      1 record…'], real)).toEqual([]);
    expect(outputMismatches(['kim@example.org: kept'], real)).toEqual(['kim@example.org: kept']);
  });
});
