import type { Knowledge } from '../wording.js';

/** Orange (France) and its former Wanadoo domain. */
export const domains = ['orange.fr', 'wanadoo.fr'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Orange / La Poste error codes (Sisimai Rhost/FrancePTT.pm)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#orange-550-570-auth-code-invalid-ofr305',
      recipient: 'lucas.martin@orange.fr',
      status: '5.7.0',
      diagnosticCode: "smtp; 550 5.7.0 Code d'authentification invalide OFR_305",
      rule: 'text-relay-or-submission',
      provider: 'orange',
      category: 'authentication-failure',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#orange-ofr-417-overquota-5.1.1',
      recipient: 'michel.roux@wanadoo.fr',
      status: '5.1.1',
      diagnosticCode: 'smtp; 552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]',
      rule: 'text-mailbox-full-permanent',
      provider: 'orange',
      category: 'mailbox-full-permanent',
      action: 'suppress',
    },
  ],
};
