import type { Knowledge } from '../wording.js';

/** Gmail and Google Workspace (Google's own domains; hosted domains show themselves in the reply). */
export const domains = ['gmail.com', 'googlemail.com', 'google.com'];
/** Google's replies end in `gsmtp` and point to support.google.com. */
export const replyMarker = /\bgsmtp\b|support\.google\.com|google\.com\/mail/i;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Gmail SMTP error reference (support.google.com/a/answer/3726730)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#comcast-550-510-authentication-required',
      recipient: 'someone@gmail.com',
      status: '5.1.0',
      diagnosticCode: 'smtp; 550 5.1.0 Authentication required',
      rule: 'text-relay-or-submission',
      provider: 'gmail',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#gmail-451-4.3.0-temporarily-rejected',
      recipient: 'another.user@gmail.com',
      status: '4.3.0',
      diagnosticCode: 'smtp; 451 4.3.0 Mail server temporarily rejected message. - gsmtp',
      bounceType: 'Transient',
      rule: 'code-system-temporary',
      provider: 'gmail',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
