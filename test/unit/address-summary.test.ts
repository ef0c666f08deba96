import { describe, expect, it } from 'vitest';
import { addressSummary, type AddressRecord } from '../../cli/address-summary.js';

const record: AddressRecord = {
  email: 'ana@example.org',
  suppressed: true,
  status: 'review',
  reason: 'retries-exhausted',
  suppressedReason: null,
  category: 'mailbox-busy',
  rule: null,
  smtpCode: null,
  enhancedCode: null,
  diagnostic: null,
  provider: null,
  campaign: 'spring',
  firstSeenAt: '2026-12-09T09:01:38.502Z',
  lastSeenAt: '2026-12-09T09:01:38.502Z',
  count: 1,
  releasedAt: null,
  releasedBy: null,
  releaseReason: null,
  softBounces: { count: 2, windowEndsAt: null },
  erasedAt: null,
  history: [
    {
      email: 'ana@example.org',
      eventId: 'e1',
      at: '2026-12-09T09:01:38.502Z',
      signal: 'retries-exhausted',
      fromStatus: null,
      toStatus: 'review',
      reason: 'retries-exhausted',
      category: 'mailbox-busy',
      rule: null,
      smtpCode: null,
      enhancedCode: null,
      diagnostic: null,
      campaign: 'spring',
      messageId: 'm-1',
      actor: null,
      note: 'mailbox-busy: attempt 2 still unsent when the 24 h window closed',
    },
  ],
};

describe('bounce lookup text', () => {
  it('a history note that starts with the category the line shows does not say it twice', () => {
    const text = addressSummary(record);
    expect(text).toContain('(retries-exhausted)  mailbox-busy: attempt 2 still unsent when the 24 h window closed');
    expect(text).not.toContain('mailbox-busy: mailbox-busy');
  });

  it('any other note is shown as written', () => {
    const entry = { ...record.history[0], signal: 'release', note: 'checked with the customer' } as AddressRecord['history'][number];
    expect(addressSummary({ ...record, history: [entry] })).toContain('mailbox-busy: checked with the customer');
  });
});
