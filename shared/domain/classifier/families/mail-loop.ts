import { family, type Knowledge } from '../wording.js';

// Hop-count and loop errors (RFC 5321 §6.3, RFC 3463 X.4.6): a routing fault, never the address.
export const MAIL_LOOP = family(
  /too many hops|hop count exceeded|mail (?:forwarding )?loop|routing loop|loops? (?:back|detected)/,
  // Exchange SMTPSEND.DNS.MxLoopback, Postfix "mail for … loops back to myself", Sisimai Reason/SystemError.pm.
  /mx ?loopback|loop was found in the mail exchanger|forwarding loop/,
  // Coremail "552 looping message"; qmail "This message is looping: it already has my Delivered-To line" (#5.4.6);
  // Sendmail "MX list for … points back to …" (PHPMailer-BMH 0199).
  /\blooping\b|mx list for [^\s]+ points back|maximum hop count|loop detection/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'RFC 5321 §6.3, RFC 3463 X.4.6',
    'Exchange SMTPSEND.DNS.MxLoopback',
    'Postfix',
    'Sisimai Reason/SystemError.pm',
    'Coremail',
    'qmail',
    'PHPMailer-BMH rules',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#opensmtpd-loop-detected',
      diagnosticCode: 'smtp; Loop detected',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-mail-loop',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd137',
      status: '5.4.6',
      diagnosticCode: 'SMTP; 554 5.4.6 Too many hops',
      rule: 'text-mail-loop',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#antispameurope-554-556-loop-detection',
      status: '5.5.6',
      diagnosticCode: 'smtp; 554 5.5.6 Loop detection > 10 mal X-antispameurope-disclaimer',
      rule: 'text-mail-loop',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
