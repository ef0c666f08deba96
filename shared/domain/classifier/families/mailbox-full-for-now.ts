import { family, type Knowledge } from '../wording.js';

// The full mailbox said to be temporary in words ("try again later", "temporarily over quota"): retried whatever the code
// (PHPMailer-BMH 0145 "552 recipient storage full, try again later"; Sisimai "is over quota temporarily", EZweb "The
// user(s) account is temporarily over quota").
export const MAILBOX_FULL_FOR_NOW = family(
  /(?:full|quota)[^.;]{0,40}(?:try again|retry|later)|temporar(?:il)?y over quota|over quota temporarily/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['PHPMailer-BMH rule 0145', 'Sisimai Reason/MailboxFull.pm ("is over quota temporarily", EZweb)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#ezweb-temporarily-over-quota',
      diagnosticCode: 'smtp; The user(s) account is temporarily over quota.',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-mailbox-full-for-now',
      category: 'mailbox-full',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#google-452-411-over-quota-try-later',
      status: '4.1.1',
      diagnosticCode: 'smtp; 452 4.1.1 <h-664d01@example.com> user is over quota, please try again later',
      bounceType: 'Transient',
      rule: 'text-mailbox-full-for-now',
      category: 'mailbox-full',
      action: 'retry',
    },
  ],
};
