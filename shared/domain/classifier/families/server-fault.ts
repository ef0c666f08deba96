import { family, type Knowledge } from '../wording.js';

// The receiving system failed (Sisimai why-systemerror.go: "Internal system error"). A bare 554 "Service unavailable"
// is left to the 554 rule: it is as often said about one recipient as about the whole server.
export const SERVER_FAULT = family(
  /internal (?:system |server )?error|\bsystem error/,
  // The receiving system's own disk is full (Sisimai Reason/SystemFull.pm "mail system full"; qmail "mailbox unavailable
  // (not enough free space)"; RFC 5321 452 "insufficient system storage"; Postfix "queue file write error").
  /mail system full|not enough free space|insufficient system storage|queue file write error/,
  // PHPMailer-BMH 0142 "Temporary local problem", 0153 "system config error", 0120/0172 "I/O error", 0173 "can not open
  // new email file"; Coremail "450 out of memory", "450 queue unavailable", "450 database temporary error".
  /temporary local problem|system config(?:uration)? error|\bi\/o error|input\/output error|can ?not open new email file/,
  /out of memory|queue unavailable|database temporary error/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Sisimai why-systemerror.go, Reason/SystemFull.pm',
    'RFC 5321 452',
    'Postfix "queue file write error"',
    'PHPMailer-BMH rules',
    'Coremail',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#bmh-451-io-error',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 4.0.0 I/O error',
      bounceType: 'Transient',
      rule: 'text-server-fault',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#system-storage-452',
      status: '4.3.1',
      diagnosticCode: 'smtp; 452 4.3.1 Insufficient system storage',
      bounceType: 'Transient',
      rule: 'text-server-fault',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#eomatica-452-insufficient-system-storage',
      status: '4.0.0',
      diagnosticCode: 'smtp; 452 Requested action not taken: insufficient system storage',
      bounceType: 'Transient',
      rule: 'text-server-fault',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
