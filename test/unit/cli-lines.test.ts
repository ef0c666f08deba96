import fc from 'fast-check';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isValidRecipientLine, LineSplitter, recipientLineSchema } from '../../cli/classify.js';

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

describe('bounce classify recipient-line check', () => {
  it('accepts exactly the lines the schema accepts', () => {
    const field = fc.oneof(
      { arbitrary: fc.constantFrom(undefined, null, '', 'a@b.c', '5.1.1'), weight: 12 },
      { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({})), weight: 1 },
    );
    const schema = recipientLineSchema();
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record({ id: field, recipient: field, status: field, diagnosticCode: field, bounceType: field, bounceSubType: field }),
        (line) => {
          const value = Object.fromEntries(Object.entries(line).filter(([, v]) => v !== undefined));
          const valid = isValidRecipientLine(value);
          expect(valid).toBe(schema.safeParse(value).success);
          if (valid) accepted++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
