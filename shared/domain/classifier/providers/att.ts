import type { Knowledge } from '../wording.js';

/** AT&T's consumer mail and the regional Bell domains it hosts. */
export const domains = ['att.net', 'sbcglobal.net', 'bellsouth.net', 'pacbell.net', 'swbell.net', 'flash.net', 'prodigy.net'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ["AT&T's consumer mail domains"],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#sbc-adressee-unknown',
      recipient: 'old.user@sbcglobal.net',
      diagnosticCode: 'smtp; Adressee Unknown',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-no-such-mailbox',
      provider: 'att',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#sbcglobal-451-temporarily-deferred-160',
      recipient: 'aacorley@sbcglobal.net',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 Message temporarily deferred - [160]',
      bounceType: 'Transient',
      rule: 'text-reputation',
      provider: 'att',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
