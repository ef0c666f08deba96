import { ConflictError, NotFoundError } from './errors.js';
import type { DecisionEvent, DecisionEventSink } from './decision-events.js';
import type { LoggerPort } from './ports.js';
import type { CampaignPauses } from './retry-ports.js';

/** A paused campaign: the send path refuses it and due retries wait until a person resumes it. */
export interface PauseRecord {
  readonly campaign: string;
  readonly reason: string;
  /** Who paused it: an IAM identity, `local`, or `health-job` for an automatic pause. */
  readonly actor: string;
  readonly pausedAt: string;
  readonly automatic: boolean;
}

export interface PauseStore extends CampaignPauses {
  get(campaign: string): Promise<PauseRecord | null>;
  /** Pauses unless already paused; false when it already was (the first pause and its reason stay). */
  pause(record: PauseRecord): Promise<boolean>;
  /** Removes the pause; returns what was removed, or null when it was not paused. */
  resume(campaign: string): Promise<PauseRecord | null>;
}

/** Turns sending of an SES configuration set on or off (so mail sent outside this pipeline stops too). */
export interface SendingSwitch {
  setSending(configurationSet: string, enabled: boolean): Promise<void>;
}

export interface PauseDeps {
  readonly pauses: PauseStore;
  readonly clock: () => Date;
  /** With a switch, campaigns mapped to a configuration set also stop and restart it. */
  readonly sending?: { readonly switch: SendingSwitch; readonly configurationSets: Readonly<Record<string, string>> } | null;
  /** Where pauses and resumes are published for other systems. */
  readonly events?: DecisionEventSink;
  /** Where a publish failure is reported (the pause itself stands). */
  readonly logger?: LoggerPort;
}

/**
 * The pause or resume is stored and takes effect whatever happens to its
 * event: a failure is logged, never thrown (the composed sink keeps the event
 * in the outbox for the next health run, so it still goes out).
 */
async function announce(event: Extract<DecisionEvent, { type: 'campaign.paused' | 'campaign.resumed' }>, deps: PauseDeps): Promise<void> {
  try {
    await deps.events?.publish([event]);
  } catch (error) {
    deps.logger?.error('Pause event not published', {
      campaign: event.campaign,
      type: event.type,
      eventId: event.id,
      errorName: (error as Error).name,
    });
  }
}

export interface PauseView {
  readonly campaign: string;
  readonly paused: boolean;
  readonly pause: PauseRecord | null;
  /** The SES configuration set switched with it, if any. */
  readonly configurationSet: string | null;
  /** Whether this call changed anything (false: it was already so). */
  readonly changed: boolean;
}

const configurationSetOf = (campaign: string, deps: PauseDeps): string | null => deps.sending?.configurationSets[campaign] ?? null;

export async function pauseCampaign(
  campaign: string,
  reason: string,
  actor: string,
  automatic: boolean,
  deps: PauseDeps,
): Promise<PauseView> {
  const record: PauseRecord = { campaign, reason, actor, pausedAt: deps.clock().toISOString(), automatic };
  const created = await deps.pauses.pause(record);
  const configurationSet = configurationSetOf(campaign, deps);
  if (!created) {
    if (automatic) return { campaign, paused: true, pause: await deps.pauses.get(campaign), configurationSet, changed: false };
    throw new ConflictError(`campaign ${campaign} is already paused`);
  }
  await announce(
    {
      version: 1,
      type: 'campaign.paused',
      id: `pause:${campaign}:${record.pausedAt}`,
      at: record.pausedAt,
      campaign,
      pause: { reason, actor, automatic },
    },
    deps,
  );
  if (configurationSet && deps.sending) await deps.sending.switch.setSending(configurationSet, false);
  return { campaign, paused: true, pause: record, configurationSet, changed: true };
}

export async function resumeCampaign(campaign: string, deps: PauseDeps, resumedBy?: { reason: string; actor: string }): Promise<PauseView> {
  const removed = await deps.pauses.resume(campaign);
  if (!removed) throw new NotFoundError(`campaign ${campaign} is not paused`);
  const at = deps.clock().toISOString();
  await announce(
    {
      version: 1,
      type: 'campaign.resumed',
      id: `resume:${campaign}:${at}`,
      at,
      campaign,
      pause: { reason: resumedBy?.reason ?? '', actor: resumedBy?.actor ?? 'unknown', automatic: false },
    },
    deps,
  );
  const configurationSet = configurationSetOf(campaign, deps);
  if (configurationSet && deps.sending) await deps.sending.switch.setSending(configurationSet, true);
  return { campaign, paused: false, pause: null, configurationSet, changed: true };
}

export async function pauseStatus(campaign: string, deps: PauseDeps): Promise<PauseView> {
  const pause = await deps.pauses.get(campaign);
  return { campaign, paused: pause !== null, pause, configurationSet: configurationSetOf(campaign, deps), changed: false };
}
