import type { Knowledge } from '../wording.js';

/** Comcast / Xfinity. */
export const domains = ['comcast.net', 'xfinity.com'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Comcast / Xfinity postmaster'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#comcast-not-our-customer',
      recipient: 'left@comcast.net',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 Not our Customer',
      rule: 'text-no-such-mailbox',
      provider: 'comcast',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#comcast-421-470-too-many-connections',
      recipient: 'lista@comcast.net',
      status: '4.7.0',
      diagnosticCode: 'smtp; 421 4.7.0 too many connections',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      provider: 'comcast',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
