import fc from 'fast-check';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../cli/classify.js';

async function readlineLines(chunks: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  const input = Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
  for await (const line of createInterface({ input, crlfDelay: Infinity })) lines.push(line);
  return lines;
}

function splitterLines(chunks: readonly string[]): string[] {
  const splitter = new LineSplitter();
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

describe('bounce classify line splitting', () => {
  it('splits lines exactly as readline with crlfDelay: Infinity, however the input is chunked', async () => {
    expect(splitterLines(['a\r', '\nb\rc\n\n', 'd'])).toEqual(['a', 'b', 'c', '', 'd']);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[ab\r\n]{0,6}$/), { maxLength: 8 }), async (chunks) => {
        expect(splitterLines(chunks)).toEqual(await readlineLines(chunks));
      }),
      { numRuns: 500 },
    );
  });
});
