import { family, type Knowledge } from '../wording.js';

export const CONTENT = family(
  /malware|virus|infected|attachment|macros?\b|message size|size (?:limit|exceeds|exceeded)|maximum (?:e-?mail |message )?size/,
  /exceeds?[^.;]{0,30}size|SizeLimit|too (?:large|big)|message content|content (?:presents|rejected|filter|policy|restrictions?|denied)/,
  /content (?:judged|deemed|considered|identified) (?:to be |as )?spam|prohibited (?:content|file)|banned (?:content|attachment|file)/,
  /executable|phishing|message integrity|headers? (?:are |is )?not (?:rfc|valid)|not rfc ?5322 compliant|message not allowed/,
  // Line length limits (RFC 5321 §4.5.3.1.6; Exim "Line limit exceeded", Postfix "line too long").
  /line (?:length )?limit exceeded|line (?:is )?too long/,
  // Mimecast "Message bounced due to Content Examination policy"; Orange "Taille limite du message atteinte" (LPN514).
  /content examination|taille limite du message/,
  // PHPMailer-BMH 0165 "Content reject", 0212 "MIME/REJECT", 0217 "MIME error", 0218 "Mail data refused by AISP", 0223
  // "Invalid data in message", 0043 "does not accept email in non-Western (non-Latin) character sets"; Coremail "552
  // message is too long", "554 attachment is too long", "552 Virus found".
  /content reject|mime[/ ](?:reject|error)|invalid (?:mime )?structure|mail data refused|invalid data in message/,
  /character sets?\b|non-?(?:western|latin)|(?:message|attachment) is too long|does not comply with required standards/,
  // University of Roma Tre's guide: "Disallowed Attach Type" (an attachment type the system refuses).
  /attach(?:ment)? type|disallowed attach/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'RFC 5321 §4.5.3.1.6 (line length)',
    'Mimecast ("Content Examination policy")',
    'Orange (LPN514)',
    'PHPMailer-BMH rules',
    'Coremail',
    "University of Roma Tre's bounce guide",
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#emailhost-cn-content-reject',
      diagnosticCode: 'smtp; Content reject',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-content',
      category: 'content-rejected',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd88',
      diagnosticCode: 'smtp; 500 Line limit exceeded',
      rule: 'text-content',
      category: 'content-rejected',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#catalan-552-message-body-too-big',
      status: '5.3.4',
      diagnosticCode: 'smtp; 552 Message body is too big',
      bounceType: 'Transient',
      bounceSubType: 'MessageTooLarge',
      rule: 'text-content',
      category: 'content-rejected',
      action: 'investigate',
    },
  ],
};
