import { family, type Knowledge } from '../wording.js';

// A DNS lookup that failed for now: Postfix "Host or domain name not found. … Host not found, try again" (postconf(5),
// the temporary form of the lookup error), "Temporary failure in name resolution" (getaddrinfo EAI_AGAIN), SERVFAIL.
export const DNS_TEMPORARY = family(
  /not found, try again|temporary failure in name resolution|\bservfail\b|dns (?:lookup|query) timed? ?out/,
  // Sendmail "Deferred: Name server: …: host name lookup failure", "Name server timeout" (PHPMailer-BMH 0121, 0118).
  /host name lookup failure|name server timeout/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['postconf(5) (temporary lookup errors)', 'getaddrinfo EAI_AGAIN', 'PHPMailer-BMH rules 0118, 0121 (Sendmail)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#bmh-sendmail-name-server-timeout',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 HOTMAIL.com.tw: Name server timeout',
      bounceType: 'Transient',
      rule: 'text-dns-temporary',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd188',
      status: '4.0.0',
      diagnosticCode: 'smtp; cat.example.net: host name lookup failure',
      bounceType: 'Transient',
      rule: 'text-dns-temporary',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#postfix-dns-host-not-found-try-again',
      status: '4.4.3',
      diagnosticCode: 'smtp; Host or domain name not found. Name service error for name=example.co.uk type=MX: Host not found, try again',
      bounceType: 'Transient',
      rule: 'text-dns-temporary',
      category: 'service-unavailable',
      action: 'retry',
    },
  ],
};
