import { family, type Knowledge } from '../wording.js';

export const RECIPIENT_POLICY = family(
  /restricted to (?:internal|authenticated)|only accepts? mail from|does not accept (?:external|(?:e-?mail |mail |messages )?from)/,
  /recipient address rejected: access denied/,
  // Mailing lists and groups that take posts from members only (Mailman, Google Groups, Exchange distribution groups).
  /not (?:a )?member of (?:this |the )?(?:list|group)|not allowed to post to (?:this|the)|only members can post/,
  // Yandex "Policy rejection on the target address": the recipient's account is blocked for User Agreement violations
  // and may be unblocked by its owner (yandex.com/support/mail/bounces): held for review, not suppressed.
  /policy rejection on the target address/,
  // The recipient's own block list or filter rules refuse this sender: the address works (Sisimai Reason/Filtered.pm:
  // "you have been blocked by the recipient", "message rejected due to user rules", Facebook "refused due to recipient
  // preferences", AOL "only accepting mail from specific email addresses"; Tencent "Mail is rejected by recipients";
  // Interia "Recipient doesn't want your mail"; Korean portals "registered as spammer (by user's reject list)";
  // Coremail "User in blacklist"; Exchange 5.7.1 "Delivery not authorized, message refused").
  /blocked by (?:the )?recipient|rejected due to user rules|recipient preferences|only accepting mail from specific/,
  /rejected by recipients?\b|recipient (?:does ?n[o']t|does not) want|user'?s reject list|user in (?:black|block)list/,
  /delivery not authori[sz]ed/,
  // PHPMailer-BMH 0156 "User refused to receive this mail"; Coremail "553 private list access denied".
  /refused to receive (?:this|your) (?:mail|message)|private list access denied|requires that you verify/,
  // The box exists but does not take this kind of mail, e.g. an Italian PEC box "non abilitato alla ricezione di posta non
  // certificata" (Aruba PEC guide): it outranks an "unknown … or not enabled" in the same sentence.
  /non abilitat[oa] alla ricezione|not (?:enabled|authori[sz]ed|allowed|permitted) to receive/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: [
    'Mailman, Google Groups and Exchange distribution groups',
    'Yandex (yandex.com/support/mail/bounces)',
    'Sisimai Reason/Filtered.pm',
    'Tencent',
    'Interia',
    'Coremail',
    'PHPMailer-BMH rules',
    'Aruba PEC guide',
  ],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#rediff-blocked-by-recipient',
      diagnosticCode: 'smtp; You have been blocked by the recipient',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-recipient-policy',
      category: 'recipient-policy-block',
      action: 'review',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#interia-550-571-recipient-doesnt-want-your-mail',
      status: '5.7.1',
      diagnosticCode: "smtp; 550 5.7.1 Recipient doesn't want your mail",
      rule: 'text-recipient-policy',
      category: 'recipient-policy-block',
      action: 'review',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#korean-550-registered-as-spammer',
      status: '5.0.0',
      diagnosticCode: "smtp; 550 You are registered as spammer (by user's reject list)",
      rule: 'text-recipient-policy',
      category: 'recipient-policy-block',
      action: 'review',
    },
  ],
};
