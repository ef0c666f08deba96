import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_TAG_NAMES, type TagNames } from '../shared/domain/index.js';

/** `DIR/runtime.json`: where a running local runtime says its endpoints are (a stable contract). */
export interface RuntimeFile {
  readonly version: 1;
  readonly pid: number;
  readonly startedAt: string;
  readonly dataDir: string;
  readonly region: string;
  readonly apiUrl: string;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly sns: string; readonly ses: string };
  /** The local SES's web viewer of sent mail; null when the runtime uses an external SES. */
  readonly sesViewerUrl: string | null;
  /** The runtime's clock runs this many times faster than real time, from `startedAt` (or `clockOrigin`). */
  readonly timeScale: number;
  /** The clock read `simulated` at the real instant `real` (absent in files of older runtimes: `startedAt` both). */
  readonly clockOrigin?: { readonly real: string; readonly simulated: string };
  readonly topicArn: string;
  readonly queues: { readonly notifications: string; readonly notificationsDlq: string };
  readonly tables: { readonly addresses: string; readonly campaigns: string };
  /** The SES tag names the runtime reads campaign, batch and source from (absent in files of older runtimes). */
  readonly tagNames?: TagNames;
}

/** The tag names a runtime classifies by: what its file records, else the defaults. */
export const tagNamesOf = (file: RuntimeFile): TagNames => file.tagNames ?? DEFAULT_TAG_NAMES;

export const DEFAULT_DATA_DIR = '.data';

/** How the README runs the CLI (the repository's ./bounce: node and the bundle, no npm in between), for hints. */
export const BOUNCE_COMMAND = './bounce';
export const runtimeFilePath = (dataDir: string): string => join(dataDir, 'runtime.json');

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A process killed (kill -9) but not yet reaped by its parent still answers kill(pid, 0): Linux says it is a zombie. */
function isZombie(pid: number): boolean {
  try {
    // /proc/PID/stat: "PID (name) STATE ...", the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (not Linux): trust kill(pid, 0)
  }
}

/** The running runtime's file, or null when there is none (or it is left over from a runtime that died). */
export async function readRuntimeFile(dataDir: string): Promise<RuntimeFile | null> {
  try {
    const file = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RuntimeFile;
    return typeof file.pid === 'number' && isProcessAlive(file.pid) ? file : null;
  } catch {
    return null;
  }
}

/**
 * AWS client settings to reach a runtime's service: its endpoint, and fake
 * credentials only when that endpoint is an embedded emulator on loopback
 * (a runtime started with --external uses the default credentials chain).
 */
export function clientConfigFor(runtime: RuntimeFile, service: keyof RuntimeFile['endpoints']) {
  const endpoint = runtime.endpoints[service];
  const loopback = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint);
  return { region: runtime.region, endpoint, ...(loopback ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) };
}

/**
 * Why there is no running runtime on `dataDir`, in words a user can act on:
 * no runtime.json at all, or one left by a runtime that died without stopping (kill -9, a crash).
 */
export async function whyNotRunning(dataDir: string): Promise<string> {
  const path = runtimeFilePath(dataDir);
  const dataFlag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data ${dataDir}`;
  let pid: unknown;
  try {
    pid = (JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown }).pid;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return `the runtime is not running (no ${path}): start it with "${BOUNCE_COMMAND} start${dataFlag}"`;
    return `the runtime is not running (${path} is unreadable): start it with "${BOUNCE_COMMAND} start${dataFlag}"`;
  }
  return (
    `the runtime is not running: ${path} was left by pid ${String(pid)}` +
    `, which is gone (killed or crashed); start it again with "${BOUNCE_COMMAND} start${dataFlag}" (what it had queued comes back)`
  );
}

/** The runtime of `dataDir` has a file and a pid, but nothing answers at its API (killed, and the pid not yet gone or reused). */
export function notAnswering(dataDir: string, apiUrl: string): string {
  const dataFlag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data ${dataDir}`;
  return (
    `the runtime is not running: nothing answers at ${apiUrl}, where ${runtimeFilePath(dataDir)} says it listens ` +
    `(killed or crashed); start it again with "${BOUNCE_COMMAND} start${dataFlag}" (what it had queued comes back)`
  );
}

/**
 * A clock that runs `timeScale` times faster than real time from `origin` (real ms, the runtime's start),
 * when it read `simulatedOrigin` (default: `origin`; later after a restart, see local/runtime-clock.ts).
 */
export function scaledClock(timeScale: number, origin: number, simulatedOrigin = origin): () => Date {
  if (timeScale === 1 && simulatedOrigin === origin) return () => new Date();
  return () => new Date(simulatedOrigin + (Date.now() - origin) * timeScale);
}

/** The running runtime's clock as another process reads it: its time scale, from its saved origin. */
export function runtimeClock(file: RuntimeFile): () => Date {
  const origin = file.clockOrigin ?? { real: file.startedAt, simulated: file.startedAt };
  return scaledClock(file.timeScale ?? 1, Date.parse(origin.real), Date.parse(origin.simulated));
}
