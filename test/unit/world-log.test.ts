import { describe, expect, it } from 'vitest';
import { MailboxWorld } from '../../local/mailbox-world.js';
import { messageIdsOf, requestTags } from '../../local/ses-world.js';
import { acceptedLine, parseWorldLog, publishedLine, worldLogText } from '../../local/world-log.js';
import { FULL } from '../support/worlds.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s));
const events = (id: string) => [
  { at: at(0), event: { eventType: 'Send', id } },
  { at: at(1), event: { eventType: 'Bounce', id } },
];

describe('the mailbox world’s file (DIR/world.jsonl)', () => {
  it('gives back each address’s highest position and the events not yet published; a torn last line is skipped', () => {
    const text = [
      acceptedLine('m1', new Map([['a@x.test', 1]]), events('m1')),
      acceptedLine('m2', new Map([['a@x.test', 2]]), events('m2')),
      acceptedLine('m3', new Map([['b@x.test', 1]]), events('m3')),
      publishedLine('m1', 1),
      publishedLine('m1', 2),
      publishedLine('m2', 1),
      '{"accepted":"m4","sends":{"a@x.test":3},"ev',
    ].join('');
    const state = parseWorldLog(text);
    expect(Object.fromEntries(state.positions)).toEqual({ 'a@x.test': 2, 'b@x.test': 1 });
    expect([...state.pending.keys()]).toEqual(['m2', 'm3']);
    expect(state.pending.get('m2')?.next).toBe(1);
    expect(state.pending.get('m2')?.events[1]?.at).toEqual(at(1));
    // Compacted, it reads back the same (later marks still count from the first event).
    const again = parseWorldLog(worldLogText(state.positions, state.pending) + publishedLine('m2', 2));
    expect(Object.fromEntries(again.positions)).toEqual({ 'a@x.test': 2, 'b@x.test': 1 });
    expect([...again.pending.keys()]).toEqual(['m3']);
  });

  it('a resumed world goes on in its response list (full, full, deliver: the third send is delivered)', () => {
    const entries = [{ address: 'twice@x.test', responses: [FULL, FULL, { deliver: true as const }] }];
    const first = new MailboxWorld(entries);
    first.next('twice@x.test');
    first.next('twice@x.test');
    expect(first.position('twice@x.test')).toBe(2);
    expect(first.position('unlisted@x.test')).toBeNull();
    const restarted = new MailboxWorld(entries);
    restarted.resume(first.positions());
    expect(restarted.next('twice@x.test')).toEqual({ deliver: true });
  });

  it('reads the MessageIds and tags of v1 and v2 SES send calls', () => {
    expect(messageIdsOf('<SendEmailResult><MessageId>ses-1</MessageId></SendEmailResult>')).toEqual(['ses-1']);
    expect(messageIdsOf('{"MessageId":"ses-2"}')).toEqual(['ses-2']);
    const form = new URLSearchParams({
      Action: 'SendEmail',
      'Tags.member.1.Name': 'campaign',
      'Tags.member.1.Value': 'spring',
      'Tags.member.2.Name': 'retry-attempt',
      'Tags.member.2.Value': '2',
    }).toString();
    expect(requestTags('application/x-www-form-urlencoded; charset=utf-8', form)).toEqual({ campaign: 'spring', 'retry-attempt': '2' });
    expect(requestTags('application/json', JSON.stringify({ EmailTags: [{ Name: 'campaign', Value: 'spring' }] }))).toEqual({
      campaign: 'spring',
    });
  });
});
