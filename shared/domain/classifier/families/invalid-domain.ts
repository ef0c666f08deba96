import { family, type Knowledge } from '../wording.js';

export const INVALID_DOMAIN = family(
  /host (?:or domain name )?(?:not found|unknown)(?!,? try again)|no mail ?hosts? for domain|\bunknown host\b/,
  /domain (?:not found|name not found|does ?n[o']t exist|doesn'?t exist|has no (?:valid )?MX|is not reachable|must exist)/,
  /domain [\w.-]+ does ?n[o']t exist|DomainNonexistent|NonExistentDomain|\bNXDOMAIN\b|no MX (?:record|host)|null MX/,
  // Exim "all host address lookups failed permanently", "an MX or SRV record indicated no SMTP service" (Sisimai
  // Lhost/Exim.pm); Gmail "DNS Error: DNS server returned answer with no data" (Sisimai Lhost/Gmail.pm).
  /lookups failed permanently|indicated no smtp service|returned answer with no data|mx records point to non-?existent hosts/,
  // qmail-remote's permanent DNS failures ("D" lines: "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)",
  // "Sorry, I couldn't find any host named …"; Sisimai Lhost/qmail.pm), OpenSMTPD "No MX found for domain".
  /couldn'?t find (?:a mail exchanger|any host)|no mx (?:record |host )?found/,
  // RFC 3463 X.1.2 "Bad destination system address"; domains that take no mail any more (expired, parked, served or
  // hosted nowhere here).
  /bad destination (?:system|host)|domain (?:has )?expired|domain is parked/,
  /domain (?:is )?not (?:configured for (?:e-?)?mail|served here|hosted here)/,
  // Sendmail "Host unknown", Courier "No such domain", Exim "unrouteable mail domain", DragonFly DNS failures.
  /unroutable domain|no such domain|unknown domain|host [\w.-]+ not found(?!,? try again)|name or service not known/,
  /mail domain mentioned in email address is unknown/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'RFC 3463 X.1.2',
    'RFC 7505 null MX',
    'Sisimai Lhost/Exim.pm, Lhost/Gmail.pm, Lhost/qmail.pm',
    'Sendmail, Courier, Exim, OpenSMTPD texts',
  ],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd190',
      diagnosticCode: 'smtp; unknown host',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-invalid-domain',
      category: 'invalid-domain',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#yandex-guide-dns-no-such-domain',
      diagnosticCode: 'smtp; DNS: no such domain',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-invalid-domain',
      category: 'invalid-domain',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#opensmtpd-domain-does-not-exist',
      diagnosticCode: 'smtp; Domain does not exist',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-invalid-domain',
      category: 'invalid-domain',
      action: 'suppress',
    },
  ],
};
