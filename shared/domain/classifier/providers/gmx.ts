import type { Knowledge } from '../wording.js';

/** GMX, WEB.DE and mail.com (United Internet). */
export const domains = ['gmx.', 'web.de', 'mail.com'];
export const replyMarker = /gmx\.(?:net|de)|web\.de/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['GMX / WEB.DE postmaster pages'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#webde-bilingual-user-unknown',
      recipient: 'jonas.weber@web.de',
      diagnosticCode: 'smtp; 550 Benutzer nicht bekannt/User unknown',
      rule: 'text-no-such-mailbox',
      provider: 'gmx',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#gmx-550-511-user-is-unknown',
      recipient: 'max.mueller@gmx.de',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 <max.mueller@gmx.de>... User is unknown',
      bounceSubType: 'NoEmail',
      rule: 'text-no-such-mailbox',
      provider: 'gmx',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
