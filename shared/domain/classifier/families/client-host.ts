import { family, type Knowledge } from '../wording.js';

export const CLIENT_HOST = family(
  /(?:helo|ehlo)[^.;]{0,30}(?:rejected|invalid|not found)|cannot find your (?:reverse )?hostname/,
  /(?:ip|host) ?name lookup failed|reverse (?:dns|hostname|lookup)|\bPTR\b|\brDNS\b/,
  // Postfix smtpd access restrictions (postconf(5): reject_unknown_client_hostname, check_client_access).
  /client host rejected|may not be mail exchanger|cannot resolve your (?:address|hostname)/,
  // DNS of the sending host does not match its IP (Sisimai why-requireptr.go: Exim/cPanel texts).
  /unverif(?:i|y)?able sending ips?|mismatches client ip|does not match (?:the )?(?:sending|connecting|client) ip/,
  // The sending client broke the SMTP dialogue (Sisimai Reason/PolicyViolation.pm "protocol violation"; Postfix
  // "improper command pipelining"; Sendmail/Exim "synchronization error").
  /protocol violation|improper (?:command )?pipelining|synchroni[sz]ation error/,
  // Coremail: "555 helohost error", "554 smtpport check error", "556 remote ip check error" (sending IP and MAIL FROM
  // domain disagree), "551 line parse error", "451 stray newline", "500 sequence error"; PHPMailer-BMH 0229 "Client
  // host bypassing service provider's mail relay".
  /helo ?host error|smtpport check|remote ip check|line parse error|stray newline|sequence error|bypassing service provider/,
  // The client's HELO name refused (RFC 5321 §4.1.1.1: a FQDN or address literal; qmail-remote "but my name was rejected").
  /(?:helo|ehlo)[^.;]{0,40}(?:fqdn|fully[- ]qualified|address literal)|my name was rejected/,
  // RFC 5321 §4.2.2's command replies (500 "Syntax error, command unrecognized", 501 "Syntax error in parameters or
  // arguments", 502 "Command not implemented", 503 "Bad sequence of commands", 504 "Command parameter not implemented"):
  // the sending client's dialogue, not the recipient's address (SES sends only well-formed addresses).
  /syntax error(?:,| in) (?:command|parameters|arguments|mail from|helo|ehlo)|command (?:unrecognized|not implemented)/,
  /bad sequence of commands|command parameter not implemented/,
  // The client's own errors and misuse: SFR "Error: too many errors" (Sisimai Reason/TooManyConn.pm: Free.fr "too many
  // errors from your ip"); a bounce (null sender) to several recipients (Baruwa "Legitimate bounces are never sent to
  // more than one recipient", antispameurope "Multi-recipient bounce"); IceWarp "501 Domain name required" (MAIL FROM).
  /too many errors|bounces are never sent to more than one recipient|multi-recipient bounce|domain name required/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'postconf(5) smtpd restrictions',
    'RFC 5321 §4.1.1.1 and §4.2.2',
    'Sisimai why-requireptr.go, Reason/PolicyViolation.pm, Reason/TooManyConn.pm',
    'Coremail support',
    'PHPMailer-BMH rules',
    'qmail-remote',
    'Baruwa',
    'antispameurope',
    'IceWarp',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#coremail-556-remote-ip-check',
      status: '5.0.0',
      diagnosticCode: 'smtp; 556 remote ip check error.',
      rule: 'text-sender-setup',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd67',
      status: '5.7.1',
      diagnosticCode: 'smtp; 554 5.7.1 Reverse DNS failed.',
      rule: 'text-sender-setup',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#icewarp-501-552-domain-name-required',
      status: '5.5.2',
      diagnosticCode: 'smtp; 501 5.5.2 Domain name required',
      rule: 'text-sender-setup',
      category: 'authentication-failure',
      action: 'investigate',
    },
  ],
};
