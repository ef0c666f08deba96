import type { Knowledge } from '../wording.js';

/** SES's own texts: what SES says when it did not try to deliver. */
export const replyMarker = /^Amazon SES\b/;
/** SES suppressed the address itself (global or account suppression list). */
export const SUPPRESSION_TEXT = /^Amazon SES (?:has suppressed|did not send)/;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Amazon SES developer guide, bounce notifications and the suppression list'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#ses-account-suppression',
      recipient: 'listed@example.com',
      status: '5.1.1',
      diagnosticCode:
        'Amazon SES did not send the message to this address because it is on the suppression list for your ' +
        'account. For more information about removing addresses from the suppression list, see the Amazon ' +
        'SES Developer Guide at ' +
        'https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html',
      bounceSubType: 'OnAccountSuppressionList',
      rule: 'ses-suppression-list',
      provider: 'amazon-ses',
      category: 'already-suppressed',
      action: 'none',
    },
    {
      from: "test/fixtures/classify-rows.ts#'SES suppression text under a general subtype'",
      recipient: 'a@example.com',
      diagnosticCode:
        'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
      rule: 'ses-suppression-text',
      provider: 'amazon-ses',
      category: 'already-suppressed',
      action: 'none',
    },
  ],
};
