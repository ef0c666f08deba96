/** What a recipient's failure means. The categories an operator acts on, each with one handling. */
export const BOUNCE_CATEGORIES = [
  'invalid-address',
  'invalid-domain',
  'mailbox-full-permanent',
  'malformed-address',
  'recipient-policy-block',
  'reputation-block',
  'authentication-failure',
  'content-rejected',
  'sending-limit',
  'transaction-failed',
  'service-unavailable',
  'mailbox-busy',
  'mailbox-full',
  'connection-timeout',
  'already-suppressed',
  'complaint',
  'unknown',
] as const;
export type BounceCategory = (typeof BOUNCE_CATEGORIES)[number];

/** Outcomes of events that are not failures; they still get a per-recipient line. */
export const OUTCOME_CATEGORIES = ['sent', 'delivered', 'not-spam-feedback'] as const;
export type OutcomeCategory = (typeof OUTCOME_CATEGORIES)[number];

export type Category = BounceCategory | OutcomeCategory;

export const ACTIONS = ['suppress', 'retry', 'review', 'investigate', 'none'] as const;
export type Action = (typeof ACTIONS)[number];

/** Whether the receiving side said "never" or "not now". */
export type FailureClass = 'permanent' | 'transient' | 'undetermined';

export const EVENT_TYPES = ['Bounce', 'Complaint', 'Delivery', 'Send', 'Reject', 'DeliveryDelay'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The mailbox provider (or filtering gateway) that answered, used for per-provider figures. */
export const PROVIDERS = [
  'gmail',
  'microsoft',
  'yahoo',
  'apple',
  'comcast',
  'att',
  'gmx',
  't-online',
  'yandex',
  'mailru',
  'zoho',
  'proton',
  'orange',
  'fastmail',
  'mimecast',
  'proofpoint',
  'barracuda',
  'amazon-ses',
  'other',
] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What a remote MTA said about one recipient, split into its parts. */
export interface SmtpReply {
  /** Basic SMTP reply code (RFC 5321), e.g. 550; null when the reply carries none. */
  readonly smtpCode: number | null;
  /** Enhanced status code (RFC 3463), e.g. "5.1.1"; null when neither status nor text carries one. */
  readonly enhancedCode: string | null;
  /** The remote text without the `smtp;` prefix and the leading codes. */
  readonly text: string;
}

/** Everything the classifier looks at for one recipient. */
export interface RecipientEvidence {
  readonly recipient: string;
  /** SES per-recipient `status`. */
  readonly status?: string | null | undefined;
  /** SES per-recipient `diagnosticCode`. */
  readonly diagnosticCode?: string | null | undefined;
  readonly bounceType?: string | null | undefined;
  readonly bounceSubType?: string | null | undefined;
}

/** The classifier's verdict for one recipient, with the evidence that produced it. */
export interface Decision {
  readonly category: Category;
  readonly action: Action;
  readonly suppress: boolean;
  /** Seconds until a new send is worth trying; null when no retry is due. */
  readonly retryAfterSeconds: number | null;
  readonly failureClass: FailureClass;
  readonly provider: Provider;
  readonly smtpCode: number | null;
  readonly enhancedCode: string | null;
  /** Id of the rule that fired, so a person can see why. */
  readonly rule: string;
  /** The remote text, trimmed to a readable length. */
  readonly diagnostic: string | null;
}

/** The message tags used for campaign health (names configurable). */
export interface CampaignTags {
  readonly campaign: string | null;
  readonly batch: string | null;
  readonly source: string | null;
}
