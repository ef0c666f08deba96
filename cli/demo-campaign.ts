import type { WorldEntry, WorldResponse } from '../local/mailbox-world.js';
import { HARD_BOUNCE_MINIMUM } from '../shared/domain/health.js';

/**
 * The demo's campaign: recipients at realistic providers with a realistic mix
 * of outcomes (a stale purchased batch among good lists), and the mailbox
 * world that plays those outcomes out behind the local SES.
 */

/** mulberry32: a small seeded generator, so a demo can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = [
  { weight: 0.35, domains: ['gmail.com'] },
  { weight: 0.2, domains: ['outlook.com', 'hotmail.com', 'live.com'] },
  { weight: 0.15, domains: ['yahoo.com', 'aol.com'] },
  { weight: 0.08, domains: ['icloud.com', 'me.com'] },
  { weight: 0.22, domains: ['contoso.example', 'fabrikam.example', 'northwind.example', 'adatum.example'] },
] as const;

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'complaint' }
  | { kind: 'bounce'; type: 'Permanent' | 'Transient'; subType: string; status: string; diagnostic: string; repeats?: number };

/** Real-world wording for each kind of failure the demo produces. */
const BOUNCES = {
  gmailUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.1.1',
    diagnostic:
      'smtp; 550-5.1.1 The email account that you tried to reach does not exist. ' +
      "Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp",
  },
  outlookUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.5.0',
    diagnostic: 'smtp; 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).',
  },
  yahooUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.0.0',
    diagnostic: "smtp; 554 delivery error: dd This user doesn't have a yahoo.com account - mta4012.mail.gq1.yahoo.com",
  },
  genericUnknown: {
    type: 'Permanent',
    subType: 'General',
    status: '5.1.1',
    diagnostic: 'smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown in virtual mailbox table',
  },
  mailboxFullPermanent: { type: 'Permanent', subType: 'General', status: '5.2.2', diagnostic: 'smtp; 552 5.2.2 Mailbox full' },
  mailboxFull: { type: 'Transient', subType: 'MailboxFull', status: '4.2.2', diagnostic: 'smtp; 452 4.2.2 Mailbox full' },
  mailboxBusy: { type: 'Transient', subType: 'General', status: '4.2.0', diagnostic: 'smtp; 450 4.2.0 Mailbox temporarily unavailable' },
  gmailReputation: {
    type: 'Permanent',
    subType: 'General',
    status: '5.7.1',
    diagnostic:
      'smtp; 550-5.7.1 [192.0.2.10] Our system has detected that this message is likely suspicious ' +
      'due to the very low reputation of the sending domain. - gsmtp',
  },
  yahooDeferral: {
    type: 'Transient',
    subType: 'General',
    status: '4.7.0',
    diagnostic: 'smtp; 421 4.7.0 [TS01] Messages from 192.0.2.10 temporarily deferred due to user complaints - 4.16.55.1',
  },
  outlookBlockList: {
    type: 'Permanent',
    subType: 'General',
    status: '5.7.1',
    diagnostic:
      "smtp; 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. " +
      'Please contact your Internet service provider since part of their network is on our block list (S3150).',
  },
  policyBlock: {
    type: 'Permanent',
    subType: 'General',
    status: '5.4.1',
    diagnostic: 'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
  },
  accountSuppressed: {
    type: 'Permanent',
    subType: 'OnAccountSuppressionList',
    status: '5.1.1',
    diagnostic: 'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
  },
} as const satisfies Record<string, Omit<Extract<Outcome, { kind: 'bounce' }>, 'kind'>>;

export interface Recipient {
  readonly email: string;
  readonly domain: string;
  readonly batch: string;
  readonly source: string;
  readonly outcome: Outcome;
}

const STALE_BATCH = 'import-2019-legacy';
const GOOD_BATCH = 'import-2026-11';

