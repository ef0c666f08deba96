import {
  SendEmailCommand,
  SendRawEmailCommand,
  SendTemplatedEmailCommand,
  SESServiceException,
  type MessageTag,
  type SESClient,
} from '@aws-sdk/client-ses';
import { SendRefusedError, type EmailSender, type OutboundEmail } from '../../app/retry-ports.js';
import type { TagNames } from '../../domain/index.js';

/** SES errors that mean "this message will not go", not "try again": the attempt ends. */
const REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'AccountSendingPausedException',
  'TemplateDoesNotExistException',
  'InvalidParameterValue',
]);

/** One templated send, as the v1 call would carry it. */
export interface TemplatedSend {
  readonly to: string;
  readonly from: string;
  readonly template: string;
  readonly templateData: string;
  readonly configurationSetName: string;
  readonly tags: readonly MessageTag[];
}

/** Another way to send SES templates (an endpoint without v1 `SendTemplatedEmail`); returns the MessageId. */
export interface TemplateSender {
  send(request: TemplatedSend): Promise<string>;
}

/**
 * SES v1 (`@aws-sdk/client-ses`): simple content through SendEmail, MIME
 * through SendRawEmail, SES templates through SendTemplatedEmail; always with
 * the configuration set (its event destination feeds the pipeline) and the
 * campaign tags, as given: values are checked where a request comes in (a
 * rewritten value would name another campaign than the one pauses are kept under).
 */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SESClient,
    private readonly configurationSetName: string,
    private readonly tagNames: TagNames,
    /** Sends templated messages instead of v1 `SendTemplatedEmail` (the local SES has templates on v2 only). */
    private readonly templates: TemplateSender | null = null,
  ) {}

  private tags(email: OutboundEmail): MessageTag[] {
    const named: Array<[string, string | null]> = [
      [this.tagNames.campaign, email.tags.campaign],
      [this.tagNames.batch, email.tags.batch],
      [this.tagNames.source, email.tags.source],
      ...Object.entries(email.extraTags ?? {}),
    ];
    return named.flatMap(([Name, value]) => (value === null || value === '' ? [] : [{ Name, Value: value }]));
  }

  async send(email: OutboundEmail): Promise<string> {
    const common = { ConfigurationSetName: this.configurationSetName, Tags: this.tags(email) };
    const { content } = email;
    if (content.kind === 'template' && this.templates) {
      return this.templates.send({
        to: email.to,
        from: email.from,
        template: content.template,
        templateData: content.templateData,
        configurationSetName: this.configurationSetName,
        tags: common.Tags,
      });
    }
    try {
      const output =
        content.kind === 'simple'
          ? await this.ses.send(
              new SendEmailCommand({
                ...common,
                Source: email.from,
                Destination: { ToAddresses: [email.to] },
                Message: {
                  Subject: { Data: content.subject, Charset: 'UTF-8' },
                  Body: {
                    ...(content.text !== undefined ? { Text: { Data: content.text, Charset: 'UTF-8' } } : {}),
                    ...(content.html !== undefined ? { Html: { Data: content.html, Charset: 'UTF-8' } } : {}),
                  },
                },
              }),
            )
          : content.kind === 'raw'
            ? await this.ses.send(
                new SendRawEmailCommand({
                  ...common,
                  Source: email.from,
                  Destinations: [email.to],
                  RawMessage: { Data: new TextEncoder().encode(content.mime) },
                }),
              )
            : await this.ses.send(
                new SendTemplatedEmailCommand({
                  ...common,
                  Source: email.from,
                  Destination: { ToAddresses: [email.to] },
                  Template: content.template,
                  TemplateData: content.templateData,
                }),
              );
      if (!output.MessageId) throw new Error('SES returned no MessageId');
      return output.MessageId;
    } catch (error) {
      if (error instanceof SESServiceException && REFUSALS.has(error.name)) throw new SendRefusedError(error.name, error.message);
      throw error;
    }
  }
}
