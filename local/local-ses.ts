import { SESClient } from '@aws-sdk/client-ses';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SesInput } from '../shared/adapters/compose.js';
import { SesV2TemplateSender } from '../shared/adapters/outbound/ses-v2-template-sender.js';
import type { TagNames } from '../shared/domain/index.js';
import type { RequestMeter } from '../shared/adapters/request-meter.js';

/** The configuration set local sends name (the local SES accepts it without keeping it). */
export const LOCAL_CONFIGURATION_SET = 'bounce-local';

/** Where the SES endpoint is (both clients take the same). */
export interface SesClientSettings {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface LocalSesClients {
  readonly input: SesInput;
  destroy(): void;
}

/**
 * The SES clients of the local runtime and of the CLI commands that send
 * through it. The embedded SES (aws-ses-v2-local) has no v1
 * `SendTemplatedEmail`: templated messages go through its v2 `SendEmail`
 * with `Content.Template` (templates made with the v2 `CreateEmailTemplate`
 * on the same endpoint). Another SES endpoint (external mode) gets the v1
 * calls the deployed send path makes.
 */
export function localSesClients(
  config: SesClientSettings,
  options: { readonly embedded: boolean; readonly tagNames?: TagNames; readonly meter?: RequestMeter },
): LocalSesClients {
  const ses = new SESClient({ ...config });
  const v2 = options.embedded ? new SESv2Client({ ...config }) : null;
  options.meter?.attach(ses);
  if (v2) options.meter?.attach(v2);
  return {
    input: {
      ses,
      configurationSetName: LOCAL_CONFIGURATION_SET,
      ...(options.tagNames ? { tagNames: options.tagNames } : {}),
      ...(v2 ? { templates: new SesV2TemplateSender(v2) } : {}),
    },
    destroy: () => {
      ses.destroy();
      v2?.destroy();
    },
  };
}
