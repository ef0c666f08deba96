import { domainOf, isValidAddress, normaliseAddress } from './address.js';
import { classifyRecipient, truncateDiagnostic } from './classify.js';
import type { BouncedRecipient, SesEvent, SesMail } from './notification.js';
import { providerOf } from './provider.js';
import { parseSmtpReply } from './smtp.js';
import type { CampaignTags, Category, Decision, EventType } from './types.js';

/** Names of the SES message tags that carry campaign, import batch and lead source. */
export interface TagNames {
  readonly campaign: string;
  readonly batch: string;
  readonly source: string;
}
export const DEFAULT_TAG_NAMES: TagNames = { campaign: 'campaign', batch: 'batch', source: 'source' };

/** One recipient's share of one SES event, with the decision for it. */
export interface RecipientOutcome {
  readonly eventType: EventType;
  /** Normalised address (see `normaliseAddress`). */
  readonly recipient: string;
  readonly addressValid: boolean;
  readonly messageId: string;
  readonly feedbackId: string | null;
  readonly occurredAt: string;
  /** When SES accepted the message (`mail.timestamp`): campaign figures are bucketed by send time. */
  readonly sentAt: string;
  readonly tags: CampaignTags;
  readonly decision: Decision;
  /**
   * Stable identity of this effect: the same notification delivered twice
   * yields the same id (a bounce's feedbackId + recipient).
   */
  readonly eventId: string;
}

export function campaignTagsOf(mail: SesMail, names: TagNames = DEFAULT_TAG_NAMES): CampaignTags {
  // An empty value names nothing: the mail counts as untagged for that tag.
  const first = (name: string): string | null => {
    const value = mail.tags?.[name]?.[0];
    return value === undefined || value.trim() === '' ? null : value;
  };
  return { campaign: first(names.campaign), batch: first(names.batch), source: first(names.source) };
}

/** A decision that records an outcome without acting on the address. */
function outcomeDecision(category: Category, rule: string, recipient: string, response?: string | null): Decision {
  const reply = parseSmtpReply(response);
  return {
    category,
    action: 'none',
    suppress: false,
    retryAfterSeconds: null,
    failureClass: 'undetermined',
    provider: providerOf(domainOf(recipient), reply.text),
    smtpCode: reply.smtpCode,
    enhancedCode: reply.enhancedCode,
    rule,
    diagnostic: truncateDiagnostic(response),
  };
}

function complaintDecision(recipient: string, subType: string | null | undefined, feedbackType: string | null | undefined): Decision {
  if (subType === 'OnAccountSuppressionList') {
    // SES did not send, so nobody complained about this message.
    return { ...outcomeDecision('already-suppressed', 'ses-complaint-suppression-list', recipient), suppress: true };
  }
  if (feedbackType === 'not-spam') {
    // The recipient marked the mail as *not* spam: the opposite of a complaint.
    return outcomeDecision('not-spam-feedback', 'ses-feedback-not-spam', recipient);
  }
  return { ...outcomeDecision('complaint', 'ses-complaint', recipient), action: 'suppress', suppress: true };
}

/** The recipients of one event, and how to decide for the one at `index` (once its address is normalised). */
interface EventRecipients {
  readonly feedbackId: string | null;
  readonly addresses: readonly string[];
  readonly decide: (index: number, normalised: string) => Decision;
}

function recipientsOf(event: SesEvent): EventRecipients {
  switch (event.eventType) {
    case 'Bounce': {
      const { bounceType, bounceSubType, bouncedRecipients } = event.bounce;
      return {
        feedbackId: event.bounce.feedbackId,
        addresses: bouncedRecipients.map((r) => r.emailAddress),
        decide: (index) => {
          const r = bouncedRecipients[index] as BouncedRecipient;
          return classifyRecipient({
            recipient: r.emailAddress,
            status: r.status,
            diagnosticCode: r.diagnosticCode,
            bounceType,
            bounceSubType,
          });
        },
      };
    }
    case 'Complaint': {
      const { complaintSubType, complaintFeedbackType } = event.complaint;
      return {
        feedbackId: event.complaint.feedbackId,
        addresses: event.complaint.complainedRecipients.map((r) => r.emailAddress),
        decide: (_, normalised) => complaintDecision(normalised, complaintSubType, complaintFeedbackType),
      };
    }
    case 'Delivery':
      return {
        feedbackId: null,
        addresses: event.delivery.recipients,
        decide: (_, normalised) => outcomeDecision('delivered', 'ses-delivery', normalised, event.delivery.smtpResponse),
      };
    case 'Send':
      return {
        feedbackId: null,
        addresses: event.mail.destination ?? [],
        decide: (_, normalised) => outcomeDecision('sent', 'ses-send', normalised),
      };
    case 'Reject':
      // SES refused the message before sending (it found a virus): a content matter, never the address's fault.
      return {
        feedbackId: null,
        addresses: event.mail.destination ?? [],
        decide: (_, normalised) => ({
          ...outcomeDecision('content-rejected', 'ses-reject', normalised, event.reject.reason),
          action: 'investigate',
        }),
      };
    case 'DeliveryDelay': {
      // SES is still retrying: classify the reason (timeouts feed escalation) but never act on the address.
      const { delayedRecipients } = event.deliveryDelay;
      return {
        feedbackId: null,
        addresses: delayedRecipients.map((r) => r.emailAddress),
        decide: (index) => {
          const r = delayedRecipients[index] as BouncedRecipient;
          return {
            ...classifyRecipient({
              recipient: r.emailAddress,
              status: r.status,
              diagnosticCode: r.diagnosticCode,
              bounceType: 'Transient',
            }),
            action: 'none',
            suppress: false,
            retryAfterSeconds: null,
          };
        },
      };
    }
  }
}

/** Every recipient of an event gets its own outcome, in the order SES lists them. */
export function recipientOutcomes(event: SesEvent, tagNames: TagNames = DEFAULT_TAG_NAMES): RecipientOutcome[] {
  const { feedbackId, addresses, decide } = recipientsOf(event);
  const tags = campaignTagsOf(event.mail, tagNames);
  const messageId = event.mail.messageId;
  // Several delays may be reported for one message; their time tells them apart.
  const instance = event.eventType === 'DeliveryDelay' ? `${messageId}@${event.occurredAt}` : (feedbackId ?? messageId);
  const outcomes = new Array<RecipientOutcome>(addresses.length);
  for (let index = 0; index < addresses.length; index++) {
    const recipient = normaliseAddress(addresses[index] as string);
    outcomes[index] = {
      eventType: event.eventType,
      recipient,
      addressValid: isValidAddress(recipient),
      messageId,
      feedbackId,
      occurredAt: event.occurredAt,
      sentAt: event.mail.timestamp,
      tags,
      decision: decide(index, recipient),
      eventId: `${event.eventType}:${instance}:${recipient}`,
    };
  }
  return outcomes;
}
