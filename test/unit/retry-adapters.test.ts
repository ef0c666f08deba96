import { MessageRejected, SendEmailCommand, SendRawEmailCommand, SendTemplatedEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { NotFoundException, SendEmailCommand as SendEmailV2Command, SESv2Client, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SendRefusedError } from '../../shared/app/retry-ports.js';
import { sendBatchHandler } from '../../shared/adapters/inbound/send-batch.js';
import { SEND_INVOCATION } from '../../shared/app/send.js';
import { parseSendLine } from '../../shared/adapters/inbound/send-request.js';
import { SesEmailSender } from '../../shared/adapters/outbound/ses-sender.js';
import { SesV2TemplateSender } from '../../shared/adapters/outbound/ses-v2-template-sender.js';
import { SnsRetryDuePublisher } from '../../shared/adapters/outbound/sns-retry-due.js';
import { SqsRetryTimerQueue } from '../../shared/adapters/outbound/sqs-retry-timers.js';
import { DEFAULT_TAG_NAMES, parseTimer } from '../../shared/domain/index.js';

const ses = mockClient(SESClient);
const sesV2 = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  ses.reset();
  sesV2.reset();
  sqs.reset();
  sns.reset();
});

const email = {
  to: 'kim@example.org',
  from: 'news@mail.example.com',
  tags: { campaign: 'spring-sale', batch: 'b1', source: null },
  extraTags: { 'retry-of': 'orig-1', 'retry-attempt': '2' },
};

describe('SES sender', () => {
  const sender = new SesEmailSender(new SESClient({ region: 'us-east-1' }), 'bounce-pipeline', DEFAULT_TAG_NAMES);

  it('sends simple content with the configuration set and the tags (values as given, empty ones left out)', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    expect(await sender.send({ ...email, content: { kind: 'simple', subject: 'Hi', text: 'plain', html: '<b>hi</b>' } })).toBe('m-1');
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      ConfigurationSetName: 'bounce-pipeline',
      Source: 'news@mail.example.com',
      Destination: { ToAddresses: ['kim@example.org'] },
      Message: {
        Subject: { Data: 'Hi', Charset: 'UTF-8' },
        Body: { Text: { Data: 'plain', Charset: 'UTF-8' }, Html: { Data: '<b>hi</b>', Charset: 'UTF-8' } },
      },
      Tags: [
        { Name: 'campaign', Value: 'spring-sale' },
        { Name: 'batch', Value: 'b1' },
        { Name: 'retry-of', Value: 'orig-1' },
        { Name: 'retry-attempt', Value: '2' },
      ],
    });
  });

  it('sends MIME raw and templates through their own calls', async () => {
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'raw-1' });
    ses.on(SendTemplatedEmailCommand).resolves({ MessageId: 'tpl-1' });
    expect(await sender.send({ ...email, content: { kind: 'raw', mime: 'Subject: x\r\n\r\nbody' } })).toBe('raw-1');
    expect(await sender.send({ ...email, content: { kind: 'template', template: 'offer', templateData: '{"n":1}' } })).toBe('tpl-1');
    const raw = ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(new TextDecoder().decode(raw?.RawMessage?.Data)).toBe('Subject: x\r\n\r\nbody');
    expect(raw?.Destinations).toEqual(['kim@example.org']);
    expect(ses).toHaveReceivedCommandWith(SendTemplatedEmailCommand, {
      Template: 'offer',
      TemplateData: '{"n":1}',
      ConfigurationSetName: 'bounce-pipeline',
    });
  });

  it('maps a refusal to SendRefusedError and lets an unknown outcome through', async () => {
    ses.on(SendEmailCommand).rejectsOnce(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));
    const error = await sender.send({ ...email, content: { kind: 'simple', subject: 'Hi', text: 't' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).code).toBe('MessageRejected');
    ses.on(SendEmailCommand).rejectsOnce(new Error('socket hang up'));
    const unknown = await sender.send({ ...email, content: { kind: 'simple', subject: 'Hi', text: 't' } }).catch((e: unknown) => e);
    expect(unknown).not.toBeInstanceOf(SendRefusedError);
  });
});

