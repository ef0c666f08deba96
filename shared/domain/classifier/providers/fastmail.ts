import type { Knowledge } from '../wording.js';

/** Fastmail. */
export const domains = ['fastmail.', 'fastmail.fm'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ["Fastmail's own domains"],
  examples: [
    // The corpus's Postfix row with its recipient at fastmail.com: the domain alone names the provider.
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#postfix-virtual-unknown',
      recipient: 'bob@fastmail.com',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      rule: 'text-no-such-mailbox',
      provider: 'fastmail',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
