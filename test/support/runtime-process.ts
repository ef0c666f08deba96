import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient, type QueueAttributeName } from '@aws-sdk/client-sqs';
import { LOCAL_RETRY_NAMES } from '../../local/local-retries.js';
import { clientConfigFor, type RuntimeFile } from '../../local/runtime-file.js';
import { projectRoot } from './corpus.js';

/** `bounce start` as a separate process on a data folder (persisted), to be killed like a real one. */
export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly file: RuntimeFile;
  readonly exited: Promise<number | null>;
  output(): string;
}

export async function spawnRuntime(dataDir: string, env: Record<string, string> = {}): Promise<RuntimeProcess> {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'bounce.mjs'), 'start', '--port', '0', '--data', dataDir], {
    cwd: projectRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const runtimePath = join(dataDir, 'runtime.json');
  for (let i = 0; i < 600; i++) {
    if (existsSync(runtimePath)) {
      const file = JSON.parse(readFileSync(runtimePath, 'utf8')) as RuntimeFile;
      if (file.pid === child.pid) return { child, file, exited, output: () => out };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`runtime did not start: ${out}`);
}

/** A command's io in memory: what it wrote to stdout and stderr. */
export function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out: () => out, err: () => err };
}

/** A campaign's figures from the runtime's API. */
export async function campaignFigures(
  apiUrl: string,
  campaign: string,
): Promise<{ sends: number; deliveries: number; hardBounces: number }> {
  const response = await fetch(`${apiUrl}/campaigns/${encodeURIComponent(campaign)}/health?hours=48`);
  const body = (await response.json()) as { sends?: number; deliveries?: number; hardBounces?: number };
  return { sends: body.sends ?? 0, deliveries: body.deliveries ?? 0, hardBounces: body.hardBounces ?? 0 };
}

/** Every suppressed address, walking the list API's pages. */
export async function suppressedAddresses(apiUrl: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const response = await fetch(
      `${apiUrl}/suppressions?status=suppressed&limit=500${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
    );
    const page = (await response.json()) as { items: Array<{ email: string }>; nextToken?: string };
    found.push(...page.items.map((item) => item.email));
    token = page.nextToken;
  } while (token);
  return found;
}

const WAITING = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const satisfies readonly QueueAttributeName[];

/**
 * Until the runtime has classified everything on its notifications queue (none visible, in flight or
 * delayed), polling: what a published notification changes is then in the tables. False on timeout.
 */
export async function notificationsSettled(file: RuntimeFile, timeoutMs = 20_000): Promise<boolean> {
  const sqs = new SQSClient({ ...clientConfigFor(file, 'sqs'), useQueueUrlAsEndpoint: false });
  try {
    const deadline = Date.now() + timeoutMs;
    do {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: file.queues.notifications, AttributeNames: [...WAITING] }),
      );
      const waiting = WAITING.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
      if (waiting === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    return false;
  } finally {
    sqs.destroy();
  }
}

/** Messages on a queue: visible and in flight, and (with `delayed`) those not yet visible. */
async function onQueue(sqs: SQSClient, queueUrl: string, delayed: boolean): Promise<number> {
  const names: QueueAttributeName[] = delayed ? [...WAITING] : ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'];
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }));
  return names.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
}

/**
 * Until a runtime has done what `runtime.drain()` does: every notification classified (its queue empty, nothing
 * in flight or delayed) and every retry timer that is due handled (its queue empty of visible and in-flight
 * messages; a timer delayed into the future is not due), polled. drain() itself waits out two idle rounds behind
 * each poller's 1 s long poll: ~8 s, even on an idle runtime.
 */
export async function settled(runtime: { readonly file: RuntimeFile }, timeoutMs = 30_000): Promise<void> {
  const sqs = new SQSClient({ ...clientConfigFor(runtime.file, 'sqs'), useQueueUrlAsEndpoint: false });
  try {
    const { QueueUrl: retryQueue = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: LOCAL_RETRY_NAMES.retryQueue }));
    const deadline = Date.now() + timeoutMs;
    // Notifications, then the timers their classification queued, then notifications again (a timer's send is answered by one).
    while (
      (await onQueue(sqs, runtime.file.queues.notifications, true)) +
        (await onQueue(sqs, retryQueue, false)) +
        (await onQueue(sqs, runtime.file.queues.notifications, true)) >
      0
    ) {
      if (Date.now() > deadline) throw new Error(`the runtime still had work queued after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    sqs.destroy();
  }
}
