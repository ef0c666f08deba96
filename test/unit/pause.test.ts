import { SESClient, UpdateConfigurationSetSendingEnabledCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../shared/app/errors.js';
import { pauseCampaign, resumeCampaign, type PauseDeps } from '../../shared/app/pause.js';
import { FakePauses } from '../support/retry-fakes.js';
import { SesSendingSwitch } from '../../shared/adapters/outbound/ses-sending-switch.js';

const ses = mockClient(SESClient);
beforeEach(() => {
  ses.reset();
  ses.on(UpdateConfigurationSetSendingEnabledCommand).resolves({});
});

function deps(): PauseDeps & { pauses: FakePauses } {
  return {
    pauses: new FakePauses(),
    clock: () => new Date('2026-11-25T12:00:00Z'),
    sending: { switch: new SesSendingSwitch(new SESClient({ region: 'us-east-1' })), configurationSets: { nov: 'marketing-nov' } },
  };
}

describe('pause with SES configuration sets', () => {
  it('switches the mapped configuration set off on pause and on on resume', async () => {
    const d = deps();
    const view = await pauseCampaign('nov', 'bought list', 'ops', false, d);
    expect(view).toMatchObject({ paused: true, configurationSet: 'marketing-nov', changed: true });
    expect(ses).toHaveReceivedCommandExactlyOnceWith(UpdateConfigurationSetSendingEnabledCommand, {
      ConfigurationSetName: 'marketing-nov',
      Enabled: false,
    });
    await resumeCampaign('nov', d);
    expect(ses).toHaveReceivedNthCommandWith(UpdateConfigurationSetSendingEnabledCommand, 2, {
      ConfigurationSetName: 'marketing-nov',
      Enabled: true,
    });
  });

  it('leaves SES alone for a campaign without a configuration set, and for a second pause', async () => {
    const d = deps();
    await pauseCampaign('other', 'checking', 'ops', false, d);
    expect(ses).not.toHaveReceivedCommand(UpdateConfigurationSetSendingEnabledCommand);
    await pauseCampaign('nov', 'first', 'ops', false, d);
    await expect(pauseCampaign('nov', 'second', 'ops', false, d)).rejects.toBeInstanceOf(ConflictError);
    const automatic = await pauseCampaign('nov', 'auto', 'health-job', true, d);
    expect(automatic).toMatchObject({ changed: false, pause: { reason: 'first' } });
    expect(ses).toHaveReceivedCommandTimes(UpdateConfigurationSetSendingEnabledCommand, 1);
  });

  it('refuses to resume a campaign that is not paused', async () => {
    await expect(resumeCampaign('nov', deps())).rejects.toBeInstanceOf(NotFoundError);
    expect(ses).not.toHaveReceivedCommand(UpdateConfigurationSetSendingEnabledCommand);
  });

  it('keeps the pause (the pipeline still refuses the campaign) and reports it when SES refuses the switch', async () => {
    ses.on(UpdateConfigurationSetSendingEnabledCommand).rejects(new Error('AccessDenied'));
    const d = deps();
    await expect(pauseCampaign('nov', 'bought list', 'ops', false, d)).rejects.toThrow('AccessDenied');
    expect(await d.pauses.isPaused('nov')).toBe(true);
  });
});

describe('pause when its event cannot be published', () => {
  it('stands, switches SES, answers the stored pause, and logs the failure without the reason', async () => {
    const errors: Array<[string, Record<string, unknown> | undefined]> = [];
    const d: PauseDeps & { pauses: FakePauses } = {
      ...deps(),
      events: { publish: async () => Promise.reject(Object.assign(new Error('bus down'), { name: 'InternalException' })) },
      logger: { info: () => {}, warn: () => {}, error: (message, extra) => errors.push([message, extra]) },
    };
    const view = await pauseCampaign('nov', 'list from jane@example.com', 'ops', false, d);
    expect(view).toMatchObject({ paused: true, changed: true, pause: { reason: 'list from jane@example.com' } });
    expect(await d.pauses.isPaused('nov')).toBe(true);
    expect(ses).toHaveReceivedCommandWith(UpdateConfigurationSetSendingEnabledCommand, {
      ConfigurationSetName: 'marketing-nov',
      Enabled: false,
    });
    expect(errors).toEqual([
      [
        'Pause event not published',
        { campaign: 'nov', type: 'campaign.paused', eventId: 'pause:nov:2026-11-25T12:00:00.000Z', errorName: 'InternalException' },
      ],
    ]);
    expect((await resumeCampaign('nov', d, { reason: 'cleaned', actor: 'ops' })).paused).toBe(false);
    expect(errors.map(([, extra]) => extra?.type)).toEqual(['campaign.paused', 'campaign.resumed']);
  });
});
