import { describe, expect, it } from 'vitest';
import { classifyRecipient, type Decision } from '../../shared/domain/index.js';
import {
  diagnosticsCorpus,
  HELD_OUT_LABELLED_SETS,
  heldOutLabelledSet,
  isHeld,
  SENDER_SIDE_CATEGORIES,
  sisimaiDevSet,
  UNSEEN_SETS,
  unseenSet,
  type CorpusCase,
  type HeldOutLabelledCase,
  type LabelledCase,
} from '../support/corpus.js';

/**
 * What a labelled row must produce. Our policy disagrees with one label on
 * purpose: a 554 with nothing sharper ("Transaction failed", Yahoo's "dd
 * Requested mail action aborted") is held for review and the sender flagged,
 * not suppressed outright, because a bare 554 is as often about the sender.
 */
function expectedOf(c: CorpusCase): { category: string; suppress: boolean } {
  if (c.category === 'transaction-failed') return { category: c.category, suppress: false };
  return { category: c.category, suppress: c.suppress };
}

/** Whether a row labelled by class is decided against its label: a dead address left mailed, or another suppressed or unrecognised. */
function missesLabel(c: LabelledCase | HeldOutLabelledCase, decision: Decision): boolean {
  if (c.class === 'dead') return !isHeld(decision);
  return decision.suppress || (c.class === 'sender' && !SENDER_SIDE_CATEGORIES.has(decision.category));
}

/** One test per row labelled by class (the known misses aside), and one that the known misses are exactly the rows missed. */
function checkLabelledRows<T extends LabelledCase | HeldOutLabelledCase>(
  rows: readonly T[],
  knownMisses: Readonly<Record<string, string>>,
  name: (c: T) => string,
): void {
  it.each(rows.filter((c) => !(c.id in knownMisses)).map((c) => [name(c), c] as const))('%s', (_name, c) => {
    const decision = classifyRecipient(c);
    if (c.class === 'dead') expect({ held: isHeld(decision), rule: decision.rule }).toMatchObject({ held: true });
    else expect({ suppress: decision.suppress, rule: decision.rule }).toMatchObject({ suppress: false });
    if (c.class === 'sender') expect(SENDER_SIDE_CATEGORIES).toContain(decision.category);
  });

  it('still misses exactly the rows listed as known misses (a fixed one must leave the list)', () => {
    const missed = rows.filter((c) => missesLabel(c, classifyRecipient(c))).map((c) => c.id);
    expect(missed.sort()).toEqual(Object.keys(knownMisses).sort());
  });
}

const corpus = diagnosticsCorpus();

describe('diagnostics corpus', () => {
  it('is the full corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(72);
  });

  it.each(corpus.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const decision = classifyRecipient(c);
    expect({ category: decision.category, suppress: decision.suppress }).toEqual(expectedOf(c));
  });

  it('holds every 554-with-nothing-sharper address for review instead of suppressing it', () => {
    const held = corpus.filter((c) => c.category === 'transaction-failed').map((c) => classifyRecipient(c));
    expect(held.length).toBeGreaterThan(0);
    for (const decision of held)
      expect({ action: decision.action, suppress: decision.suppress }).toEqual({ action: 'review', suppress: false });
  });
});

// Real bounces gathered separately from the corpus (sources in each line), by helpers who did not
// see the rules. First runs, before any rule change: set 1, 90/99 right (3 wrong suppress
// decisions); set 2, 101/118 right (10 wrong suppress decisions). The misses were fixed by widening
// wording families and precedence (see git history), so both now guard against regressions.
for (const name of UNSEEN_SETS) {
  // Committed with the project: read unconditionally, so a missing file fails rather than skips.
  describe(`held-out diagnostics (${name})`, () => {
    const unseen = unseenSet(name);
    it('is not empty', () => expect(unseen.length).toBeGreaterThan(90));
    it.each(unseen.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const decision = classifyRecipient(c);
      expect({ category: decision.category, suppress: decision.suppress }).toEqual(expectedOf(c));
    });
  });
}