/** A campaign of `count` recipients with a realistic mix of outcomes (deterministic for a seed). */
export function generateCampaign(count: number, seed: number): Recipient[] {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const recipients: Recipient[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd();
    let provider: (typeof PROVIDERS)[number] = PROVIDERS[PROVIDERS.length - 1] as (typeof PROVIDERS)[number];
    for (const candidate of PROVIDERS) {
      if (r < candidate.weight) {
        provider = candidate;
        break;
      }
      r -= candidate.weight;
    }
    const domain = pick(provider.domains);
    const stale = rnd() < 0.1;
    const batch = stale ? STALE_BATCH : GOOD_BATCH;
    const source = stale ? 'purchased-list' : pick(['webinar', 'newsletter-signup', 'newsletter-signup', 'trade-show']);
    const unknown =
      domain === 'gmail.com'
        ? BOUNCES.gmailUnknown
        : provider.domains.includes('outlook.com' as never)
          ? BOUNCES.outlookUnknown
          : domain === 'yahoo.com' || domain === 'aol.com'
            ? BOUNCES.yahooUnknown
            : BOUNCES.genericUnknown;
    const roll = rnd();
    let outcome: Outcome = { kind: 'delivered' };
    if (stale) {
      if (roll < 0.12) outcome = { kind: 'bounce', ...unknown };
      else if (roll < 0.15) outcome = { kind: 'bounce', ...BOUNCES.mailboxFullPermanent };
      else if (roll < 0.23) outcome = { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: roll < 0.17 ? 4 : 1 };
    } else if (roll < 0.006) outcome = { kind: 'bounce', ...unknown };
    else if (roll < 0.011) outcome = { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: roll < 0.007 ? 4 : 1 };
    else if (roll < 0.014) outcome = { kind: 'bounce', ...BOUNCES.mailboxBusy };
    else if (roll < 0.02) {
      if (domain === 'gmail.com') outcome = { kind: 'bounce', ...BOUNCES.gmailReputation };
      else if (domain === 'yahoo.com' || domain === 'aol.com') outcome = { kind: 'bounce', ...BOUNCES.yahooDeferral };
      else if (provider.domains.includes('outlook.com' as never)) outcome = { kind: 'bounce', ...BOUNCES.outlookBlockList };
    } else if (roll < 0.022 && domain.endsWith('.example')) outcome = { kind: 'bounce', ...BOUNCES.policyBlock };
    else if (roll < 0.025) outcome = { kind: 'bounce', ...BOUNCES.accountSuppressed };
    else if (roll < 0.0258) outcome = { kind: 'complaint' };
    recipients.push({
      // The seed is part of the address: another run (another seed) mails new addresses, as a new campaign would.
      email: `${pick(['alex', 'sam', 'kim', 'lee', 'jo', 'max', 'ana', 'li', 'noor', 'eli'])}.${seed.toString(36)}.${i}@${domain}`,
      domain,
      batch,
      source,
      outcome,
    });
  }
  return recipients;
}

/** Who plays each part of the demo's story at least once, whatever the sample: [which batch, which domains, outcome]. */
const CAST: ReadonlyArray<readonly [stale: boolean, domains: (domain: string) => boolean, outcome: Outcome]> = [
  // As many dead mailboxes as a hard-bounce verdict needs (HARD_BOUNCE_MINIMUM), so 100 recipients show one.
  ...Array.from({ length: HARD_BOUNCE_MINIMUM }, () => [true, () => true, { kind: 'bounce', ...BOUNCES.genericUnknown }] as const),
  ...Array.from({ length: 3 }, () => [true, () => true, { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: 4 }] as const),
  ...Array.from({ length: 2 }, () => [true, () => true, { kind: 'bounce', ...BOUNCES.mailboxFull, repeats: 1 }] as const),
  [false, () => true, { kind: 'bounce', ...BOUNCES.mailboxBusy, repeats: 4 }],
  [false, () => true, { kind: 'bounce', ...BOUNCES.mailboxBusy, repeats: 1 }],
  [false, (d) => d === 'gmail.com', { kind: 'bounce', ...BOUNCES.gmailReputation }],
  [false, (d) => d === 'yahoo.com' || d === 'aol.com', { kind: 'bounce', ...BOUNCES.yahooDeferral }],
  [false, (d) => ['outlook.com', 'hotmail.com', 'live.com'].includes(d), { kind: 'bounce', ...BOUNCES.outlookBlockList }],
  [false, (d) => d.endsWith('.example'), { kind: 'bounce', ...BOUNCES.policyBlock }],
  [false, () => true, { kind: 'complaint' }],
];

/**
 * The demo's campaign: `generateCampaign`'s realistic mix, plus a small cast
 * (recipients the mix delivered, given a part) so that a campaign of a few
 * hundred still shows every behaviour: dead and full (once, and for good)
 * mailboxes in the stale batch, busy ones (once, and for good) in a good one,
 * blocks from three providers, a complaint.
 */
export function demoCampaign(count: number, seed: number): Recipient[] {
  const recipients = generateCampaign(count, seed);
  const taken = new Set<number>();
  for (const [stale, domains, outcome] of CAST) {
    const index = recipients.findIndex((r, i) => !taken.has(i) && r.outcome.kind === 'delivered' && domains(r.domain));
    if (index < 0) continue;
    taken.add(index);
    const recipient = recipients[index] as Recipient;
    recipients[index] = {
      ...recipient,
      outcome,
      // The stale batch's parts come from the purchased list, the others from a good one.
      ...(stale
        ? { batch: STALE_BATCH, source: 'purchased-list' }
        : recipient.batch === STALE_BATCH
          ? { batch: GOOD_BATCH, source: 'webinar' }
          : {}),
    };
  }
  return recipients;
}

/**
 * The mailbox behind each recipient of the demo campaign: delivered, dead,
 * complaining, blocked, or temporarily failing — once then delivered on the
 * retry, or (`repeats`) on every send of the 72-hour window.
 */
export function worldOf(recipients: readonly Recipient[]): WorldEntry[] {
  return recipients.flatMap((recipient): WorldEntry[] => {
    const { outcome } = recipient;
    if (outcome.kind === 'delivered') return [];
    if (outcome.kind === 'complaint') return [{ address: recipient.email, responses: [{ complaint: true }] }];
    const bounce: WorldResponse = {
      bounce: { bounceType: outcome.type, bounceSubType: outcome.subType, status: outcome.status, diagnosticCode: outcome.diagnostic },
    };
    if (outcome.type === 'Permanent') return [{ address: recipient.email, responses: [bounce] }];
    return [{ address: recipient.email, responses: (outcome.repeats ?? 1) > 1 ? [bounce] : [bounce, { deliver: true }] }];
  });
}
