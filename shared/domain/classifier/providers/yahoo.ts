import type { Knowledge } from '../wording.js';

/** Yahoo, AOL and Verizon's consumer mail (one provider since Verizon Media). */
export const domains = ['yahoo.', 'ymail.com', 'rocketmail.com', 'aol.', 'aim.com', 'verizon.net'];
export const replyMarker = /yahoo(?:inc)?\.com|\[TSS?\d+\]/i;
/** Yahoo's [TSxx] deferral codes (Yahoo Sender Hub, "SMTP error codes"): the sending host's reputation. */
export const TS_DEFERRAL = /\[TSS?\d{2}\]/;
/** AOL / Verizon Media postmaster codes (RLY:B1, RLY:SUR, DYN:T1, HVU:B1, CON:B1, IPTS04 …): the sending host. */
export const AOL_POSTMASTER_CODE = /(?:RLY|DYN|HVU|CON|RTR):[A-Z]{1,3}\d?\b|\bIPTS0\d\b/;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Yahoo Sender Hub, "SMTP error codes"', 'AOL postmaster error codes'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#yahoo-tss09-permanent',
      recipient: 'reader3@yahoo.com',
      status: '5.7.2',
      diagnosticCode:
        'smtp; 553 5.7.2 [TSS09] All messages from 203.0.113.7 will be permanently deferred; Retrying will ' +
        'NOT succeed. See https://postmaster.yahooinc.com/error-codes',
      rule: 'yahoo-ts-deferral',
      provider: 'yahoo',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-5.jsonl#aol-554-rtr-du-dynamic',
      recipient: 'someone@aol.com',
      status: '5.0.0',
      diagnosticCode: 'smtp; 554- (RTR:DU)  http://postmaster.info.aol.com/errors/554rtrdu.html 554  Connecting IP: 192.0.2.6',
      rule: 'aol-postmaster-code',
      provider: 'yahoo',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#yahoo-450-receiving-mail-too-quickly',
      recipient: 'hot.topic@yahoo.com',
      status: '4.0.0',
      diagnosticCode: 'smtp; 450 User is receiving mail too quickly',
      bounceType: 'Transient',
      rule: 'text-receive-rate',
      provider: 'yahoo',
      category: 'mailbox-busy',
      action: 'retry',
    },
  ],
};
