import type { Knowledge } from '../wording.js';

/** Mail.ru and its sister domains. */
export const domains = ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['Mail.ru postmaster help'],
  examples: [
    {
      from: 'test/fixtures/unseen-diagnostics.jsonl#mailru-421-try-again-later',
      recipient: 'petr@mail.ru',
      diagnosticCode: 'smtp; 421 Try again later (203.0.113.7). Please contact abuse@corp.mail.ru.',
      bounceType: 'Transient',
      rule: 'text-server-busy',
      provider: 'mailru',
      category: 'service-unavailable',
      action: 'retry',
    },
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#mailru-user-not-found',
      recipient: 'wendy@mail.ru',
      diagnosticCode: 'smtp; 550 Message was not accepted -- invalid mailbox.  Local mailbox wendy@mail.ru is unavailable: user not found',
      rule: 'text-no-such-mailbox',
      provider: 'mailru',
      category: 'invalid-address',
      action: 'suppress',
    },
  ],
};
