import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { projectRoot } from './corpus.js';

export const bin = join(projectRoot, 'bin', 'bounce.mjs');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const childEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  FAUXQS_LOGGER: 'false',
  ...extra,
});

/** `npx bounce ARGS` as a user runs it: a new process from the project folder, stdin from `input`. */
export function bounce(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: projectRoot, env: childEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface StartedRuntime {
  readonly child: ChildProcess;
  readonly file: RuntimeFile;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `npx bounce start ARGS` in the background until runtime.json names this process. */
export async function startBounce(dataDir: string, args: readonly string[] = ['--port', '0']): Promise<StartedRuntime> {
  const child = spawn(process.execPath, [bin, 'start', '--data', dataDir, ...args], { cwd: projectRoot, env: childEnv() });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const runtimePath = join(dataDir, 'runtime.json');
  // Up to 90 s: a loaded machine (several suites at once) takes over 30 s to start the emulators.
  for (let i = 0; i < 900; i++) {
    if (existsSync(runtimePath) && out.includes('Stop:')) {
      const file = JSON.parse(readFileSync(runtimePath, 'utf8')) as RuntimeFile;
      if (file.pid === child.pid) {
        return {
          child,
          file,
          stdout: () => out,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        };
      }
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`bounce start did not come up:\n${out}\n${err}`);
}
