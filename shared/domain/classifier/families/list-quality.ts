import { family } from '../wording.js';

// What the sender's own sending behaviour earned it: too many unknown recipients (list quality), whatever the code
// (Netease HL:REP "存在接收者大量不存在情况"; Yahoo/AOL and Comcast "too many invalid recipients").
export const LIST_QUALITY = family(
  /too many (?:invalid|bad|unknown|non-?existent) (?:recipients|users|addresses)/,
  // PHP-Bounce-Handler's catalogue: "Excessive userid unknowns", "Domain has received too many bounces".
  /excessive userid unknowns|too many bounces|dictionary attack|directory harvest/,
);