/**
 * Rows of the Sisimai dev file we knowingly get wrong, with why. None of them
 * is a dead address suppressed by mistake on a live one's behalf except sd83,
 * whose text reads exactly like a dead recipient.
 */
const SISIMAI_KNOWN_MISSES: Readonly<Record<string, string>> = {
  // "The account or domain may not exist, they may be blacklisted, or missing the proper dns entries": a guess
  // between three causes; the blocklist reading keeps the address (never suppress on a "may").
  sd64: 'dead address read as a possible block',
  // "550 Rejected" and nothing else: no subject, no reason; left unknown (one retry, then review). ("542 <address>
  // Rejected", sd233, is held for review by the learned second opinion, which was trained on this file.)
  sd81: 'bare "Rejected": nothing says whose problem it is',
  // "553 5.1.0 <name> <domain> does not exist E2110": the sender's address, but said in exactly the words of a
  // dead recipient under a recipient code; only the provider's private code E2110 tells them apart.
  sd83: "sender address said in a dead recipient's words (suppressed)",
  // "Connection refused … could not be delivered for 8 hours": a timeout, retried; Sisimai calls it a block.
  sd138: 'connection refused read as a timeout (retried, not suppressed)',
};

describe('Sisimai dev file (31 MTA and provider families, labelled dead / temp / sender)', () => {
  const rows = sisimaiDevSet();
  it('is the full file', () => expect(rows.length).toBe(239));

  // Microsoft 5.4.1 "access denied" labelled dead goes to review on purpose (held, not suppressed): `isHeld` accepts it.
  checkLabelledRows(rows, SISIMAI_KNOWN_MISSES, (c) => `${c.id} ${c.class} ${c.sample}`);
});

/**
 * Rows of the third held-out set (labelled blind by class, from each source's own meaning) that our policy
 * classifies differently on purpose, with why. None is a dead address left mailed.
 *
 * First runs, before any rule was changed for the rows concerned. First batch (114 rows, classifier of a069eb1):
 * dead held 27/31, false suppression 12/83, sender-side recognised 27/46 (rules of the round's start, fcdd69e:
 * 26/31, 13/83, 25/46). Second batch (82 new rows; 8 first-batch rows were dropped as duplicates), classifier of
 * 15871e5: 18/25, 5/57, 28/39 (fcdd69e: 17/25, 5/57, 24/39). Whole 188-row file: fcdd69e 43/55, 17/133, 44/80;
 * 15871e5 48/55, 10/133, 63/80.
 */
const HELD_OUT_3_KNOWN_MISSES: Readonly<Record<string, string>> = {
  // A full mailbox returned with a permanent code is suppressed now (category mailbox-full-permanent: the project's
  // rule for "552 / 5.2.2 returned as permanent", as in the corpus); the labels call these temporary. Only wording that
  // says the full mailbox is temporary ("try again later", "temporarily over quota") is retried whatever the code.
  'ionos-quota-exceeded-550': 'policy: 550 "Quota Exceeded" is a full mailbox said permanently (suppressed)',
  'bmh-hermes-551-destination-mailbox-full': 'policy: full mailbox under 551 (suppressed)',
  'bmh-qmail-mailfolder-over-quota': 'policy: full mailbox under #5.2.2 (suppressed)',
  'docomo-552-too-much-mail-data': 'policy: full mailbox under 552 (suppressed)',
  'forpsi-chkuser-final-mailbox-full': 'policy: full mailbox under 552 5.2.2 (suppressed)',
  'icloud-552-user-over-quota': 'policy: full mailbox under 552 5.2.2 (suppressed)',
  'tonline-552-quota-exceeded-mailbox-full': 'policy: full mailbox under 552 5.2.2 (suppressed)',
  'depot-500-over-quota': 'policy: full mailbox under 552 5.2.2 inside a 500 (suppressed)',
  // Mail loops and hop counts are a transport fault, whoever configured it: retried (service-unavailable), never
  // suppressed; no sender-side category fits them (the labels call them sender-side).
  'coremail-552-looping-message': 'loop: retried as a transport fault, not a sender-side category',
  'bmh-mx-list-points-back': 'loop: retried as a transport fault, not a sender-side category',
  'godaddy-qmail-looping-delivered-to': 'loop: retried as a transport fault, not a sender-side category',
  'notes-max-hop-count': 'loop: retried as a transport fault, not a sender-side category',
  'opensmtpd-loop-detected': 'loop: retried as a transport fault, not a sender-side category',
  'exchange-554-mx-loopback': 'loop: retried as a transport fault, not a sender-side category',
  'modoboa-511-loops-back-to-myself': 'loop: retried as a transport fault, not a sender-side category',
  // A limit said with a 4xx is throttling, retried like Microsoft's 452 4.5.3 "Too many recipients" in the corpus
  // (service-unavailable); the labels call them sender-side. Nothing is suppressed.
  'coremail-451-out-of-allow-rcpt': '4xx limit: retried as throttling (service-unavailable)',
  'brightmail-thread-452-too-many-rcpts-this-hour': '4xx limit: retried as throttling (service-unavailable)',
  'messagelabs-460-too-many-messages': '4xx limit: retried as throttling (service-unavailable)',
  'korean-421-431-too-many-messages': '4xx limit: retried as throttling (service-unavailable)',
  // (OpenSMTPD's bare "Invalid domain name" is held for review by the learned second opinion, trained on this file.)
};

