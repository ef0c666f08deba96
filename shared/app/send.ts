import { isValidAddress, normaliseAddress, RETRY_BODY_TAG, RETRY_STATE_RETENTION_SECONDS, type CampaignTags } from '../domain/index.js';
import { recordOf, type ErasureDeps } from './erasure.js';
import type { AddressRepository, LoggerPort } from './ports.js';
import { SendRefusedError, type CampaignPauses, type EmailSender, type MessageContent, type MessageStore } from './retry-ports.js';

/**
 * Largest message content kept for retries, in UTF-8 bytes of its JSON form.
 * A DynamoDB item holds 400 KB; the rest of the item (key, sender, expiry) fits
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
  /** Where a message is kept for its retries (once per distinct message), before the send that names it. */
  readonly messages: MessageStore;
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
 * (a result, not an error), keeps the message for its retries (once per
 * distinct sender and content, before the send), and sends through SES with
 * the configuration set, the campaign tags and the stored message's key in a
 * `retry-body` tag. Nothing is written per send: SES's events bring the tags
 * back, and the first soft bounce writes what a retry needs with its state.
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

    const bodyHash = await keepForRetries(request.from, request.content, to, now);
    let messageId: string;
    try {
      messageId = await deps.sender.send({
        to,
        from: request.from,
        content: request.content,
        tags: request.tags,
        ...(bodyHash === null ? {} : { extraTags: { [RETRY_BODY_TAG]: bodyHash } }),
      });
    } catch (error) {
      if (error instanceof SendRefusedError) return { to, status: 'refused', reason: `ses-refused: ${error.code}` };
      throw error;
    }
    return { to, status: 'sent', messageId, retriable: bodyHash !== null };
  };

  /** The stored message's key, or null: too large to keep, or not stored (its retries are then published as "retry due"). */
  async function keepForRetries(from: string, content: MessageContent, to: string, now: Date): Promise<string | null> {
    if (contentBytes(content) > MAX_STORED_CONTENT_BYTES) return null;
    try {
      return await deps.messages.keep({ from, content }, Math.floor(now.getTime() / 1000) + RETRY_STATE_RETENTION_SECONDS, to);
    } catch (error) {
      deps.logger.error('Message not stored for retries', { errorName: (error as Error).name });
      return null;
    }
  }
}
