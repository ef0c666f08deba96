import { readFile } from 'node:fs/promises';
import type { WorldEvent } from './mailbox-world.js';

/**
 * `DIR/world.jsonl`: what the local SES's mailbox world has promised, so a
 * restart (or a kill -9) keeps it. One JSON object a line:
 *
 * - `{"accepted": id, "sends": {address: n}, "events": [{at, event}]}`: a message SES accepted, the
 *   events the world decided for it, and its recipients' positions in their response lists after it;
 *   on disk before the sender hears SES's answer;
 * - `{"published": id, "upTo": k}`: the message's first k events are published (through the
 *   runtime's crash journal);
 * - `{"sends": {address: n}}`: positions (the first line after a compaction).
 *
 * A start reads it, takes the highest position of each address, publishes the
 * events not yet published, then rewrites the file to just that.
 */
export const WORLD_FILE = 'world.jsonl';

/** A message's events and how many of them are published. */
export interface PendingMessage {
  readonly events: readonly WorldEvent[];
  next: number;
}

export interface WorldLogState {
  readonly positions: Map<string, number>;
  readonly pending: Map<string, PendingMessage>;
}

interface SavedEvent {
  readonly at: string;
  readonly event: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function mergePositions(into: Map<string, number>, sends: unknown): void {
  if (!isRecord(sends)) return;
  for (const [address, n] of Object.entries(sends)) {
    if (typeof n === 'number' && Number.isInteger(n) && n > (into.get(address) ?? -1)) into.set(address, n);
  }
}

function eventsOf(saved: unknown): WorldEvent[] | null {
  if (!Array.isArray(saved)) return null;
  const events: WorldEvent[] = [];
  for (const item of saved) {
    if (!isRecord(item) || typeof item.at !== 'string' || !isRecord(item.event)) return null;
    const at = new Date(item.at);
    if (Number.isNaN(at.getTime())) return null;
    events.push({ at, event: item.event });
  }
  return events;
}

/** The state a world file holds (empty when there is none). A line torn by a crash was never acknowledged: skipped. */
export function parseWorldLog(text: string): WorldLogState {
  const positions = new Map<string, number>();
  const pending = new Map<string, PendingMessage>();
  const published = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(entry)) continue;
    mergePositions(positions, entry.sends);
    if (typeof entry.accepted === 'string') {
      const events = eventsOf(entry.events);
      if (events && !pending.has(entry.accepted)) pending.set(entry.accepted, { events, next: 0 });
    } else if (typeof entry.published === 'string' && typeof entry.upTo === 'number') {
      published.set(entry.published, Math.max(entry.upTo, published.get(entry.published) ?? 0));
    }
  }
  for (const [id, upTo] of published) {
    const message = pending.get(id);
    if (!message) continue;
    message.next = Math.min(upTo, message.events.length);
    if (message.next >= message.events.length) pending.delete(id);
  }
  return { positions, pending };
}

export async function readWorldLog(path: string): Promise<WorldLogState> {
  return parseWorldLog(await readFile(path, 'utf8').catch(() => ''));
}

const saved = (events: readonly WorldEvent[]): SavedEvent[] => events.map(({ at, event }) => ({ at: at.toISOString(), event }));

/** The line of a message SES accepted. */
export const acceptedLine = (id: string, sends: ReadonlyMap<string, number>, events: readonly WorldEvent[]): string =>
  `${JSON.stringify({ accepted: id, sends: Object.fromEntries(sends), events: saved(events) })}\n`;

export const publishedLine = (id: string, upTo: number): string => `${JSON.stringify({ published: id, upTo })}\n`;

/** A whole file for `state`: positions, then each message with its events still to publish. */
export function worldLogText(positions: ReadonlyMap<string, number>, pending: ReadonlyMap<string, PendingMessage>): string {
  const lines = [`${JSON.stringify({ sends: Object.fromEntries(positions) })}\n`];
  for (const [id, message] of pending) {
    // Whole, with its published mark: later marks count from the same first event.
    lines.push(acceptedLine(id, new Map(), message.events));
    if (message.next > 0) lines.push(publishedLine(id, message.next));
  }
  return lines.join('');
}
