import type { Knowledge } from '../wording.js';

/** Yandex Mail (`yandex.` matches every country variant). */
export const domains = ['yandex.', 'ya.ru'];

/** Where these wordings come from, and real rows with the decision they get (test/unit/classifier-families.test.ts). */
export const about: Knowledge = {
  source: ['yandex.com/support/mail/bounces'],
  examples: [
    {
      from: 'test/fixtures/corpus/diagnostics.jsonl#yandex-no-such-user-5.7.1',
      recipient: 'victor@yandex.ru',
      status: '5.7.1',
      diagnosticCode: 'smtp; 550 5.7.1 No such user!',
      rule: 'text-no-such-mailbox',
      provider: 'yandex',
      category: 'invalid-address',
      action: 'suppress',
    },
    {
      from: 'test/fixtures/unseen-diagnostics-2.jsonl#yandex-552-size-limit-labelled-transient',
      recipient: 'sergey.v@yandex.ru',
      status: '5.2.2',
      diagnosticCode: 'smtp; 552 5.2.2 Mailbox size limit exceeded',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      rule: 'text-mailbox-full-permanent',
      provider: 'yandex',
      category: 'mailbox-full-permanent',
      action: 'suppress',
    },
  ],
};
