import type { Knowledge } from '../wording.js';

/** Zoho Mail. */
export const domains = ['zoho.com', 'zohomail.', 'zoho.eu', 'zoho.in'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Zoho Mail help (bounce messages)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#zoho-452-temporary-system-error',
      recipient: 'meera@zoho.com',
      status: '4.3.1',
      diagnosticCode: 'smtp; 452 4.3.1 Temporary System Error',
      bounceType: 'Transient',
      rule: 'text-server-fault',
      provider: 'zoho',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#zoho-user-unknown',
      recipient: 'nobody@zoho.com',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 <nobody@zoho.com> User unknown',
      bounceSubType: 'NoEmail',
      rule: 'text-no-such-mailbox',
      provider: 'zoho',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
