import { family, tailFirst } from '../wording.js';

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
