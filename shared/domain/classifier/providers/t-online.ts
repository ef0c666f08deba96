import type { Knowledge } from '../wording.js';

/** Deutsche Telekom's T-Online. */
export const domains = ['t-online.de', 'magenta.de'];
export const replyMarker = /t-online\.de/i;
/** T-Online's block-list reply (postmaster.t-online.de), whatever domain it hosts. */
export const BLOCK_LIST = /A problem occurred\. \(Ask your postmaster|\(BL\)\s*$/;

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['postmaster.t-online.de'],
  examples: [
    {
      from: 'test/fixtures/corpus/sisimai-dev.jsonl#sd135',
      recipient: 'user369@example.org',
      status: '5.5.0',
      diagnosticCode:
        'SMTP; 554 IP=192.0.2.254 - A problem occurred. (Ask your postmaster for help or to contact neko@example.org to clarify.) (BL)',
      rule: 't-online-block-list',
      provider: 'other',
      category: 'reputation-block',
      action: 'investigate',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-3.jsonl#tonline-552-quota-exceeded-mailbox-full',
      recipient: 'example.kunde@t-online.de',
      status: '5.2.2',
      diagnosticCode: 'smtp; 552 5.2.2 <example.kunde@t-online.de> Quota exceeded (mailbox for user is full)',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      rule: 'text-mailbox-full-permanent',
      provider: 't-online',
      category: 'mailbox-full-permanent',
      action: 'suppress',
    },
  ],
};
