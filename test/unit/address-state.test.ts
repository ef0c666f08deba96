import { describe, expect, it } from 'vitest';
import { applySignal, NO_EVIDENCE, type AddressSignal, type AddressState, type SignalKind } from '../../shared/domain/index.js';

const email = 'kim@example.com';
const signal = (kind: SignalKind, eventId: string, occurredAt: string, extra: Partial<AddressSignal> = {}): AddressSignal => ({
  kind,
  eventId,
  occurredAt,
  evidence: { ...NO_EVIDENCE, category: kind === 'complaint' ? 'complaint' : 'invalid-address', rule: `rule-${eventId}` },
  ...extra,
});

function run(...signals: AddressSignal[]): AddressState | null {
  let state: AddressState | null = null;
  for (const s of signals) {
    const transition = applySignal(email, state, s);
    if (transition) state = transition.next;
  }
  return state;
}

describe('applySignal', () => {
  it.each<[string, SignalKind[], string | null, string | null]>([
    ['hard bounce suppresses', ['hard-bounce'], 'suppressed', 'hard-bounce'],
    ['complaint suppresses', ['complaint'], 'suppressed', 'complaint'],
    ['SES suppression list is recorded', ['ses-suppressed'], 'suppressed', 'ses-suppression-list'],
    ['policy block goes to review', ['policy-block'], 'review', 'policy-block-review'],
    ['soft threshold goes to review', ['soft-threshold'], 'review', 'soft-bounce-threshold'],
    ['a complaint upgrades a review', ['policy-block', 'complaint'], 'suppressed', 'complaint'],
    ['a complaint upgrades a hard-bounce reason', ['hard-bounce', 'complaint'], 'suppressed', 'complaint'],
    ['a hard bounce does not replace a complaint reason', ['complaint', 'hard-bounce'], 'suppressed', 'complaint'],
    ['a soft threshold never lifts a suppression', ['hard-bounce', 'soft-threshold'], 'suppressed', 'hard-bounce'],
    ['a policy block never lifts a suppression', ['hard-bounce', 'policy-block'], 'suppressed', 'hard-bounce'],
    ['a delivery never lifts a suppression', ['hard-bounce', 'delivery'], 'suppressed', 'hard-bounce'],
    ['a delivery clears a review', ['policy-block', 'delivery'], 'released', 'policy-block-review'],
    ['a delivery alone creates nothing', ['delivery'], null, null],
    ['a review keeps its first reason', ['soft-threshold', 'policy-block'], 'review', 'soft-bounce-threshold'],
    ['a hard bounce after a delivery-release suppresses', ['policy-block', 'delivery', 'hard-bounce'], 'suppressed', 'hard-bounce'],
  ])('%s', (_name, kinds, status, reason) => {
    const state = run(...kinds.map((kind, i) => signal(kind, `e${i}`, `2026-11-20T1${i}:00:00.000Z`)));
    expect(state?.status ?? null).toBe(status);
    expect(state?.reason ?? null).toBe(reason);
  });

  it('ignores an event it already applied (redelivery)', () => {
    const first = applySignal(email, null, signal('hard-bounce', 'e1', '2026-11-20T10:00:00.000Z'));
    expect(first).not.toBeNull();
    expect(applySignal(email, first?.next ?? null, signal('hard-bounce', 'e1', '2026-11-20T10:00:00.000Z'))).toBeNull();
  });

  it('counts events, keeps first and last seen, bounds the remembered ids and bumps the version', () => {
    let state: AddressState | null = null;
    for (let i = 0; i < 40; i++) {
      state =
        applySignal(email, state, signal('hard-bounce', `e${i}`, `2026-11-${String(10 + (i % 15)).padStart(2, '0')}T00:00:00.000Z`))
          ?.next ?? state;
    }
    expect(state).toMatchObject({
      count: 40,
      version: 40,
      firstSeenAt: '2026-11-10T00:00:00.000Z',
      lastSeenAt: '2026-11-24T00:00:00.000Z',
    });
    expect(state?.appliedEventIds).toHaveLength(25);
    expect(state?.appliedEventIds[0]).toBe('e39');
  });

  it('keeps the evidence of the event that set the reason', () => {
    const state = run(
      signal('hard-bounce', 'first', '2026-11-20T10:00:00.000Z'),
      signal('hard-bounce', 'second', '2026-11-20T11:00:00.000Z'),
    );
    expect(state?.rule).toBe('rule-first');
    const upgraded = run(signal('hard-bounce', 'first', '2026-11-20T10:00:00.000Z'), signal('complaint', 'c', '2026-11-20T11:00:00.000Z'));
    expect(upgraded?.rule).toBe('rule-c');
  });

  it('a later block moves the review, so an older delivery arriving last does not clear it', () => {
    const state = run(
      signal('policy-block', 'b1', '2026-11-20T10:00:00.000Z'),
      signal('policy-block', 'b2', '2026-11-20T12:00:00.000Z'),
      signal('delivery', 'd', '2026-11-20T11:00:00.000Z'),
    );
    expect(state).toMatchObject({ status: 'review', lastSeenAt: '2026-11-20T12:00:00.000Z' });
  });

  it('a late hard bounce older than a delivery-release still suppresses (a person did not decide)', () => {
    const state = run(
      signal('policy-block', 'b', '2026-11-20T04:00:00.000Z'),
      signal('delivery', 'd', '2026-11-20T06:00:00.000Z'),
      signal('hard-bounce', 'h', '2026-11-20T05:00:00.000Z'),
    );
    expect(state?.status).toBe('suppressed');
  });

  it('SES saying it did not send is recorded on a suppressed address, and never replaces a hard bounce', () => {
    const suppressed = run(signal('hard-bounce', 'h', '2026-11-20T04:00:00.000Z'));
    const transition = applySignal(email, suppressed, signal('ses-suppressed', 's', '2026-11-21T04:00:00.000Z'));
    expect(transition?.next).toMatchObject({ status: 'suppressed', reason: 'hard-bounce', rule: 'rule-h', count: 2 });
    expect(transition?.history).toMatchObject({ eventId: 's', signal: 'ses-suppressed', reason: 'hard-bounce' });
    // Arriving the other way round, the hard bounce takes the reason and its evidence.
    const reversed = run(signal('ses-suppressed', 's', '2026-11-21T04:00:00.000Z'), signal('hard-bounce', 'h', '2026-11-20T04:00:00.000Z'));
    expect(reversed).toMatchObject({ reason: 'hard-bounce', rule: 'rule-h', count: 2, evidenceAt: '2026-11-20T04:00:00.000Z' });
  });

  it('of two hard bounces, the earlier one keeps the evidence whichever arrives first', () => {
    const early = signal('hard-bounce', 'early', '2026-11-20T04:00:00.000Z');
    const late = signal('hard-bounce', 'late', '2026-11-20T09:00:00.000Z');
    expect(run(early, late)).toMatchObject({ rule: 'rule-early', evidenceAt: early.occurredAt, count: 2 });
    expect(run(late, early)).toMatchObject({ rule: 'rule-early', evidenceAt: early.occurredAt, count: 2 });
  });

  it('a record from before evidence times keeps its evidence against a same-reason event', () => {
    const old = run(signal('hard-bounce', 'old', '2026-11-20T09:00:00.000Z'));
    const legacy = { ...old, evidenceAt: undefined } as AddressState;
    expect(applySignal(email, legacy, signal('hard-bounce', 'earlier', '2026-11-20T04:00:00.000Z'))?.next.rule).toBe('rule-old');
  });

  it('events that suppress give the same record, count and history in every arrival order', () => {
    // Every order of every pair and triple of complaints, hard bounces and SES account-list bounces.
    const kinds: SignalKind[] = ['complaint', 'hard-bounce', 'ses-suppressed'];
    const permutations = <T>(items: readonly T[]): T[][] =>
      items.length <= 1
        ? [[...items]]
        : items.flatMap((item, i) => permutations(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]));
    const comparable = (signals: AddressSignal[]) => {
      let state: AddressState | null = null;
      const history: unknown[] = [];
      for (const s of signals) {
        const transition = applySignal(email, state, s);
        if (!transition) continue;
        state = transition.next;
        const { fromStatus: _from, reason: _reason, ...entry } = transition.history;
        history.push(entry);
      }
      const { version: _v, lastChange: _l, appliedEventIds, ...record } = state as AddressState;
      return {
        record: { ...record, appliedEventIds: [...appliedEventIds].sort() },
        history: history.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      };
    };
    let sets = 0;
    for (const a of kinds)
      for (const b of kinds)
        for (const c of [...kinds, null]) {
          const events = [a, b, c]
            .filter((kind): kind is SignalKind => kind !== null)
            .map((kind, i) => signal(kind, `${kind}-${i}`, `2026-11-20T0${(i * 5) % 9}:00:00.000Z`));
          const [first, ...others] = permutations(events).map(comparable);
          for (const other of others) expect(other).toEqual(first);
          sets++;
        }
    expect(sets).toBe(36);
  });

  describe('after a release', () => {
    const released = (): AddressState | null => {
      const suppressed = run(signal('hard-bounce', 'old', '2026-11-20T10:00:00.000Z'));
      return (
        applySignal(
          email,
          suppressed,
          signal('release', 'rel', '2026-11-21T10:00:00.000Z', { actor: 'arn:aws:iam::1:user/ops', note: 'customer confirmed' }),
        )?.next ?? null
      );
    };

    it('records who released it and why', () => {
      expect(released()).toMatchObject({
        status: 'released',
        releasedBy: 'arn:aws:iam::1:user/ops',
        releaseReason: 'customer confirmed',
        releasedAt: '2026-11-21T10:00:00.000Z',
      });
    });

    it('is not suppressed again by a replay of the bounce it was released from', () => {
      expect(applySignal(email, released(), signal('hard-bounce', 'old', '2026-11-20T10:00:00.000Z'))).toBeNull();
    });

    it('is suppressed again by a complaint or hard bounce that was not applied when it was released, whatever its date', () => {
      // A backlog or a DLQ redrive delivers it late: the person who released the address never saw it.
      const complaint = applySignal(email, released(), signal('complaint', 'late-c', '2026-11-21T09:30:00.000Z'));
      expect(complaint?.next).toMatchObject({ status: 'suppressed', reason: 'complaint', releasedAt: null });
      expect(complaint?.history).toMatchObject({ eventId: 'late-c', fromStatus: 'released', toStatus: 'suppressed' });
      const bounce = applySignal(email, released(), signal('hard-bounce', 'late', '2026-11-20T12:00:00.000Z'));
      expect(bounce?.next).toMatchObject({ status: 'suppressed', reason: 'hard-bounce' });
    });

    it('is not put back in review by a policy block or SES suppression older than the release', () => {
      expect(applySignal(email, released(), signal('policy-block', 'pb', '2026-11-21T09:00:00.000Z'))).toBeNull();
      expect(applySignal(email, released(), signal('ses-suppressed', 'ses', '2026-11-21T09:00:00.000Z'))).toBeNull();
      expect(applySignal(email, released(), signal('policy-block', 'pb2', '2026-11-21T11:00:00.000Z'))?.next.status).toBe('review');
    });

    it('is suppressed again by a new hard bounce or complaint after the release', () => {
      const next = applySignal(email, released(), signal('hard-bounce', 'new', '2026-11-22T10:00:00.000Z'))?.next;
      expect(next).toMatchObject({ status: 'suppressed', reason: 'hard-bounce', releasedAt: null });
    });

    it('writes a history entry describing each change', () => {
      const transition = applySignal(email, released(), signal('complaint', 'new-c', '2026-11-22T10:00:00.000Z'));
      expect(transition?.history).toMatchObject({
        eventId: 'new-c',
        fromStatus: 'released',
        toStatus: 'suppressed',
        reason: 'complaint',
        signal: 'complaint',
      });
    });
  });
});
