import { family, type Knowledge, tailFirst } from '../wording.js';

export const MAILBOX_FULL = family(
  /over ?quota|quota ?exceeded|exceeded (?:its |the |their )?(?:storage|quota)/,
  tailFirst(/mailbox|inbox|mail ?box|account|user/, /[^.;]{0,30}/, /\bfull\b/),
  /(?:mailbox|inbox|account) (?:size|storage) (?:limit|exceeded)/,
  /insufficient (?:disk )?(?:space|storage) (?:for|in) (?:the )?(?:user|mailbox)/,
  /exceeded storage allocation|quota violation|exhausted[^.;]{0,20}(?:storage|quota|space)/,
  // fr "boîte pleine", de "Postfach voll", es "buzón lleno", pt "caixa cheia", it "casella piena".
  /bo[iî]te (?:aux lettres |mail )?(?:est )?pleine|postfach (?:ist )?voll|buz[oó]n (?:est[aá] )?lleno/,
  /caixa[^.;]{0,20}cheia|casella[^.;]{0,20}piena/,
  // Sisimai Reason/MailboxFull.pm and PHPMailer-BMH (0145, 0192, 0219): docomo "too much mail data", "recipient storage
  // full", Hermes "the destination mailbox <…> is full", "error writing message: File too large", "Mailbox space not enough".
  /too much mail data|storage (?:is )?full|mailbox <[^<>]*> is full|file too large|space not enough|not enough space/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Sisimai Reason/MailboxFull.pm', 'PHPMailer-BMH rules 0145, 0192, 0219', 'RFC 3463 X.2.2'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#ionos-quota-exceeded-550',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 Quota Exceeded',
      rule: 'text-mailbox-full-permanent',
      category: 'mailbox-full-permanent',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#generic-mailbox-full-552',
      status: '5.2.2',
      diagnosticCode: 'smtp; 552 5.2.2 Mailbox full',
      rule: 'text-mailbox-full-permanent',
      category: 'mailbox-full-permanent',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd102',
      status: '4.2.2',
      diagnosticCode: 'smtp; Reason: Over quota',
      bounceType: 'Transient',
      rule: 'text-mailbox-full',
      category: 'mailbox-full',
      action: 'retry',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#smartermail-the-mailbox-is-full',
      diagnosticCode: 'smtp; The mailbox is full',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
      rule: 'text-mailbox-full',
      category: 'mailbox-full',
      action: 'retry',
    },
  ],
};
