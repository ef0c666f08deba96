import { family, type Knowledge } from '../wording.js';

export const RECEIVE_RATE = family(
  /receiving mail (?:at a rate|too quickly)|limit for the number of messages[^.;]{0,40}receive/,
  /receiv\w* (?:too many messages|rate limit)|too many messages (?:for|to) (?:this|the) (?:user|recipient|mailbox)/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Gmail 4.2.1 / 5.2.1 "receiving mail at a rate" (Gmail SMTP error reference)',
    'Exchange "limit for the number of messages … receive"',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#yahoo-450-receiving-mail-too-quickly',
      status: '4.0.0',
      diagnosticCode: 'smtp; 450 User is receiving mail too quickly',
      bounceType: 'Transient',
      rule: 'text-receive-rate',
      category: 'mailbox-busy',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#gmail-550-receiving-rate-perm',
      status: '5.2.1',
      diagnosticCode:
        'smtp; 550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents ' +
        'additional messages from being delivered. For more information, please visit ' +
        'https://support.google.com/mail/?p=ReceivingRatePerm - gsmtp',
      rule: 'text-receive-rate',
      category: 'mailbox-busy',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#gmail-450-receiving-too-quickly',
      status: '4.2.1',
      diagnosticCode:
        'smtp; 450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend ' +
        'your message at a later time. If the user is able to receive mail at that time, your message will ' +
        'be delivered. For more information, review this article.',
      bounceType: 'Transient',
      rule: 'text-receive-rate',
      category: 'mailbox-busy',
      action: 'retry',
    },
  ],
};
