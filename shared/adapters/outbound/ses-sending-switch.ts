import { UpdateConfigurationSetSendingEnabledCommand, type SESClient } from '@aws-sdk/client-ses';
import type { SendingSwitch } from '../../app/pause.js';

/** SES's own switch per configuration set: off stops every send through it, inside this pipeline or not. */
export class SesSendingSwitch implements SendingSwitch {
  constructor(private readonly ses: SESClient) {}

  async setSending(configurationSet: string, enabled: boolean): Promise<void> {
    await this.ses.send(new UpdateConfigurationSetSendingEnabledCommand({ ConfigurationSetName: configurationSet, Enabled: enabled }));
  }
}
