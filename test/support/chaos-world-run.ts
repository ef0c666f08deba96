import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsvLine } from '../../cli/csv.js';
import { runtimeClock } from '../../local/runtime-file.js';
import { parseWorldLog, WORLD_FILE } from '../../local/world-log.js';
import type { RetryState } from '../../shared/domain/index.js';
import { queueWatch } from './chaos-run.js';
import { bounce, startBounce, type StartedRuntime } from './cli.js';
import {
  collectAccepted,
  ENDED,
  FOLLOW_UP,
  isRetryMessage,
  killWhileEventsPending,
  mailedWhenSuppressed,
  mailedWhilePaused,
  openStories,
  PAUSED_CAMPAIGN,
  repeatedSends,
  retryStates,
  sendLine,
  verdictDifferences,
  worldPlan,
  type Accepted,
  type WorldPlan,
} from './world-chaos.js';

export interface WorldRunOptions {
  readonly plan: WorldPlan;
  /** The runtime clock runs this many times faster than real time. */
  readonly timeScale: number;
  /** Kills during retries and replays of the world's events (the chaos run); false: the clean run. */
  readonly chaos: boolean;
  /** How long the paused campaign stays paused, in hours of the runtime clock. */
  readonly pauseHours: number;
  /** Give up waiting for the end when nothing changed for this long (real seconds). */
  readonly stallSeconds?: number;
  readonly progress?: (line: string) => void;
}

/** An address's final verdict, as `bounce check` prints it. */
export interface Verdict {
  readonly suppressed: string;
  readonly status: string;
  readonly reason: string;
}

export interface WorldRunResult {
  readonly accepted: Accepted;
  readonly states: readonly RetryState[];
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /** Address → the runtime instant from which it must get no mail (import, or seen suppressed by `bounce check`). */
  readonly doNotMail: ReadonlyMap<string, string>;
  /** The paused campaign: from the pause's answer to the resume's request (runtime clock, ISO). */
  readonly pause: { readonly from: string; readonly to: string };
  /** Retry states of the paused campaign due and waiting when the resume was asked for. */
  readonly heldAtResume: number;
  /** Answers of `bounce send`, by campaign and status (`whilePaused` for the lines sent to the paused campaign). */
  readonly answers: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Per address: the follow-up campaign's answer. */
  readonly followUp: ReadonlyMap<string, string>;
  /** Per kill: the world's retry messages with events still to publish. */
  readonly kills: readonly number[];
  readonly replays: { readonly runs: number; readonly events: number };
  readonly deadLetters: number;
  /** False when the run stopped waiting before every story ended. */
  readonly idle: boolean;
  readonly seconds: number;
  readonly output: string;
}

/** A replay after a restart: the events of the last hours of the runtime clock. */
const RECENT_REPLAY_HOURS = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One run of the world chaos proof on a spawned `bounce start --world`: import, three campaigns
 * sent at once, the second paused as soon as it is sent and resumed `pauseHours` of runtime
 * clock later (lines sent to it in between), the dead and complained-of addresses waited for
 * until `bounce check` says suppressed, some erased, then a follow-up campaign to them; then
 * until every retry story ended and the world published everything. The chaos run adds a
 * `kill -9` while retries are in flight after the sends, during the pause and after the resume
 * (restarted on the same folder), each followed, once the restarted runtime's queue is empty, by
 * two concurrent `bounce ingest`s of the events the world published in the last 6 hours; and once
 * every story has ended, two of every event of the run, and the wait for the end again.
 */
