import type { Knowledge } from '../wording.js';

/**
 * NetEase (163/126/yeah.net) anti-spam codes, all about the sending host or account: HL:REP/ICC/IFC/MEP/IHU, MI:CEL/
 * DMC/SFQ/IMF/STC, RP:DRC/TRC/RDN, DT:SPM/RBL, WM:BLI/BLU, IP:BLK (mail.163.com/help/help_spam_16.htm).
 */
export const SENDER_CODE = /(?:HL|MI|RP|DT|WM|IP|SL):[A-Z]{3}\b/;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['mail.163.com/help/help_spam_16.htm (NetEase anti-spam codes)'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#netease-451-dt-spm-try-later',
      recipient: 'redacted@163.com',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 DT:SPM 163 mx40,WsCowAAnEhlCoEVa5GjcAA--.20089S3 1514512452, please try again 15min later',
      bounceType: 'Transient',
      rule: 'netease-sender-code',
      provider: 'other',
      category: 'reputation-block',
      action: 'investigate',
    },
  ],
};
