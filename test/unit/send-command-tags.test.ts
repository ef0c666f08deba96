import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCommand } from '../../cli/send-command.js';
import type { RuntimeFile } from '../../local/runtime-file.js';

const ses = mockClient(SESClient);
const dynamo = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  ses.reset();
  dynamo.reset();
});

function runtimeFile(tagNames?: RuntimeFile['tagNames']): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'bounce-send-tags-'));
  const file: RuntimeFile = {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dataDir,
    region: 'us-east-1',
    apiUrl: 'http://127.0.0.1:1',
    endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:1', sns: 'http://127.0.0.1:1', ses: 'http://127.0.0.1:1' },
    sesViewerUrl: null,
    timeScale: 1,
    topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
    queues: { notifications: 'q', notificationsDlq: 'd' },
    tables: { addresses: 'bounce-addresses', campaigns: 'bounce-campaigns' },
    ...(tagNames ? { tagNames } : {}),
  };
  writeFileSync(join(dataDir, 'runtime.json'), JSON.stringify(file));
  return dataDir;
}

async function sendOne(dataDir: string): Promise<number> {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  dynamo.resolves({});
  const stdin = new PassThrough();
  stdin.end(JSON.stringify({ to: 'kim@example.org', from: 'n@mail.example.com', subject: 's', text: 't', tags: { campaign: 'spring' } }));
  return sendCommand({ source: '-', dataDir }, { stdin, stdout: new PassThrough(), stderr: new PassThrough() });
}

describe('bounce send uses the running runtime tag names', () => {
  it('tags with the names recorded in runtime.json (bounce start --campaign-tag mailing)', async () => {
    expect(await sendOne(runtimeFile({ campaign: 'mailing', batch: 'lot', source: 'origin' }))).toBe(0);
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Tags).toEqual([
      { Name: 'mailing', Value: 'spring' },
      { Name: 'retry-body', Value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('falls back to the default names for a runtime.json without tagNames', async () => {
    expect(await sendOne(runtimeFile())).toBe(0);
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Tags).toEqual([
      { Name: 'campaign', Value: 'spring' },
      { Name: 'retry-body', Value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });
});
