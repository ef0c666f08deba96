import type { Knowledge } from '../wording.js';

/** Proton Mail. */
export const domains = ['proton.me', 'protonmail.', 'pm.me'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ["Proton Mail's own domains"],
  examples: [
    // The corpus's Postfix row with its recipient at proton.me: the domain alone names the provider.
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#postfix-virtual-unknown',
      recipient: 'bob@proton.me',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      rule: 'text-no-such-mailbox',
      provider: 'proton',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