/**
 * Rows of the fourth held-out set (116 real bounces, 44 families, 12 languages, labelled blind like the third) that
 * our policy classifies differently on purpose, with why. First run, before any rule was changed for it (classifier of
 * 79cb9ea): dead held 26/35, false suppression 5/81, sender-side recognised 34/45 (rules of the round's start,
 * fcdd69e: 25/35, 5/81, 33/45).
 */
const HELD_OUT_4_KNOWN_MISSES: Readonly<Record<string, string>> = {
  // A full mailbox returned with a permanent code is suppressed (mailbox-full-permanent), as in the third set.
  'megaegg-recipient-mailbox-full-522': 'policy: full mailbox under #5.2.2 (suppressed)',
  'ubiquity-551-mailbox-full': 'policy: full mailbox under 551 (suppressed)',
  'ubiquity-554-account-over-quota': 'policy: full mailbox under 554 (suppressed)',
  'cn-552-person-account-exceeding-quota': 'policy: full mailbox under 552 (suppressed)',
  // A loop is retried as a transport fault (service-unavailable), as in the third set.
  'antispameurope-554-556-loop-detection': 'loop: retried as a transport fault, not a sender-side category',
  // ("ROUTING SERVER FAILURE", "DNS query error" and Poste.io's "550 Quota Error" for a disabled address are held for
  // review by the learned second opinion, which was trained on this file: not evidence that it generalises.)
  // "550 5.1.0 Adress Rejected": Sisimai's catalogue files "5.1.0 Address rejected" under a dead recipient; the
  // source says the sender was blocked. A dead-recipient reading under 5.1.0 is kept (suppressed).
  'cyon-550-510-adress-rejected-sender-blocked': "sender block said in a dead recipient's words under 5.1.0 (suppressed)",
};

const HELD_OUT_KNOWN_MISSES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'unseen-diagnostics-3.jsonl': HELD_OUT_3_KNOWN_MISSES,
  'unseen-diagnostics-4.jsonl': HELD_OUT_4_KNOWN_MISSES,
};

for (const name of HELD_OUT_LABELLED_SETS) {
  describe(`held-out set labelled by class (${name})`, () => {
    const rows: HeldOutLabelledCase[] = heldOutLabelledSet(name);
    const knownMisses = HELD_OUT_KNOWN_MISSES[name] ?? {};
    it('is the full file', () => expect(rows.length).toBeGreaterThanOrEqual(114));

    checkLabelledRows(rows, knownMisses, (c) => `${c.id} ${c.class}`);
  });
}
