import type { Finding, FindingPattern, Verdict } from '../domain/index.js';

/** One alert for a person: a finding that is new, changed its verdict, or cleared. */
export interface HealthAlert {
  readonly at: string;
  readonly campaign: string;
  readonly pattern: FindingPattern;
  /** The finding's key (pattern, plus the batch, source or domain it is about). */
  readonly key: string;
  /** `cleared` when the finding went away. */
  readonly verdict: Verdict | 'cleared';
  /** The verdict alerted before, or null for a new finding. */
  readonly previous: Verdict | null;
  /** At most 100 characters (an SNS subject). */
  readonly subject: string;
  /** Plain text for a person: campaign, finding, figures, what to do, where to look. */
  readonly text: string;
  /** The finding itself (the last one seen, for a cleared alert). */
  readonly finding: Finding;
}

export interface AlertPublisher {
  publish(alert: HealthAlert): Promise<void>;
}

/** What was last alerted per campaign and finding. */
export interface AlertRecord {
  readonly campaign: string;
  readonly key: string;
  readonly verdict: Verdict;
  readonly at: string;
  readonly finding: Finding;
}

/**
 * The memory of what was alerted. Every change is conditional on what the
 * caller saw, so of two overlapping runs only one wins each change (and alerts).
 */
export interface AlertLedger {
  /** The open alerts of a campaign. */
  open(campaign: string): Promise<AlertRecord[]>;
  /** Records `next` if the stored verdict is still `expected` (null: none stored); false when another run got there first. */
  claim(next: AlertRecord, expected: Verdict | null): Promise<boolean>;
  /** Removes the record if its verdict is still `expected`; false when another run got there first. */
  clear(campaign: string, key: string, expected: Verdict): Promise<boolean>;
  /** Puts back what a claim replaced (the alert could not be sent, so the next run tries again). */
  undo(next: AlertRecord, previous: AlertRecord | null): Promise<void>;
  /**
   * Marks a campaign as having open alerts (one small item per campaign, not a scan), so the job
   * visits it after it stops sending, until its findings clear. Every mark moves the mark's version.
   */
  mark(campaign: string): Promise<void>;
  /** The marked campaigns, each with the version its mark was read at. */
  marked(): Promise<AlertingMark[]>;
  /** Removes a mark only if it is still at the version read: a campaign marked since stays marked. */
  unmark(mark: AlertingMark): Promise<void>;
}

export interface AlertingMark {
  readonly campaign: string;
  readonly version: number;
}

/** Figures of one campaign for CloudWatch (rates as fractions). */
export interface CampaignFigures {
  readonly sends: number;
  readonly hardBounceRate: number;
  readonly hardBounceRateLowerBound: number;
  readonly complaintRate: number;
}

/** The worst campaign figures of a run: what the account-level alarms watch. */
export interface WorstFigures {
  readonly worstHardBounceRateLowerBound: number;
  readonly worstComplaintRate: number;
  readonly campaignsChecked: number;
  readonly findings: number;
}

export interface HealthMetricsPort {
  campaign(campaign: string, figures: CampaignFigures): void;
  account(figures: WorstFigures): void;
  /** One per scheduled run, whatever happened to it: its alarm treats a missing beat as breaching. */
  heartbeat(): void;
  flush(): Promise<void>;
}

export const noHealthMetrics: HealthMetricsPort = { campaign: () => {}, account: () => {}, heartbeat: () => {}, flush: async () => {} };

/** One campaign the finder hands to the checkers. */
export interface CampaignToCheck {
  readonly campaign: string;
  /** Active in the recent window (else visited for its open alerts only). */
  readonly active: boolean;
  /** The version of its ALERTING mark as the finder read it; null when not marked. */
  readonly mark: number | null;
}

/** The body of one fan-out message (JSON): a group of campaigns for one checker. */
export interface HealthCheckMessage {
  readonly version: 1;
  /** When the finder ran (ISO). */
  readonly at: string;
  readonly campaigns: readonly CampaignToCheck[];
}

/** Where the finder fans out to the checkers: an SQS queue on AWS. */
export interface HealthCheckQueue {
  send(messages: readonly HealthCheckMessage[]): Promise<void>;
}