describe('SES sender with templates on the v2 API (the local SES)', () => {
  const sender = new SesEmailSender(
    new SESClient({ region: 'us-east-1' }),
    'bounce-local',
    DEFAULT_TAG_NAMES,
    new SesV2TemplateSender(new SESv2Client({ region: 'us-east-1' })),
  );
  const templated = { ...email, content: { kind: 'template' as const, template: 'offer', templateData: '{"n":1}' } };

  it('sends a template through v2 SendEmail with Content.Template, the configuration set and every tag; simple content stays on v1', async () => {
    sesV2.on(SendEmailV2Command).resolves({ MessageId: 'v2-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'v1-1' });
    expect(await sender.send(templated)).toBe('v2-1');
    expect(sesV2).toHaveReceivedCommandWith(SendEmailV2Command, {
      ConfigurationSetName: 'bounce-local',
      FromEmailAddress: 'news@mail.example.com',
      Destination: { ToAddresses: ['kim@example.org'] },
      Content: { Template: { TemplateName: 'offer', TemplateData: '{"n":1}' } },
      EmailTags: [
        { Name: 'campaign', Value: 'spring-sale' },
        { Name: 'batch', Value: 'b1' },
        { Name: 'retry-of', Value: 'orig-1' },
        { Name: 'retry-attempt', Value: '2' },
      ],
    });
    expect(ses).not.toHaveReceivedCommand(SendTemplatedEmailCommand);
    expect(await sender.send({ ...email, content: { kind: 'simple', subject: 'Hi', text: 't' } })).toBe('v1-1');
    expect(sesV2).toHaveReceivedCommandTimes(SendEmailV2Command, 1);
  });

  it('a missing template or a bad request is a refusal (named or, from the local SES, by status); a 5xx is an unknown outcome', async () => {
    const refusal = async () => (await sender.send(templated).catch((e: unknown) => e)) as Error;
    const unnamed = (status: number) =>
      new SESv2ServiceException({ name: 'Unknown', $fault: 'client', message: 'x', $metadata: { httpStatusCode: status } });
    sesV2
      .on(SendEmailV2Command)
      .rejectsOnce(new NotFoundException({ message: 'no template', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(unnamed(400))
      .rejectsOnce(unnamed(503));
    expect(await refusal()).toMatchObject({ name: 'SendRefusedError', code: 'NotFoundException' });
    expect(await refusal()).toMatchObject({ name: 'SendRefusedError', code: 'BadRequestException' });
    const unknown = await refusal();
    expect(unknown).not.toBeInstanceOf(SendRefusedError);
    expect(unknown.name).toBe('Unknown');
  });
});

describe('retry timer queue and retry-due topic', () => {
  const timer = { email: 'kim@example.org', originalMessageId: 'orig-1', attempt: 1, dueAt: '2026-11-20T18:00:00.000Z' };

  it('sends the timer as JSON with its hop as DelaySeconds; a time scale divides the delay (rounded up)', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await new SqsRetryTimerQueue(new SQSClient({ region: 'us-east-1' }), 'https://q', 1).enqueue(timer, 900);
    await new SqsRetryTimerQueue(new SQSClient({ region: 'us-east-1' }), 'https://q', 3600).enqueue(timer, 900);
    const calls = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.DelaySeconds)).toEqual([900, 1]);
    expect(parseTimer(calls[0]?.MessageBody ?? '')).toEqual({ ok: true, timer });
  });

  it('parseTimer refuses what is not a timer, naming the fields', () => {
    expect(parseTimer('{')).toEqual({ ok: false, reason: 'retry timer is not valid JSON' });
    expect(parseTimer(JSON.stringify({ ...timer, attempt: 0, dueAt: 'soon' }))).toEqual({
      ok: false,
      reason: 'not a retry timer: attempt, dueAt',
    });
  });

  it('publishes the retry-due event as JSON with type and category attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'p' });
    const event = {
      type: 'retry-due' as const,
      address: 'kim@example.org',
      originalMessageId: 'orig-1',
      category: 'mailbox-full' as const,
      attempt: 1,
      dueAt: timer.dueAt,
      campaign: 'c',
      dedupeKey: 'orig-1#1',
    };
    await new SnsRetryDuePublisher(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:1:due').publish(event);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(JSON.parse(input?.Message ?? '')).toEqual(event);
    expect(input?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'retry-due' },
      category: { DataType: 'String', StringValue: 'mailbox-full' },
    });
  });
});