export async function driveWorld(options: WorldRunOptions): Promise<WorldRunResult> {
  const { plan, timeScale, chaos } = options;
  const say = options.progress ?? (() => {});
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'bounce-world-chaos-'));
  const worldFile = join(dataDir, 'world.in.jsonl');
  writeFileSync(worldFile, `${plan.entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
  const args = ['--port', '0', '--time-scale', String(timeScale), '--world', worldFile];
  const accepted: Accepted = new Map();
  const doNotMail = new Map<string, string>();
  const answers: Record<string, Record<string, number>> = {};
  const kills: number[] = [];
  const replays = { runs: 0, events: 0 };
  let output = '';

  let runtime: StartedRuntime = await startBounce(dataDir, args);
  const now = () => runtimeClock(runtime.file)().toISOString();
  const cli = async (command: readonly string[], input?: string) => {
    const run = await bounce([...command, '--data', dataDir], input === undefined ? {} : { input });
    if (run.status !== 0 && command[0] !== 'send') throw new Error(`bounce ${command.join(' ')}: exit ${run.status}\n${run.stderr}`);
    return run;
  };
  const send = async (campaign: string, key: string, to: readonly string[]) => {
    const run = await cli(['send', '-'], `${to.map((address) => sendLine(address, campaign)).join('\n')}\n`);
    const byStatus = (answers[key] ??= {});
    const statusOf = new Map<string, string>();
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const answer = JSON.parse(line) as { to: string; status: string };
      byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
      statusOf.set(answer.to, answer.status);
    }
    return statusOf;
  };
  const waitUntil = async (iso: string) => {
    while (now() < iso) await sleep(200);
  };
  const hoursFrom = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3600_000).toISOString();
  /** Two concurrent `bounce ingest`s of the events the world published (dated up to now; the last `hours` only, if given). */
  const replay = async (hours: number | null) => {
    collectAccepted(dataDir, accepted);
    const at = now();
    const from = hours === null ? '' : hoursFrom(at, -hours);
    const events = [...accepted.values()].flatMap((m) =>
      m.events.filter((e) => e.at <= at && e.at >= from).map((e) => JSON.stringify(e.event)),
    );
    const file = join(dataDir, `replay-${replays.runs}.jsonl`);
    writeFileSync(file, `${events.join('\n')}\n`);
    // Two at once, as two operators replaying the same file would.
    await Promise.all([cli(['ingest', file]), cli(['ingest', file])]);
    replays.runs += 2;
    replays.events += 2 * events.length;
    say(`replayed ${events.length} events twice${hours === null ? '' : ` (those of the last ${hours} h)`}`);
  };
  /** Until the notifications queue is empty (at most `ms`): what the restarted runtime reads first is its own backlog. */
  const drained = async (ms: number) => {
    const queues = queueWatch(runtime.file);
    try {
      const until = Date.now() + ms;
      while (Date.now() < until && (await queues.notifications()).total > 0) await sleep(250);
    } finally {
      queues.close();
    }
  };
  const killAndRestart = async (what: string, which: Parameters<typeof killWhileEventsPending>[3]) => {
    const pid = runtime.child.pid;
    let pending = 0;
    try {
      pending = await killWhileEventsPending(runtime, dataDir, 0, which, 120_000);
    } catch {
      say(`no kill ${what}: no retry had events pending within 120 s`);
      kills.push(0);
      return;
    }
    kills.push(pending);
    output += runtime.stdout() + runtime.stderr();
    collectAccepted(dataDir, accepted);
    say(`kill -9 ${what} (pid ${pid}): ${pending} retry messages with events pending`);
    runtime = await startBounce(dataDir, args);
    say(`restarted (pid ${runtime.child.pid})`);
    // Replays of everything while stories run would hold the retries behind a backlog of hours of a
    // fast clock (their windows would close); the recent events are those an attempt in flight needs.
    await drained(30_000);
    await replay(RECENT_REPLAY_HOURS);
  };

  let result: Omit<WorldRunResult, 'seconds' | 'output'>;
  try {
    // Suppressed before any send: the first campaign lists them, and each must be refused.
    await cli(['import', '-'], `${plan.imported.map((address) => `${address},BOUNCE`).join('\n')}\n`);
    const importedAt = now();
    for (const address of plan.imported) doNotMail.set(address, importedAt);

    // The three campaigns at once; the second is paused as soon as it is sent, while its retries are due.
    let pauseFrom = '';
    say('sending three campaigns');
    await Promise.all(
      [...new Set(plan.recipients.map((r) => r.campaign))].map(async (campaign) => {
        const to = plan.recipients.filter((r) => r.campaign === campaign && !plan.whilePaused.includes(r.address)).map((r) => r.address);
        await send(campaign, campaign, to);
        if (campaign !== PAUSED_CAMPAIGN) return;
        await cli(['pause', campaign, '--reason', 'chaos: paused while its retries are due']);
        pauseFrom = now();
        say(`${campaign} paused`);
      }),
    );
    const pauseEnds = hoursFrom(pauseFrom, options.pauseHours);
    if (chaos) await killAndRestart('after the sends', isRetryMessage);

    // While paused: new lines to it are refused, its due retries wait.
    const late = await send(PAUSED_CAMPAIGN, 'whilePaused', plan.whilePaused);
    say(`sent ${late.size} lines to the paused campaign`);
    if (chaos) {
      await waitUntil(hoursFrom(pauseFrom, options.pauseHours / 2));
      await killAndRestart('during the pause', isRetryMessage);
    }
    await waitUntil(pauseEnds);
    const pauseTo = now();
    const heldAtResume = (await retryStates(runtime.file)).filter(
      (s) => s.campaign === PAUSED_CAMPAIGN && (s.status === 'scheduled' || s.status === 'sending') && s.dueAt <= pauseTo,
    ).length;
    await cli(['resume', PAUSED_CAMPAIGN, '--reason', 'chaos: resumed']);
    say(`${PAUSED_CAMPAIGN} resumed with ${heldAtResume} due retries waiting`);
    if (chaos) {
      const pausedRetry = (m: Parameters<typeof isRetryMessage>[0]) =>
        isRetryMessage(m) && (m.events[0]?.event.mail as { tags?: Record<string, string[]> }).tags?.campaign?.[0] === PAUSED_CAMPAIGN;
      await killAndRestart('after the resume', pausedRetry);
    }

    // Wait until every address whose first campaign suppresses it is suppressed, erase some, then mail them again.
    const mustSuppress = plan.recipients.filter((r) => r.story === 'dead' || r.story === 'complaint').map((r) => r.address);
    const waitedSince = Date.now();
    for (;;) {
      const run = await cli(['check', '-'], `${mustSuppress.filter((a) => !doNotMail.has(a)).join('\n')}\n`);
      const seenAt = now();
      for (const line of run.stdout.split('\n').slice(1).filter(Boolean)) {
        const [email, suppressed] = parseCsvLine(line);
        if (suppressed === 'true' && email) doNotMail.set(email, seenAt);
      }
      if (mustSuppress.every((a) => doNotMail.has(a))) break;
      if (Date.now() - waitedSince > 600_000) throw new Error('dead and complained-of addresses not all suppressed after 10 min');
      await sleep(2000);
    }
    for (const address of plan.erased) await cli(['erase', address, '--reason', 'chaos: erasure request']);
    say(`erased ${plan.erased.length} addresses; sending the follow-up campaign`);
    const followUp = await send(FOLLOW_UP, FOLLOW_UP, plan.followUp);

    // The end: the world published everything, the queue is empty, every retry story ended; twice in a row.
    const stallMs = (options.stallSeconds ?? 600) * 1000;
    const queues = queueWatch(runtime.file);
    const untilIdle = async () => {
      let states: RetryState[] = [];
      let quiet = 0;
      let signature = '';
      let changedAt = Date.now();
      let reported = 0;
      while (quiet < 2) {
        await sleep(2000);
        collectAccepted(dataDir, accepted);
        states = await retryStates(runtime.file);
        const pending = parseWorldLog(readFileSync(join(dataDir, WORLD_FILE), 'utf8')).pending.size;
        const queued = (await queues.notifications()).total;
        const open = states.filter((s) => !ENDED.includes(s.status)).length;
        const seen = `${accepted.size} ${pending} ${queued} ${states.map((s) => `${s.status}${s.attempt}`).join()}`;
        if (seen !== signature) [signature, changedAt] = [seen, Date.now()];
        quiet = pending === 0 && queued === 0 && open === 0 ? quiet + 1 : 0;
        if (Date.now() - reported > 20_000) {
          say(
            `${accepted.size} messages accepted, ${open} of ${states.length} retry stories open, ${pending} messages with events to come`,
          );
          reported = Date.now();
        }
        if (Date.now() - changedAt > stallMs) break;
      }
      return { states, idle: quiet >= 2 };
    };
    try {
      let { states, idle } = await untilIdle();
      if (chaos && idle) {
        // Every event of the run again, twice: an ended story must stay ended, and no verdict may move.
        await replay(null);
        ({ states, idle } = await untilIdle());
      }
      const deadLetters = await queues.deadLetters();
      const run = await cli(['check', '-'], `${plan.recipients.map((r) => r.address).join('\n')}\n`);
      const verdicts = new Map<string, Verdict>();
      for (const line of run.stdout.split('\n').slice(1).filter(Boolean)) {
        const [email = '', suppressed = '', status = '', reason = ''] = parseCsvLine(line);
        verdicts.set(email, { suppressed, status, reason });
      }
      result = {
        accepted,
        states,
        verdicts,
        doNotMail,
        pause: { from: pauseFrom, to: pauseTo },
        heldAtResume,
        answers,
        followUp,
        kills,
        replays,
        deadLetters,
        idle,
      };
    } finally {
      queues.close();
    }
  } finally {
    await runtime.stop();
    output += runtime.stdout() + runtime.stderr();
    collectAccepted(dataDir, accepted);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ...result, seconds: (Date.now() - started) / 1000, output };
}

export interface WorldChaosOptions {
  readonly sends: number;
  readonly seed: number;
  readonly timeScale: number;
  readonly pauseHours?: number;
  readonly progress?: (line: string) => void;
}

export interface WorldChaosReport {
  readonly clean: WorldRunResult;
  readonly chaos: WorldRunResult;
  /** The table of figures and checks, printable. */
  readonly lines: readonly string[];
  /** Every check passed. */
  readonly pass: boolean;
}

/** A send already past its pause check when the pause is written may reach SES this much later (real time). */
const PAUSE_GRACE_REAL_MS = 2000;

const byStatus = (states: readonly RetryState[]) => {
  const counts: Record<string, number> = {};
  for (const s of states) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
};

/** What the follow-up campaign must answer each address: refused, but for the delivered ones (never suppressed). */
function expectedFollowUp(plan: WorldPlan): Map<string, string> {
  const mailable = new Set(plan.recipients.filter((r) => r.story === 'delivered').map((r) => r.address));
  const forbidden = new Set([...plan.imported, ...plan.erased]);
  return new Map(plan.followUp.map((address) => [address, mailable.has(address) && !forbidden.has(address) ? 'sent' : 'refused']));
}

const followUpSurprises = (plan: WorldPlan, run: WorldRunResult): string[] =>
  [...expectedFollowUp(plan)].flatMap(([address, expected]) => {
    const got = run.followUp.get(address) ?? 'no answer';
    return got === expected ? [] : [`${address}: ${got}, expected ${expected}`];
  });

/**
 * The world chaos proof: the same world and sends through a clean run and a chaos run (see
 * driveWorld), then the checks: every retry story ended, no send accepted twice, no mail to an
 * address after it was suppressed (imported, bounced or complained, erased) nor for the paused
 * campaign while paused, and the chaos run's final verdicts equal to the clean run's.
 */
export async function runWorldChaos(options: WorldChaosOptions): Promise<WorldChaosReport> {
  const say = options.progress ?? (() => {});
  const plan = worldPlan(options.sends, options.seed);
  const pauseHours = options.pauseHours ?? 6;
  const stories: Record<string, number> = {};
  for (const r of plan.recipients) stories[r.story] = (stories[r.story] ?? 0) + 1;
  say(`world: ${plan.recipients.length} mailboxes ${JSON.stringify(stories)} (seed ${options.seed}), clock ${options.timeScale}x`);
  const run = (chaos: boolean) =>
    driveWorld({
      plan,
      timeScale: options.timeScale,
      chaos,
      pauseHours,
      progress: (line) => say(`  ${chaos ? 'chaos' : 'clean'}: ${line}`),
    });
  say('clean run: no kills, no replays');
  const clean = await run(false);
  say(`clean run: ${clean.seconds.toFixed(0)} s`);
  say('chaos run: kill -9 after the sends, during the pause and after the resume, each while retries are in flight; replays');
  const chaos = await run(true);
  say(`chaos run: ${chaos.seconds.toFixed(0)} s`);

  const graceMs = PAUSE_GRACE_REAL_MS * options.timeScale;
  const rows: Array<readonly [what: string, clean: string, chaos: string, pass: boolean | null]> = [];
  const both = (what: string, measure: (r: WorldRunResult) => string, pass: ((r: WorldRunResult) => boolean) | null) =>
    rows.push([what, measure(clean), measure(chaos), pass === null ? null : pass(clean) && pass(chaos)]);
  const found = new Map<string, string[]>();
  const problems = (what: string, list: string[]) => {
    if (list.length > 0) found.set(what, [...(found.get(what) ?? []), ...list]);
    return list.length;
  };
  const originals = (r: WorldRunResult) => [...r.accepted.values()].filter((m) => m.retryOf === null).length;
  both('messages accepted by the world: originals + retries', (r) => `${originals(r)} + ${r.accepted.size - originals(r)}`, null);
  both('retry stories by final status', (r) => byStatus(r.states) || 'none', null);
  both(
    'retry stories ended (none left scheduled, sending or sent)',
    (r) => `${r.states.length - openStories(r.states).length} of ${r.states.length}${r.idle ? '' : ' (stalled)'}`,
    (r) =>
      r.idle &&
      problems(
        'open retry stories',
        openStories(r.states).map((s) => `${s.email} ${s.originalMessageId}: ${s.status} at attempt ${s.attempt}`),
      ) === 0,
  );
  both(
    'sends accepted twice (attempt of a message, or a campaign to an address)',
    (r) => String(repeatedSends(r.accepted).length),
    (r) => problems('accepted twice', repeatedSends(r.accepted)) === 0,
  );
  both(
    'mail after suppression (imported, bounced, complained, erased)',
    (r) => `${mailedWhenSuppressed(r.accepted, r.doNotMail).length} (${r.doNotMail.size} addresses watched)`,
    (r) => problems('mailed when suppressed', mailedWhenSuppressed(r.accepted, r.doNotMail)) === 0,
  );
  const paused = (r: WorldRunResult) => mailedWhilePaused(r.accepted, { campaign: PAUSED_CAMPAIGN, ...r.pause }, graceMs);
  both(
    `mail of ${PAUSED_CAMPAIGN} while paused`,
    (r) => `${paused(r).length} (${((Date.parse(r.pause.to) - Date.parse(r.pause.from)) / 3600_000).toFixed(1)} h paused)`,
    (r) => problems('mailed while paused', paused(r)) === 0,
  );
  both(
    'its due retries waiting at the resume',
    (r) => String(r.heldAtResume),
    (r) => r.heldAtResume > 0,
  );
  const lateRefused = (r: WorldRunResult) => r.answers.whilePaused?.refused ?? 0;
  both(
    'lines sent to it while paused, refused',
    (r) => `${lateRefused(r)} of ${plan.whilePaused.length}`,
    (r) => lateRefused(r) === plan.whilePaused.length,
  );
  both(
    `follow-up ${FOLLOW_UP}: answers as expected (refused but for ${[...expectedFollowUp(plan).values()].filter((v) => v === 'sent').length})`,
    (r) => `${plan.followUp.length - followUpSurprises(plan, r).length} of ${plan.followUp.length}`,
    (r) => problems('follow-up', followUpSurprises(plan, r)) === 0,
  );
  both(
    'notification DLQ at the end',
    (r) => String(r.deadLetters),
    (r) => r.deadLetters === 0,
  );
  rows.push([
    'kill -9 with retry events in flight',
    '-',
    `${chaos.kills.filter((n) => n > 0).length} of 3 (${chaos.kills.join(', ')} retry messages pending)`,
    chaos.kills.length === 3 && chaos.kills.every((n) => n > 0),
  ]);
  rows.push([
    'replays (bounce ingest of published events, twice at once)',
    '-',
    `${chaos.replays.runs} runs, ${chaos.replays.events} events`,
    null,
  ]);
  const differences = verdictDifferences(clean.verdicts, chaos.verdicts);
  problems('final verdicts', differences);
  rows.push([
    'final verdict (status, reason) per address equal to clean',
    `${clean.verdicts.size} addresses`,
    `${differences.length} differ`,
    differences.length === 0 && chaos.verdicts.size === plan.recipients.length,
  ]);
  rows.push(['run time', `${clean.seconds.toFixed(0)} s`, `${chaos.seconds.toFixed(0)} s`, null]);

  const width = Math.max(...rows.map(([what]) => what.length));
  const cleanWidth = Math.max(5, ...rows.map(([, c]) => c.length));
  const chaosWidth = Math.max(5, ...rows.map(([, , c]) => c.length));
  const lines = [
    `${'check'.padEnd(width)}  ${'clean'.padEnd(cleanWidth)}  ${'chaos'.padEnd(chaosWidth)}  result`,
    ...rows.map(
      ([what, a, b, pass]) =>
        `${what.padEnd(width)}  ${a.padEnd(cleanWidth)}  ${b.padEnd(chaosWidth)}  ${pass === null ? '' : pass ? 'PASS' : 'FAIL'}`,
    ),
  ];
  for (const [what, list] of found) lines.push(`${what}: ${list.length}`, ...list.slice(0, 20).map((line) => `  ${line}`));
  const pass = rows.every(([, , , ok]) => ok !== false);
  lines.push(pass ? 'PASS: every check holds' : 'FAIL: see the checks above');
  return { clean, chaos, lines, pass };
}
