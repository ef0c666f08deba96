import type { WorldEntry } from '../../local/mailbox-world.js';

export const FULL = { bounce: { bounceType: 'Transient', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full' } } as const;
export const DEAD = { bounce: { bounceType: 'Permanent', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 User unknown' } } as const;
export const BUSY = {
  bounce: { bounceType: 'Transient', status: '4.3.2', diagnosticCode: 'smtp; 421 4.3.2 Service not available, try again later' },
} as const;

/** One mailbox of each behaviour the retry story has to get right. */
export const STORY_WORLD: readonly WorldEntry[] = [
  { address: 'dead@example.org', responses: [DEAD] },
  { address: 'twice@example.org', responses: [FULL, FULL, { deliver: true }] },
  { address: 'full@example.org', responses: [FULL] },
  { address: 'busy@example.org', responses: [BUSY] },
  { address: 'angry@example.org', responses: [{ complaint: true }] },
];
