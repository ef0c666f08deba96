import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export interface Dynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** dynalite in-process on a free loopback port. */
export async function startDynamo(): Promise<Dynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region, credentials });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Messaging {
  readonly endpoint: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  stop(): Promise<void>;
}

/** fauxqs (SNS + SQS) in-process on a free loopback port. */
export async function startMessaging(): Promise<Messaging> {
  process.env.FAUXQS_LOGGER = 'false';
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  // Queue URLs name a host that does not resolve here: always use the explicit endpoint.
  const sqs = new SQSClient({ endpoint, region, credentials, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient({ endpoint, region, credentials });
  return {
    endpoint,
    sns,
    sqs,
    stop: async () => {
      sqs.destroy();
      sns.destroy();
      await server.stop();
    },
  };
}

export const awsTestConfig = { region, credentials };
