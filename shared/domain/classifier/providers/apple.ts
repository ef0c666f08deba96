import type { Knowledge } from '../wording.js';

/** iCloud Mail. */
export const domains = ['icloud.com', 'me.com', 'mac.com'];
export const replyMarker = /support\.apple\.com|icloud\.com|\[CS\d+\]/i;
/** iCloud's [CSxx] policy codes: the sender's policy standing. */
export const CS_POLICY = /\[CS\d{2}\]/;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['iCloud Mail postmaster information for senders (support.apple.com)'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#icloud-cs01',
      recipient: 'someone@me.com',
      status: '5.7.1',
      diagnosticCode: 'smtp; 554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      rule: 'apple-cs-policy',
      provider: 'apple',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#icloud-451-service-unavailable',
      recipient: 'fan4@icloud.com',
      status: '4.7.1',
      diagnosticCode: 'smtp; 451 4.7.1 Service unavailable - try again later',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      provider: 'apple',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
