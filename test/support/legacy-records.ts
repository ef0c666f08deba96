import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/adapters/outbound/message-bodies.js';
import { bodyKey, outboundKey } from '../../shared/adapters/outbound/tables.js';
import type { MessageContent, OutboundRecord } from '../../shared/app/retry-ports.js';

/** SHA-256 of the content alone: how earlier versions keyed a body their sent-message records named. */
export const legacyBodyHash = (content: MessageContent): string => createHash('sha256').update(canonicalJson(content)).digest('hex');

/**
 * A sent-message record as versions before the `retry-body` tag wrote one per send (`MSG#<id>` /
 * `OUTBOUND`): its content inline, or (`inline` false) in a `BODY#` item keyed by the content's hash.
 */
export async function putLegacyRecord(doc: DynamoDBDocumentClient, table: string, record: OutboundRecord, inline = true): Promise<void> {
  const { content, ...rest } = record;
  if (content !== null && !inline) {
    await doc.send(
      new PutCommand({ TableName: table, Item: { ...bodyKey(legacyBodyHash(content)), content, expiresAt: record.expiresAt } }),
    );
  }
  const stored = content === null ? {} : inline ? { content } : { bodyHash: legacyBodyHash(content) };
  await doc.send(new PutCommand({ TableName: table, Item: { ...outboundKey(record.messageId), ...rest, ...stored } }));
}
