import { family } from '../wording.js';

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
