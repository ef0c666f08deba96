import { family } from '../wording.js';

export const WEAK_NO_MAILBOX = family(
  /mailbox (?:is )?(?:unavailable|not available)/,
  /not a valid (?:mailbox|recipient)|recipient (?:rejected|not accepted)/,
);
