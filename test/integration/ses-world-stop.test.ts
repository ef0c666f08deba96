import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { startSesWorld } from '../../local/ses-world.js';
import { silentLogger } from '../../shared/app/ports.js';

describe('the local SES world on stop', () => {
  it('settles events still waiting for their time, and publishes none of them', async () => {
    const published: string[] = [];
    const sns = {
      send: async (command: { input: { Message?: string } }) => {
        published.push((JSON.parse(command.input.Message ?? '{}') as { eventType: string }).eventType);
        return {};
      },
    } as unknown as SNSClient;
    const frozen = new Date('2026-11-20T12:00:00.000Z');
    const world = await startSesWorld({
      entries: [],
      // A clock that does not move and a tiny time scale: the Delivery event (1 s later) waits about 17 minutes.
      timeScale: 0.001,
      clock: () => frozen,
      sns,
      topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
      logger: silentLogger,
    });
    const ses = new SESClient({ region: 'us-east-1', endpoint: world.ses.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      await ses.send(
        new SendEmailCommand({
          Source: 'n@mail.example.com',
          Destination: { ToAddresses: ['kim@example.org'] },
          Message: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } },
        }),
      );
    } finally {
      ses.destroy();
    }
    // A poll, not a sleep: on a loaded machine the Send event took more than 10 s once.
    const deadline = Date.now() + 30_000;
    while (!published.includes('Send') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(published).toEqual(['Send']);

    const started = Date.now();
    await world.stop();
    await Promise.race([world.settle(), new Promise((done) => setTimeout(done, 6000))]); // before: the Delivery wait never settled, so this hung
    expect(Date.now() - started).toBeLessThan(5000);
    expect(published).toEqual(['Send']);
  }, 45_000);
});
