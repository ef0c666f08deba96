import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll } from 'vitest';

/**
 * For the files that share a worker's module graph (vitest.config: isolate false): after each file,
 * put back the environment it changed and the SDK clients it mocked (aws-sdk-client-mock stubs
 * `send` on the class's prototype, which the next file in the worker would otherwise inherit).
 */
const MOCKABLE_CLIENTS = [
  DynamoDBClient,
  DynamoDBDocumentClient,
  EventBridgeClient,
  SecretsManagerClient,
  SESClient,
  SESv2Client,
  SNSClient,
  SQSClient,
];

const environment = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  for (const client of MOCKABLE_CLIENTS) {
    const send = client.prototype.send as { restore?: () => void };
    send.restore?.();
  }
});
