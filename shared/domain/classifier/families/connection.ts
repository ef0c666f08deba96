import { family, type Knowledge } from '../wording.js';

export const CONNECTION = family(
  /(?:unable|not able|wasn'?t able|failed|could ?n[o']t|cannot) to (?:establish|make|open|connect)/,
  /connection (?:timed out|refused|reset|lost|dropped)|timed out|queue too long|message expired/,
  // Exim "all hosts for … have been failing for a long time (and retry time not reached)", "retry timeout exceeded".
  /failing for a long time|retry time(?:out)? (?:not reached|exceeded)/,
  // Postfix "delivery temporarily suspended: …", "No route to host"; IceWarp "connection with … is broken" (PHPMailer-BMH
  // 0213, 0188, 0231).
  /delivery temporarily suspended|no route to host|connection (?:with [^\s]+ )?is broken/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Exim retry texts',
    'Postfix "delivery temporarily suspended", "No route to host"',
    'SES expiry texts',
    'PHPMailer-BMH rules 0188, 0213, 0231',
  ],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd119',
      diagnosticCode: 'smtp; Connection timed out',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-connection',
      category: 'connection-timeout',
      action: 'retry',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#connect-timeout-4.4.1',
      status: '4.4.1',
      diagnosticCode: 'smtp; 4.4.1 Connection timed out',
      bounceType: 'Transient',
      rule: 'text-connection',
      category: 'connection-timeout',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#gmx-delivery-retry-timeout',
      diagnosticCode: 'smtp; delivery retry timeout exceeded',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-connection',
      category: 'connection-timeout',
      action: 'retry',
    },
  ],
};
