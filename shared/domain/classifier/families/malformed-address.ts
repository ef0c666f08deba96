import { family, type Knowledge, tailFirst } from '../wording.js';

export const MALFORMED = family(
  /not a valid RFC[- ]?5?321 address|bad (?:recipient )?address syntax|need fully[- ]qualified address/,
  tailFirst(/recipient|address|mailbox/, /[^.;]{0,30}/, /syntax (?:error|illegal|invalid)|malformed|illegal characters?/),
  /syntax error in (?:recipient|address|mailbox)/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['RFC 5321 §4.1.2 (address syntax)', 'Postfix "need fully-qualified address", "bad address syntax"', 'Sisimai Reason/Syntax'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#postfix-501-bad-recipient-syntax',
      status: '5.1.3',
      diagnosticCode: 'smtp; 501 5.1.3 Bad recipient address syntax',
      rule: 'text-malformed-address',
      category: 'malformed-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#bad-syntax-5.1.3',
      status: '5.1.3',
      diagnosticCode: 'smtp; 553 5.1.3 The recipient address <nick@@example.org> is not a valid RFC-5321 address.',
      rule: 'text-malformed-address',
      category: 'malformed-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#gmail-553-not-rfc5321-address',
      status: '5.1.2',
      diagnosticCode: 'smtp; 553 5.1.2 The recipient address <jane..doe@gmail.com> is not a valid RFC-5321 address. - gsmtp',
      rule: 'text-malformed-address',
      category: 'malformed-address',
      action: 'suppress',
    },
  ],
};
