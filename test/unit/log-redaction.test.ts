import { describe, expect, it } from 'vitest';
import { redactAddresses } from '../../shared/domain/index.js';
import { bounceFor } from '../support/batches.js';
import { classifyOverFakes } from '../support/classify-fakes.js';
import { FakeAddresses } from '../support/fakes.js';

describe('logs never carry an address', () => {
  it('masks addresses inside free text', () => {
    expect(redactAddresses('Unexpected token, "kim.lee@example.com, x" is not valid JSON; <b@c.de>')).toBe(
      'Unexpected token, "k***@example.com, x" is not valid JSON; <b***@c.de>',
    );
  });

  it('neither in the reason of a malformed body, nor in a rejected recipient, nor in an error message', async () => {
    // A store whose error message quotes the address, as some SDK errors quote their input.
    const addresses = new (class extends FakeAddresses {
      override async getState(email: string) {
        if (email.startsWith('throttled')) throw new Error(`throttled while reading ADDR#${email}`);
        return super.getState(email);
      }
    })();
    const { process, logger, deadLetters } = classifyOverFakes({ addresses });
    const throttled = JSON.stringify(
      bounceFor('throttled.person@example.com', { feedbackId: 't', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 unknown' }),
    );
    const { failedIds } = await process([
      { id: 'bad-json', body: '{"mail": {"destination": ["secret.person@example.com"]}, oops' },
      { id: 'not-ses', body: JSON.stringify({ hello: 'secret.person@example.com' }) },
      {
        id: 'nul',
        body: JSON.stringify(bounceFor('secret\u0000person@example.com', { feedbackId: 'n', status: '5.1.1', diagnosticCode: 'x' })),
      },
      { id: 'throttled', body: throttled },
    ]);
    expect([...failedIds]).toEqual(['throttled']);
    expect(deadLetters.sent.map((d) => d.sourceId)).toEqual(['bad-json', 'not-ses', 'nul']);
    const logged = JSON.stringify(logger.entries);
    expect(logger.entries.length).toBeGreaterThanOrEqual(4);
    expect(logged).toContain('***@example.com');
    expect(logged).not.toMatch(/secret.person|throttled\.person/);
  });
});
