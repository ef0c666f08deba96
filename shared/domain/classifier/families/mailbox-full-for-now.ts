import { family } from '../wording.js';

// The full mailbox said to be temporary in words ("try again later", "temporarily over quota"): retried whatever the code
// (PHPMailer-BMH 0145 "552 recipient storage full, try again later"; Sisimai "is over quota temporarily", EZweb "The
// user(s) account is temporarily over quota").
export const MAILBOX_FULL_FOR_NOW = family(
  /(?:full|quota)[^.;]{0,40}(?:try again|retry|later)|temporar(?:il)?y over quota|over quota temporarily/,
);
