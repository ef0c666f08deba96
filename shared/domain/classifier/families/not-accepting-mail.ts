import { family, type Knowledge, phrase } from '../wording.js';

// The receiving host takes no mail at all (RFC 7504: 521/556; RFC 7505 null MX; RFC 3463 X.3.2).
export const NOT_ACCEPTING_MAIL = family(
  phrase(
    /(?:host|domain|system|server)(?: is| are)? (?:not|n't|does not|doesn'?t) accept(?:ing)? /,
    /(?:any )?(?:network )?(?:mail|messages|e-?mail)(?! from)/,
  ),
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['RFC 7504 (521 / 556), RFC 7505 (null MX), RFC 3463 X.3.2'],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd164',
      status: '5.7.27',
      diagnosticCode: 'SMTP; 550 Host does not accept mail',
      rule: 'text-not-accepting-mail',
      category: 'invalid-domain',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd100',
      status: '5.1.10',
      diagnosticCode: 'smtp; Reason: host/domain does not accept mail',
      rule: 'text-not-accepting-mail',
      category: 'invalid-domain',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd35',
      status: '5.3.2',
      diagnosticCode:
        'smtp; 521 5.3.2 <notaccept@libsisimai.net>: Recipient address rejected: System not accepting ' +
        'network messages. See https://libsisimai.org/en/reason/#notaccept',
      rule: 'text-not-accepting-mail',
      category: 'invalid-domain',
      action: 'suppress',
    },
  ],
};
