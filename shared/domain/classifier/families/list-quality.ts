import { family, type Knowledge } from '../wording.js';

// What the sender's own sending behaviour earned it: too many unknown recipients (list quality), whatever the code
// (Netease HL:REP "存在接收者大量不存在情况"; Yahoo/AOL and Comcast "too many invalid recipients").
export const LIST_QUALITY = family(
  /too many (?:invalid|bad|unknown|non-?existent) (?:recipients|users|addresses)/,
  // PHP-Bounce-Handler's catalogue: "Excessive userid unknowns", "Domain has received too many bounces".
  /excessive userid unknowns|too many bounces|dictionary attack|directory harvest/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'NetEase HL:REP (mail.163.com/help/help_spam_16.htm)',
    'Yahoo/AOL and Comcast "too many invalid recipients"',
    'PHP-Bounce-Handler (github.com/cfortune/PHP-Bounce-Handler)',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#baruwa-dictionary-attack-detected',
      diagnosticCode: 'smtp; Dictionary attack detected',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-list-quality',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
