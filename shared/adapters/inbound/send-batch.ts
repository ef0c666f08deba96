import { forEachLimited } from '../../app/concurrency.js';
import { newSendScope, SEND_INVOCATION, type SendMessage } from '../../app/send.js';
import { SendRequestSchema, toSendRequest } from './send-request.js';
import { safeParse } from '../zod-parse.js';

/** What the send function is invoked with: up to 50 messages. */
export interface SendInvocation {
  readonly messages: readonly unknown[];
}

export type SendLineResult =
  | { readonly to: string; readonly status: 'sent'; readonly messageId: string; readonly retriable: boolean }
  | { readonly to: string; readonly status: 'refused'; readonly reason: string }
  | { readonly to: string | null; readonly status: 'invalid'; readonly reason: string }
  /** The SES call or the store failed with an unknown outcome: the message may or may not have gone out. */
  | { readonly to: string; readonly status: 'error'; readonly reason: string };

const MAX_MESSAGES = SEND_INVOCATION.maxMessages;

/**
 * The send function's edge: each message is validated and sent on its own
 * (up to SEND_INVOCATION.concurrency at once, results in the messages'
 * order); an invalid one is reported, not thrown, and so is an error with
 * an unknown outcome (`error`, with the error's name), so the messages that
 * did go out keep their results and are not sent again by a retried call.
 */
export function sendBatchHandler(send: SendMessage, clock: () => Date = () => new Date()) {
  return async (event: SendInvocation): Promise<{ results: SendLineResult[] }> => {
    if (!Array.isArray(event?.messages) || event.messages.length > MAX_MESSAGES) {
      throw new Error(`invoke with {"messages": [...]} of at most ${MAX_MESSAGES} messages`);
    }
    const results: SendLineResult[] = new Array<SendLineResult>(event.messages.length);
    const scope = newSendScope();
    await forEachLimited(event.messages, SEND_INVOCATION.concurrency, async (message, index) => {
      const parsed = safeParse(SendRequestSchema, message);
      if (!parsed.success) {
        const to = typeof (message as { to?: unknown })?.to === 'string' ? String((message as { to: string }).to) : null;
        results[index] = {
          to,
          status: 'invalid',
          reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '),
        };
        return;
      }
      try {
        results[index] = await send(toSendRequest(parsed.data), clock(), scope);
      } catch (error) {
        results[index] = { to: parsed.data.to, status: 'error', reason: `outcome unknown: ${(error as Error).name}` };
      }
    });
    return { results };
  };
}
