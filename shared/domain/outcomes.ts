import { domainOf, isValidAddress, normaliseAddress } from './address.js';
import { classifyNormalisedRecipient, parseSmtpReply, providerOf, truncateDiagnostic } from './classifier/index.js';
import type { BouncedRecipient, SesEvent, SesMail } from './notification.js';
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

/** The first value of a tag, or null when it is absent or blank (an empty value names nothing: untagged). */
function firstTagValue(tags: Record<string, string[]> | null | undefined, name: string): string | null {
  const value = tags?.[name]?.[0];
  return value === undefined || value.trim() === '' ? null : value;
}

export function campaignTagsOf(mail: SesMail, names: TagNames = DEFAULT_TAG_NAMES): CampaignTags {
  const tags = mail.tags;
  return {
    campaign: firstTagValue(tags, names.campaign),
    batch: firstTagValue(tags, names.batch),
    source: firstTagValue(tags, names.source),
  };
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

/*
 * The recipients of an event and the decision for each, read per event type.
 * Plain functions over the event rather than per-event closures: this runs for
 * every recipient of every notification.
 */

/** The feedback id of a bounce or complaint (null for the other events). */
function feedbackIdOf(event: SesEvent): string | null {
  if (event.eventType === 'Bounce') return event.bounce.feedbackId;
  if (event.eventType === 'Complaint') return event.complaint.feedbackId;
  return null;
}

/** The addresses an event reports on, in the order SES lists them. */
function addressesOf(event: SesEvent): readonly string[] | readonly BouncedRecipient[] | readonly { readonly emailAddress: string }[] {
  switch (event.eventType) {
    case 'Bounce':
      return event.bounce.bouncedRecipients;
    case 'Complaint':
      return event.complaint.complainedRecipients;
    case 'Delivery':
      return event.delivery.recipients;
    case 'DeliveryDelay':
      return event.deliveryDelay.delayedRecipients;
    case 'Send':
    case 'Reject':
      return event.mail.destination ?? [];
  }
}

/** The address of one entry of `addressesOf`. */
function addressOf(entry: string | { readonly emailAddress: string }): string {
  return typeof entry === 'string' ? entry : entry.emailAddress;
}

/** The decision for the recipient at `index` of the event, once its address is normalised. */
function decisionFor(event: SesEvent, index: number, normalised: string): Decision {
  switch (event.eventType) {
    case 'Bounce': {
      const { bounceType, bounceSubType, bouncedRecipients } = event.bounce;
      const r = bouncedRecipients[index] as BouncedRecipient;
      return classifyNormalisedRecipient(normalised, r.diagnosticCode, r.status, bounceType, bounceSubType);
    }
    case 'Complaint':
      return complaintDecision(normalised, event.complaint.complaintSubType, event.complaint.complaintFeedbackType);
    case 'Delivery':
      return outcomeDecision('delivered', 'ses-delivery', normalised, event.delivery.smtpResponse);
    case 'Send':
      return outcomeDecision('sent', 'ses-send', normalised);
    case 'Reject':
      // SES refused the message before sending (it found a virus): a content matter, never the address's fault.
      return { ...outcomeDecision('content-rejected', 'ses-reject', normalised, event.reject.reason), action: 'investigate' };
    case 'DeliveryDelay': {
      // SES is still retrying: classify the reason (timeouts feed escalation) but never act on the address.
      const r = event.deliveryDelay.delayedRecipients[index] as BouncedRecipient;
      return {
        ...classifyNormalisedRecipient(normalised, r.diagnosticCode, r.status, 'Transient', undefined),
        action: 'none',
        suppress: false,
        retryAfterSeconds: null,
      };
    }
  }
}

/** Every recipient of an event gets its own outcome, in the order SES lists them. */
export function recipientOutcomes(event: SesEvent, tagNames: TagNames = DEFAULT_TAG_NAMES): RecipientOutcome[] {
  const feedbackId = feedbackIdOf(event);
  const entries = addressesOf(event);
  const tags = campaignTagsOf(event.mail, tagNames);
  const messageId = event.mail.messageId;
  // Several delays may be reported for one message; their time tells them apart.
  const instance = event.eventType === 'DeliveryDelay' ? `${messageId}@${event.occurredAt}` : (feedbackId ?? messageId);
  const outcomes = new Array<RecipientOutcome>(entries.length);
  for (let index = 0; index < entries.length; index++) {
    const recipient = normaliseAddress(addressOf(entries[index] as string | BouncedRecipient));
    outcomes[index] = {
      eventType: event.eventType,
      recipient,
      addressValid: isValidAddress(recipient),
      messageId,
      feedbackId,
      occurredAt: event.occurredAt,
      sentAt: event.mail.timestamp,
      tags,
      decision: decisionFor(event, index, recipient),
      eventId: `${event.eventType}:${instance}:${recipient}`,
    };
  }
  return outcomes;
}
