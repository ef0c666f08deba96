import { family, type Knowledge, phrase, tailFirst } from '../wording.js';

// Suspended or locked mailboxes (Sisimai why-suspend.go; La Poste "Le compte du destinataire est bloque"; 525 RFC 4954).
export const SUSPENDED_MAILBOX = family(
  phrase(
    /(?:recipient|destinataire|user|mailbox|inbox)(?:'s)? (?:account )?(?:[^\s]+@[^\s]+ )?(?:is |has been )?/,
    /(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen|blocked)/,
  ),
  /(?:account|mailbox) (?:is |has been )?(?:currently |temporar(?:y|ily) )?(?:suspended|locked|frozen)|disabled recipient/,
  /compte du destinataire est bloqu/,
  tailFirst(/(?<!your )(?:mailbox|account|user|recipient)/, /[^.;]{0,20}/, /(?:is currently|has been|temporarily) suspended/),
  /user (?:is )?terminated/,
  /mailbox (?:is )?disabled|user (?:is )?suspended|user or domain is disabled|inactive (?:account|user)/,
  // Sisimai Reason/Suspend.pm: Gmail "The email account that you tried to reach is disabled", QQ "is a deactivated
  // mailbox", "recipient suspend the service", qmail-ldap "Mailaddress is administratively disabled", "… is currently
  // suspended"; Orange/La Poste "Boite du destinataire archivee" (LPN420); Korean portals "Inactive mbox".
  /tried to reach is (?:disabled|inactive)|deactivated (?:mailbox|account)|suspend the service|administrative(?:ly|ley) disabled/,
  /@[^\s]+ is currently suspended|destinataire archiv[eé]e|inactive mbox/,
  // The same catalogue: boxes closed for disuse or by an administrator, in their own languages (it "bloccato per
  // inutilizzo", es "casilla ha expirado por falta de uso", "estado: inactivo", de "Mailbox deaktiviert", fr "boite aux
  // lettres desactivee", pl "konto jest zablokowane administracyjnie lub nieaktywne"), "blocked due to inactivity",
  // "mail is not currently being accepted for this mailbox" (Sisimai Reason/Filtered.pm: "due to extended inactivity").
  /bloccato per inutilizzo|casilla ha expirado|estado: inactivo|mailbox deaktiviert|bo[iî]te aux lettres d[eé]sactiv[eé]e/,
  /konto jest zablokowane|(?:mailbox|recipient)[^.;]{0,20}was disabled|due to inactivity|not currently being accepted for this mailbox/,
);

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Sisimai why-suspend.go, Reason/Suspend.pm and Reason/Filtered.pm', 'La Poste', 'RFC 4954 (525)', 'PHP-Bounce-Handler'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#korean-550-511-inactive-mbox',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 Inactive mbox',
      rule: 'text-mailbox-suspended',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd151',
      status: '5.7.13',
      diagnosticCode: 'SMTP; 525 5.7.13 Disabled recipient address',
      rule: 'text-mailbox-suspended',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-4.jsonl#bigmir-550-mailbox-is-frozen',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 Mailbox is frozen. See http://mail.bigmir.net/err/3/',
      rule: 'text-mailbox-suspended',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
