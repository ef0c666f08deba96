import { describe, expect, it } from 'vitest';
import type { RetryState } from '../../shared/domain/index.js';
import {
  mailedWhenSuppressed,
  mailedWhilePaused,
  openStories,
  repeatedSends,
  verdictDifferences,
  worldPlan,
  type Accepted,
  type AcceptedMessage,
} from '../support/world-chaos.js';

const message = (to: string, sentAt: string, extra: Partial<AcceptedMessage> = {}): AcceptedMessage => ({
  to,
  campaign: 'c1',
  retryOf: null,
  attempt: null,
  sentAt,
  answer: 'Delivery',
  events: [],
  ...extra,
});

const accepted = (...messages: AcceptedMessage[]): Accepted => new Map(messages.map((m, i) => [`ses-${i}`, m]));

describe('the world chaos checks', () => {
  it('find an attempt accepted twice, and one campaign mailing an address twice; not retries of other attempts', () => {
    const retry = (attempt: string) => ({ retryOf: 'ses-original', attempt });
    expect(repeatedSends(accepted(message('a@x.test', 't1'), message('a@x.test', 't2', { campaign: 'c2' })))).toEqual([]);
    expect(repeatedSends(accepted(message('a@x.test', 't1', retry('1')), message('a@x.test', 't2', retry('2'))))).toEqual([]);
    expect(repeatedSends(accepted(message('a@x.test', 't1', retry('1')), message('a@x.test', 't2', retry('1'))))).toEqual([
      'ses-original: attempt 1 accepted 2 times',
    ]);
    expect(repeatedSends(accepted(message('a@x.test', 't1'), message('a@x.test', 't2')))).toHaveLength(1);
  });

  it('find mail to an address from the instant it must get none, and none before', () => {
    const mail = accepted(message('a@x.test', '2026-12-07T10:00:00.000Z'), message('b@x.test', '2026-12-07T12:00:00.000Z'));
    const doNotMail = new Map([
      ['a@x.test', '2026-12-07T11:00:00.000Z'],
      ['b@x.test', '2026-12-07T11:00:00.000Z'],
    ]);
    expect(mailedWhenSuppressed(mail, doNotMail)).toEqual([
      'b@x.test: mailed at 2026-12-07T12:00:00.000Z, not to be mailed from 2026-12-07T11:00:00.000Z',
    ]);
  });

  it("find the paused campaign's mail inside the pause (past the grace), not other campaigns' or after the resume", () => {
    const pause = { campaign: 'c2', from: '2026-12-07T10:00:00.000Z', to: '2026-12-07T16:00:00.000Z' };
    const mail = accepted(
      message('in-grace@x.test', '2026-12-07T10:10:00.000Z', { campaign: 'c2' }),
      message('paused@x.test', '2026-12-07T12:00:00.000Z', { campaign: 'c2' }),
      message('other@x.test', '2026-12-07T12:00:00.000Z', { campaign: 'c1' }),
      message('resumed@x.test', '2026-12-07T16:00:01.000Z', { campaign: 'c2' }),
    );
    expect(mailedWhilePaused(mail, pause, 20 * 60_000).map((line) => line.split(':')[0])).toEqual(['paused@x.test']);
  });

  it('count a story open until it is delivered, skipped, given up or published', () => {
    const state = (status: RetryState['status']) => ({ status }) as RetryState;
    const states = ['scheduled', 'sending', 'sent', 'delivered', 'skipped', 'gave-up', 'published'].map((s) =>
      state(s as RetryState['status']),
    );
    expect(openStories(states).map((s) => s.status)).toEqual(['scheduled', 'sending', 'sent']);
  });

  it('compare final verdicts strictly, status and reason', () => {
    const clean = new Map([
      ['a@x.test', { status: 'suppressed', reason: 'hard-bounce' }],
      ['b@x.test', { status: 'review', reason: 'soft-bounce-threshold' }],
    ]);
    expect(verdictDifferences(clean, new Map(clean))).toEqual([]);
    const chaos = new Map([...clean, ['b@x.test', { status: 'review', reason: 'retries-exhausted' }]]);
    expect(verdictDifferences(clean, chaos)).toEqual(['b@x.test: clean review/soft-bounce-threshold, chaos review/retries-exhausted']);
  });

  it('plan the same world for the same seed, with every address that must get no mail mailed by no campaign of its own', () => {
    const plan = worldPlan(200, 3);
    expect(worldPlan(200, 3)).toEqual(plan);
    const stories = new Set(plan.recipients.map((r) => r.story));
    expect([...stories].sort()).toEqual(['busy', 'busy-then-deliver', 'complaint', 'dead', 'delivered', 'full', 'full-then-deliver']);
    expect(new Set(plan.recipients.map((r) => r.address)).size).toBe(plan.recipients.length);
    for (const address of plan.erased) expect(['dead', 'complaint']).toContain(plan.recipients.find((r) => r.address === address)?.story);
    expect(plan.followUp).toEqual(expect.arrayContaining([...plan.imported, ...plan.erased]));
  });
});
