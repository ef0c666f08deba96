import { family } from '../wording.js';

export const RECEIVE_RATE = family(
  /receiving mail (?:at a rate|too quickly)|limit for the number of messages[^.;]{0,40}receive/,
  /receiv\w* (?:too many messages|rate limit)|too many messages (?:for|to) (?:this|the) (?:user|recipient|mailbox)/,
);
