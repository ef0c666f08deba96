import { family, type Knowledge } from '../wording.js';

// Relay and submission rules: the sender must authenticate or encrypt (RFC 5321 §3.6, RFC 4954, RFC 3207).
export const RELAY_OR_SUBMISSION = family(
  /relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))|(?:unable|not (?:permitted|allowed)) to relay/,
  /relay(?:ing)? (?:is )?(?:disallowed|forbidden|refused)|relay prohibited|n'?t allowed to relay|requires authentication/,
  /\bno relaying\b|\bopen relay\b|insecure mail relay|not configured to relay|we do not relay|\bas a relay\b/,
  // qmail-smtpd(8): a recipient domain outside rcpthosts is a relay attempt.
  /allowed rcpthosts/,
  /smtp auth(?:entication)?\b[^.;]{0,40}(?:required|turn(?:ed)? on)|turn on smtp auth|authentication (?:is )?required/,
  // MessageLabs: "is not permitted to relay through this server without authentication".
  /relay through this server without authentication/,
  /must (?:issue|use) (?:a )?starttls|(?:tls|encryption|starttls) (?:is )?required|requires? (?:tls|encryption)/,
  /(?:unauthenticated|unauthorized) (?:senders?|relay)|not authorized to send mail/,
  // Sisimai Reason/NoRelaying.pm ("not local host …, not a gateway"); Coremail "Requested action not taken: Local user only".
  /not a gateway|local user only|relay operation rejected|you are not allowed to send (?:mail|e-?mail|messages)/,
  // Coremail "553 host denies relay", "553 relay check domain/local fail", "554 openrelay check"; Exim / PHPMailer-BMH
  // 0108 "relaying to <…> prohibited by administrator"; BMH 0197 "AUTH FAILED".
  /denies relay|relay check (?:domain|local)|openrelay|relay(?:ing)? (?:to [^\s]+ )?prohibited|\bauth failed\b/,
  // Submission credentials refused (Mimecast SMTP error codes: 535 "Incorrect authentication data"; Orange OFR_305/LPN_402).
  /incorrect authentication data|code d'authentification invalide|authentification requise/,
  // Gmail's own reports of what the receiving side refused (Sisimai Lhost/Gmail.pm, states 6, 8, 12).
  /does not support (?:tls|starttls|smtp authenticated relay)|smtp auth failed/,
  // MessageLabs "451 TLS/SSLv3 Connection required" (Broadcom KB 162152); OpenSMTPD "Could not retrieve credentials",
  // Sisimai Reason/SecurityError.pm "authentication credentials invalid".
  /(?:tls|ssl)[^.;]{0,20}connection required|retrieve credentials|credentials (?:are )?invalid/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'RFC 5321 §3.6, RFC 4954, RFC 3207',
    'qmail-smtpd(8) rcpthosts',
    'Sisimai Reason/NoRelaying.pm, Reason/SecurityError.pm, Lhost/Gmail.pm',
    'MessageLabs (Broadcom KB 162152)',
    'Mimecast SMTP error codes',
    'Coremail support',
    'PHPMailer-BMH rules',
    'OpenSMTPD',
    'Orange',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#coremail-553-host-denies-relay',
      status: '5.0.0',
      diagnosticCode: 'smtp; 553 host denies relay.',
      rule: 'text-relay-or-submission',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#postini-554-no-relaying-allowed-psmtp',
      status: '5.0.0',
      diagnosticCode: 'smtp; 554 No relaying allowed - psmtp',
      rule: 'text-relay-or-submission',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#comcast-550-510-authentication-required',
      status: '5.1.0',
      diagnosticCode: 'smtp; 550 5.1.0 Authentication required',
      rule: 'text-relay-or-submission',
      category: 'authentication-failure',
      action: 'investigate',
    },
  ],
};
