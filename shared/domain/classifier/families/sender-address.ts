import { family, group, type Knowledge, phrase } from '../wording.js';

// The sender under its other names: its domain, return path, From: or Reply-To address, bounce address, the MAIL FROM
// argument (Sisimai Reason/Rejected.pm: "domain of sender address", "sender domain is empty"; RFC 5321 §4.1.1.2); "your
// account / mailbox / domain" in a report to the sender is the sender's own (a submission or relay account).
const SENDER_NAMES = family(
  /domain of sender address|\bsender'?s? (?:user|mailbox|account|domain)|return[- ]path (?:domain|address)/,
  // Written so that each alternative holds a literal rarer than "from" or " mail" (the walk's gate skips the pattern on the
  // texts that lack it); "mail from domain" is the \bfrom alternative's, so only "mailfrom" needs its own.
  /reply-to (?:domain|address)|\bfrom:? address|\bfrom:? domain|mailfrom (?:domain|address)|in your mail ?from|in the mail ?from/,
  /bounce address|\byour (?:e-?mail )?(?:account|mailbox|domain|mail server'?s? host ?name)|\bsender <?[^\s<>@]+@/,
);

// What would read as a dead address if it were said of the recipient.
const DEAD_SOUNDING = family(
  /does ?n[o']t exist|not exist|unknown|invalid|not (?:a )?valid|not found|no mx|unavailable|disabled|suspended|expired/,
  /over quota|quota exceeded|rejected|denied|not allowed|has no (?:a|mx|dns)\b|deleted|removed/,
);

// Whose problem is it? Wording about the *sender* (envelope sender, its domain, the client host) comes first.
export const SENDER_ADDRESS = family(
  /sender address rejected|sender (?:verify|verification|domain)|(?:sender|sender's) (?:rejected|was rejected)/,
  /(?:from:?|sender|envelope) address (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)/,
  /(?:from:?|sender|envelope) domain (?:is )?(?:invalid|not (?:valid|found|exist)|does ?n[o']t exist|rejected)/,
  // Exim "Unroutable sender address", qmail/IMail "invalid sender", "bogus mail from" (Sisimai why-rejected.go).
  /(?:unroutable|unverifiable|invalid|unknown|bad|bogus) (?:sender|mail from)\b/,
  // Gmail's "Send mail as" alias that is not set up (Google Workspace admin help: "Send mail as" errors).
  /send mail as|sending this from a different address or alias/,
  // A gateway that relays only for its own customers (MessageLabs / Symantec.cloud "not a registered gateway user").
  /not a registered gateway user|mail from not owned by user|sender not pre-approved/,
  // SES's own envelope sender quoted as the rejected address (MAIL FROM is `…@…amazonses.com`).
  // Written from its literal back (a lookbehind, the same matches): a pattern that starts with `<` and then any character
  // makes V8 try it at every `<`, and took 40 % of this family's time on texts without it.
  /amazonses\.com>(?<=<[^<>\s]*@(?:[\w-]+\.)*amazonses\.com>)/,
  // Coremail (Netease / Chinese hosting) rejects of the envelope sender: "Fake sender", "NULL sender is not allowed",
  // "sender is rejected" (Coremail support: 退信提示 list); Orange/La Poste "Emetteur invalide" (Sisimai Rhost/FrancePTT.pm).
  /\bfake sender|null sender is not allowed|sender is rejected|emetteur invalide|émetteur invalide/,
  // The sending domain or address is refused as such (Sisimai Reason/Rejected.pm: "server does not accept mail from").
  /mail from (?:domain )?(?:[\w.-]+ )?(?:is )?not (?:allowed|permitted)|sender domain (?:is )?not (?:allowed|permitted)/,
  // Exchange Online NDRs (Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange Online"): 5.1.0
  // "Sender denied", 5.2.252 "SendAsDenied … not allowed to send as"; Mail.ru "message sending for this account is disabled".
  /sender (?:address )?(?:denied|blocked)|sendasdenied|not allowed to send as|sending for (?:this|your) account is/,
  // Coremail's catalogue (blog.sina.com.cn/s/blog_8dc13ec50101fxxr: "552 mail from invalid", "553 host denies the
  // sender", "554 sender is unvalidated", "554 mail address invalid" = sender address mismatch); PHPMailer-BMH rules
  // (github.com/hippich/PHPMailer-BMH: 0206 "Sender email is not in my domain", 0210 "Verify mailfrom failed",
  // 0226 "MAIL FROM is mismatched with message header from address").
  /mail ?from (?:is )?invalid|mail ?from (?:is )?mismatch|denies the sender|sender (?:is )?(?:unvalidated|not validated)/,
  // The look back after the words (the same matches): a pattern that starts with one is tried at every character.
  /mail address invalid(?<![\w-]mail address invalid)/,
  // STRATO "Forbidden domain '…' in Envelope-From (B-EFROM-STRATO)".
  /in (?:the )?envelope-?from|envelope-?from (?:domain|address)/,
  /sender (?:e-?mail |address )?(?:is )?not in my domain|verify mail ?from failed|mismatched with (?:the )?(?:message )?header from/,
  // Only with what would otherwise read as a dead address; the same names with block-list wording are reputation.
  phrase(group(SENDER_NAMES), /\b(?:[^.;]|\.[\w-]){0,60}/, group(DEAD_SOUNDING)),
  // The same said in the provider's language: the word for the sender names the subject before any "unknown" or
  // "does not exist" that follows (de Absender, fr expéditeur/émetteur, es remitente, it mittente, pt remetente,
  // zh 发件人, ko 발신자/보낸 사람, ru отправитель, ja 送信者/差出人).
  /\babsender|\bexp[eé]diteur|\bremitente|\bmittente|\bremetente|\bafzender|\bnadawc|\bodes[ií]latel/,
  /发件人|發件人|寄件人|발신자|보낸 사람|보낸사람|отправител|送信者|差出人/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Sisimai Reason/Rejected.pm and why-rejected.go (BSD-2)',
    'RFC 5321 §4.1.1.2',
    'Exchange Online NDRs (Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange Online")',
    'Google Workspace help ("Send mail as")',
    'Coremail support (退信提示)',
    'PHPMailer-BMH rules (github.com/hippich/PHPMailer-BMH)',
    'STRATO',
    'Sisimai Rhost/FrancePTT.pm',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#coremail-552-mail-from-invalid',
      status: '5.0.0',
      diagnosticCode: 'smtp; 552 mail from invalid.',
      rule: 'text-sender-address',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#baruwa-sender-verification-failed',
      diagnosticCode: 'smtp; Sender verification failed',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-sender-address',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd69',
      diagnosticCode: 'smtp; 550 Unroutable sender address',
      rule: 'text-sender-address',
      category: 'authentication-failure',
      action: 'investigate',
    },
  ],
};
