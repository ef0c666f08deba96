import { isValidAddress, maskAddress, normaliseAddress, RETRY_STATE_RETENTION_SECONDS, type CampaignTags } from '../domain/index.js';
import { recordOf, type ErasureDeps } from './erasure.js';
import type { AddressRepository, LoggerPort } from './ports.js';
import { SendRefusedError, type CampaignPauses, type EmailSender, type MessageContent, type OutboundStore } from './retry-ports.js';

/**
 * Largest message content kept for retries, in UTF-8 bytes of its JSON form.
 * A DynamoDB item holds 400 KB; the rest of the item (keys, tags, times) fits
 * in what is left. A larger message is sent but not kept: its retries are
 * published as "retry due" events for the sender to act on.
 */
export const MAX_STORED_CONTENT_BYTES = 350 * 1024;

/**
 * One invocation of the send function: at most `maxMessages` messages, `concurrency` of them in flight at
 * once. A send is mostly waiting (on SES, two or three reads and a write), so ten at a time bill about a tenth
 * of the Lambda time one at a time would.
 */
export const SEND_INVOCATION = { maxMessages: 50, concurrency: 10 } as const;

export interface SendRequest {
  readonly to: string;
  readonly from: string;
  readonly content: MessageContent;
  readonly tags: CampaignTags;
}

export type SendResult =
  | { readonly to: string; readonly status: 'sent'; readonly messageId: string; readonly retriable: boolean }
  | { readonly to: string; readonly status: 'refused'; readonly reason: SendRefusal | string };

export type SendRefusal = 'invalid-address' | 'address-suppressed' | 'address-in-review' | 'campaign-paused';

export interface SendDeps {
  readonly addresses: AddressRepository;
  readonly pauses: CampaignPauses;
  readonly sender: EmailSender;
  readonly outbound: OutboundStore;
  readonly logger: LoggerPort;
  /** Tombstones of erased addresses: an erased suppressed address is refused like any other (required: no send path without it). */
  readonly erasure: ErasureDeps;
}

/**
 * What the messages of one invocation share: each campaign's pause is read once per invocation, not once
 * per message (a batch is mostly one campaign). A pause recorded while an invocation runs holds from the
 * next invocation on, within a second on the deployed function.
 */
export interface SendScope {
  readonly pausedCampaigns: Map<string, Promise<boolean>>;
}

export const newSendScope = (): SendScope => ({ pausedCampaigns: new Map() });

/** Send one message; messages of one invocation pass the same scope (without one, every message reads afresh). */
export type SendMessage = (request: SendRequest, now: Date, scope?: SendScope) => Promise<SendResult>;

const contentBytes = (content: MessageContent): number => new TextEncoder().encode(JSON.stringify(content)).length;

/**
 * The send path: refuses a suppressed or held address and a paused campaign
 * (a result, not an error), sends through SES with the configuration set and
 * the campaign tags, and keeps what a retry needs keyed by the SES MessageId.
 */
export function createSendMessage(deps: SendDeps): SendMessage {
  const isPaused = (campaign: string, scope: SendScope | undefined): Promise<boolean> => {
    if (!scope) return deps.pauses.isPaused(campaign);
    const known = scope.pausedCampaigns.get(campaign);
    if (known) return known;
    const read = deps.pauses.isPaused(campaign);
    // A failed read is not remembered: the next message of the invocation reads again.
    read.catch(() => scope.pausedCampaigns.delete(campaign));
    scope.pausedCampaigns.set(campaign, read);
    return read;
  };
  return async (request, now, scope) => {
    const to = normaliseAddress(request.to);
    if (!isValidAddress(to)) return { to: request.to, status: 'refused', reason: 'invalid-address' };
    const [state, paused] = await Promise.all([
      recordOf(to, deps.addresses, deps.erasure),
      request.tags.campaign === null ? Promise.resolve(false) : isPaused(request.tags.campaign, scope),
    ]);
    if (state?.status === 'suppressed') return { to, status: 'refused', reason: 'address-suppressed' };
    if (state?.status === 'review') return { to, status: 'refused', reason: 'address-in-review' };
    if (paused) return { to, status: 'refused', reason: 'campaign-paused' };

    let messageId: string;
    try {
      messageId = await deps.sender.send({ to, from: request.from, content: request.content, tags: request.tags });
    } catch (error) {
      if (error instanceof SendRefusedError) return { to, status: 'refused', reason: `ses-refused: ${error.code}` };
      throw error;
    }
    const retriable = contentBytes(request.content) <= MAX_STORED_CONTENT_BYTES;
    try {
      await deps.outbound.put({
        messageId,
        to,
        from: request.from,
        tags: request.tags,
        content: retriable ? request.content : null,
        attempt: 0,
        originalMessageId: messageId,
        sentAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS,
      });
    } catch (error) {
      // The message went out; without its record a retry is published as "retry due" instead.
      deps.logger.error('Sent message not stored for retries', { address: maskAddress(to), messageId, errorName: (error as Error).name });
      return { to, status: 'sent', messageId, retriable: false };
    }
    return { to, status: 'sent', messageId, retriable };
  };
}
