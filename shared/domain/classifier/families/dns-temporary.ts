import { family } from '../wording.js';

// A DNS lookup that failed for now: Postfix "Host or domain name not found. … Host not found, try again" (postconf(5),
// the temporary form of the lookup error), "Temporary failure in name resolution" (getaddrinfo EAI_AGAIN), SERVFAIL.
export const DNS_TEMPORARY = family(
  /not found, try again|temporary failure in name resolution|\bservfail\b|dns (?:lookup|query) timed? ?out/,
  // Sendmail "Deferred: Name server: …: host name lookup failure", "Name server timeout" (PHPMailer-BMH 0121, 0118).
  /host name lookup failure|name server timeout/,
);
