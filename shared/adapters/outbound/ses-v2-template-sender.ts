import { SendEmailCommand, SESv2ServiceException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SendRefusedError } from '../../app/retry-ports.js';
import type { TemplateSender, TemplatedSend } from './ses-sender.js';

/** SES v2 errors that mean "this message will not go" (a missing template is `NotFoundException`). */
const REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
]);

/** What a 4xx without a modelled error name is (the local SES answers `{"type": …}`, which the SDK reads as `Unknown`). */
const REFUSAL_BY_STATUS: Readonly<Record<number, string>> = { 400: 'BadRequestException', 404: 'NotFoundException' };

/**
 * SES templates through the SES v2 API (`SendEmail` with `Content.Template`),
 * for an SES endpoint without the v1 `SendTemplatedEmail`: the local SES
 * (aws-ses-v2-local) keeps templates on the v2 API only. Same template name,
 * data, configuration set and tags as the v1 call.
 */
export class SesV2TemplateSender implements TemplateSender {
  constructor(private readonly ses: SESv2Client) {}

  async send(request: TemplatedSend): Promise<string> {
    try {
      const output = await this.ses.send(
        new SendEmailCommand({
          ConfigurationSetName: request.configurationSetName,
          EmailTags: request.tags.map(({ Name, Value }) => ({ Name, Value })),
          FromEmailAddress: request.from,
          Destination: { ToAddresses: [request.to] },
          Content: { Template: { TemplateName: request.template, TemplateData: request.templateData } },
        }),
      );
      if (!output.MessageId) throw new Error('SES returned no MessageId');
      return output.MessageId;
    } catch (error) {
      if (error instanceof SESv2ServiceException) {
        const code = REFUSALS.has(error.name) ? error.name : REFUSAL_BY_STATUS[error.$metadata.httpStatusCode ?? 0];
        if (code) throw new SendRefusedError(code, error.message);
      }
      throw error;
    }
  }
}
