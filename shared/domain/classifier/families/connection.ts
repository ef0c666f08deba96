import { family } from '../wording.js';

export const CONNECTION = family(
  /(?:unable|not able|wasn'?t able|failed|could ?n[o']t|cannot) to (?:establish|make|open|connect)/,
  /connection (?:timed out|refused|reset|lost|dropped)|timed out|queue too long|message expired/,
  // Exim "all hosts for … have been failing for a long time (and retry time not reached)", "retry timeout exceeded".
  /failing for a long time|retry time(?:out)? (?:not reached|exceeded)/,
  // Postfix "delivery temporarily suspended: …", "No route to host"; IceWarp "connection with … is broken" (PHPMailer-BMH
  // 0213, 0188, 0231).
  /delivery temporarily suspended|no route to host|connection (?:with [^\s]+ )?is broken/,
);