describe('send requests', () => {
  it('reads the send line format: template, raw, or subject with text/html', () => {
    expect(parseSendLine('{"to":"a@b.co","from":"n@m.co","template":"t","templateData":{"x":1},"tags":{"campaign":"c"}}')).toEqual({
      ok: true,
      request: {
        to: 'a@b.co',
        from: 'n@m.co',
        tags: { campaign: 'c', batch: null, source: null },
        content: { kind: 'template', template: 't', templateData: '{"x":1}' },
      },
    });
    expect(parseSendLine('{"to":"a@b.co","from":"n@m.co","subject":"s","text":"t","tags":{"campaign":"c","batch":"b"}}')).toMatchObject({
      ok: true,
      request: { content: { kind: 'simple', subject: 's', text: 't' }, tags: { batch: 'b' } },
    });
    expect(parseSendLine('{"to":"a@b.co","from":"n@m.co","subject":"s","tags":{"campaign":"c"}}')).toEqual({
      ok: false,
      reason: 'message: give "template", "raw", or "subject" with "text" or "html"',
    });
    expect(parseSendLine('{"to":"a@b.co","from":"n@m.co","subject":"s","text":"t","tags":{}}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('tags.campaign'),
    });
  });

  it('refuses campaign, batch and source values SES cannot carry instead of rewriting them', () => {
    const line = (tags: Record<string, string>) => JSON.stringify({ to: 'a@b.co', from: 'n@m.co', subject: 's', text: 't', tags });
    expect(parseSendLine(line({ campaign: 'Spring 2026' }))).toEqual({
      ok: false,
      reason: 'tags.campaign: SES tag values allow only letters, digits and _ - . @ (no spaces)',
    });
    expect(parseSendLine(line({ campaign: 'ok', batch: 'lot/1' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^tags\.batch: /),
    });
    expect(parseSendLine(line({ campaign: 'ok', source: 'é' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^tags\.source: /),
    });
    expect(parseSendLine(line({ campaign: 'x'.repeat(257) }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^tags\.campaign: /),
    });
    expect(parseSendLine(line({ campaign: 'Spring_2026-a.b@c', batch: 'b', source: 's' }))).toMatchObject({
      ok: true,
      request: { tags: { campaign: 'Spring_2026-a.b@c', batch: 'b', source: 's' } },
    });
  });

  it('the send function reports each message on its own, invalid ones included', async () => {
    const handler = sendBatchHandler(async (request) => ({
      to: request.to,
      status: 'sent',
      messageId: `id-${request.to}`,
      retriable: true,
    }));
    const { results } = await handler({
      messages: [
        { to: 'a@b.co', from: 'n@m.co', subject: 's', text: 't', tags: { campaign: 'c' } },
        { to: 'x@y.co', tags: {} },
      ],
    });
    expect(results).toEqual([
      { to: 'a@b.co', status: 'sent', messageId: 'id-a@b.co', retriable: true },
      { to: 'x@y.co', status: 'invalid', reason: expect.stringContaining('from') },
    ]);
    await expect(handler({ messages: Array(51).fill({}) })).rejects.toThrow('at most 50');
    // An unknown outcome is one message's result: the others keep theirs.
    const flaky = sendBatchHandler(async (request) => {
      if (request.to === 'b@b.co') throw new TypeError('socket hang up for b@b.co');
      return { to: request.to, status: 'sent', messageId: 'id', retriable: true };
    });
    const line = (to: string) => ({ to, from: 'n@m.co', subject: 's', text: 't', tags: { campaign: 'c' } });
    expect((await flaky({ messages: [line('a@b.co'), line('b@b.co'), line('c@b.co')] })).results).toEqual([
      { to: 'a@b.co', status: 'sent', messageId: 'id', retriable: true },
      { to: 'b@b.co', status: 'error', reason: 'outcome unknown: TypeError' },
      { to: 'c@b.co', status: 'sent', messageId: 'id', retriable: true },
    ]);
  });

  it("one invocation's messages share one send scope; the next invocation gets a fresh one", async () => {
    const scopes: unknown[] = [];
    const handler = sendBatchHandler(async (request, _now, scope) => {
      scopes.push(scope);
      return { to: request.to, status: 'sent', messageId: 'id', retriable: true };
    });
    const line = (to: string) => ({ to, from: 'n@m.co', subject: 's', text: 't', tags: { campaign: 'c' } });
    await handler({ messages: [line('a@b.co'), line('b@b.co'), line('c@b.co')] });
    await handler({ messages: [line('d@b.co')] });
    expect(scopes[0]).toBeDefined();
    expect(new Set(scopes.slice(0, 3)).size).toBe(1);
    expect(scopes[3]).not.toBe(scopes[0]);
  });

  it('the send function has up to SEND_INVOCATION.concurrency messages in flight and answers in the messages order', async () => {
    let inFlight = 0;
    let most = 0;
    const handler = sendBatchHandler(async (request) => {
      most = Math.max(most, ++inFlight);
      // Later messages finish first: the results must still follow the messages.
      await new Promise((resolve) => setTimeout(resolve, 50 - Number(request.to.slice(1, 3))));
      inFlight--;
      return { to: request.to, status: 'sent', messageId: `id-${request.to}`, retriable: true };
    });
    const messages = Array.from({ length: 50 }, (_, i) => ({
      to: `m${String(i).padStart(2, '0')}@b.co`,
      from: 'n@m.co',
      subject: 's',
      text: 't',
      tags: { campaign: 'c' },
    }));
    const { results } = await handler({ messages });
    expect(most).toBe(SEND_INVOCATION.concurrency);
    expect(results.map((r) => r.to)).toEqual(messages.map((m) => m.to));
  });
});
