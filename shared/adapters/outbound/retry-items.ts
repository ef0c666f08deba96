import type { MessageContent, OutboundRecord, StoredMessage } from '../../app/retry-ports.js';
import { BOUNCE_CATEGORIES, RETRY_STATUSES, type RetryState } from '../../domain/index.js';
import { CorruptItemError, fieldsOf } from './address-items.js';

type Item = Record<string, unknown>;

/** A retry state item, checked field by field (never cast). */
export function retryStateFromItem(item: Item): RetryState {
  const f = fieldsOf('retry state', item);
  return {
    email: f.string('email'),
    originalMessageId: f.string('originalMessageId'),
    category: f.oneOf('category', BOUNCE_CATEGORIES),
    campaign: f.optionalString('campaign'),
    // Absent from states written before sends named their stored message in a tag: null.
    batch: f.optionalString('batch'),
    source: f.optionalString('source'),
    bodyHash: f.optionalString('bodyHash'),
    attempt: f.number('attempt'),
    status: f.oneOf('status', RETRY_STATUSES),
    dueAt: f.string('dueAt'),
    firstFailureAt: f.string('firstFailureAt'),
    sendingSince: f.optionalString('sendingSince'),
    lastMessageId: f.optionalString('lastMessageId'),
    reason: f.optionalString('reason'),
    version: f.number('version'),
  };
}

function contentFrom(value: unknown): MessageContent | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') throw new CorruptItemError('outbound message', 'content is not a map or absent');
  const f = fieldsOf('outbound message content', value as Item);
  const kind = f.oneOf('kind', ['simple', 'raw', 'template'] as const);
  if (kind === 'raw') return { kind, mime: f.string('mime') };
  if (kind === 'template') return { kind, template: f.string('template'), templateData: f.string('templateData') };
  const text = f.optionalString('text');
  const html = f.optionalString('html');
  return { kind, subject: f.string('subject'), ...(text === null ? {} : { text }), ...(html === null ? {} : { html }) };
}

/** The key of the stored body an outbound message item names, if it names one (see tables.ts). */
export const bodyHashOf = (item: Item): string | null => fieldsOf('outbound message', item).optionalString('bodyHash');

/** A stored body item's content, checked field by field. */
export function bodyFromItem(item: Item): MessageContent {
  const content = contentFrom(item.content);
  if (content === null) throw new CorruptItemError('message body', 'content is absent');
  return content;
}

/** A stored message item (sender and content), checked field by field. */
export function storedMessageFromItem(item: Item): StoredMessage {
  return { from: fieldsOf('stored message', item).string('from'), content: bodyFromItem(item) };
}

/**
 * An outbound message item (what a retry needs to send it again), checked field by field; its content
 * is the one kept inline, null when the item names a stored body instead (see `bodyHashOf`).
 */
export function outboundFromItem(item: Item): OutboundRecord {
  const f = fieldsOf('outbound message', item);
  const tags = item.tags;
  if (tags !== undefined && tags !== null && typeof tags !== 'object') throw f.fail('tags', 'a map or absent');
  const t = fieldsOf('outbound message tags', (tags ?? {}) as Item);
  return {
    messageId: f.string('messageId'),
    to: f.string('to'),
    from: f.string('from'),
    tags: { campaign: t.optionalString('campaign'), batch: t.optionalString('batch'), source: t.optionalString('source') },
    content: contentFrom(item.content),
    attempt: f.number('attempt'),
    originalMessageId: f.string('originalMessageId'),
    sentAt: f.string('sentAt'),
    expiresAt: f.number('expiresAt'),
  };
}
