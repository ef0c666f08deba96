import { family, type Knowledge } from '../wording.js';

export const WEAK_NO_MAILBOX = family(
  /mailbox (?:is )?(?:unavailable|not available)/,
  /not a valid (?:mailbox|recipient)|recipient (?:rejected|not accepted)/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['RFC 5321 550 "mailbox unavailable"', 'Sendmail, Exim'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#coremail-550-mailbox-unavailable',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 mailbox unavailable.',
      rule: 'text-mailbox-unavailable',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#generic-550-unavailable',
      diagnosticCode: 'smtp; 550 Requested action not taken: mailbox unavailable',
      rule: 'text-mailbox-unavailable',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#exchange-550-mailbox-unavailable-not-local',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 Requested action not taken: mailbox unavailable or not local',
      rule: 'text-mailbox-unavailable',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
