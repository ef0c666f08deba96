import { family } from '../wording.js';

// Hop-count and loop errors (RFC 5321 §6.3, RFC 3463 X.4.6): a routing fault, never the address.
export const MAIL_LOOP = family(
  /too many hops|hop count exceeded|mail (?:forwarding )?loop|routing loop|loops? (?:back|detected)/,
  // Exchange SMTPSEND.DNS.MxLoopback, Postfix "mail for … loops back to myself", Sisimai Reason/SystemError.pm.
  /mx ?loopback|loop was found in the mail exchanger|forwarding loop/,
  // Coremail "552 looping message"; qmail "This message is looping: it already has my Delivered-To line" (#5.4.6);
  // Sendmail "MX list for … points back to …" (PHPMailer-BMH 0199).
  /\blooping\b|mx list for [^\s]+ points back|maximum hop count|loop detection/,
);
