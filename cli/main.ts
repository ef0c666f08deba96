import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ApiClient } from './api-client.js';
import type { CommandIo } from './suppression-commands.js';
import { nearest } from './did-you-mean.js';
import { COMMAND_USAGE, usageOf } from './usage.js';
import { DEFAULT_DATA_DIR } from '../local/runtime-file.js';
import { DEFAULT_TAG_NAMES, type TagNames } from '../shared/domain/outcomes.js';
import { parseInstant } from '../shared/domain/period.js';

// Each command loads its own modules when it runs, so `bounce --version` and
// `bounce classify` do not pay for the AWS SDK and the local emulators.

const USAGE = `Usage: bounce <command> [options]

Classify (offline):
  classify [FILE...]        Classify SES notifications or recipient lines (JSON Lines)
                            from FILEs or stdin; one JSON decision per recipient on
                            stdout. --summary, --campaign-tag/--batch-tag/--source-tag NAME

Local runtime (the whole pipeline on this machine):
  start [--port N] [--data DIR] [--memory] [--external] [--log-format text|json] [--world FILE] [--time-scale N]
        [--campaign-tag/--batch-tag/--source-tag NAME]
                            Start it (API on 127.0.0.1:N, default 3000; data in DIR,
                            default .data; --memory: throwaway store; --external: use
                            the AWS endpoints of the environment, not embedded emulators;
                            --world: the mailboxes of the local SES, JSON Lines
                            {"address","responses":[...]}; --time-scale N: the clock
                            runs N times faster, e.g. 3600 plays 72 h in 72 s)
  ingest FILE|DIR|- [--data DIR] [--topic-arn ARN] [--allow-invalid]
                            Publish SES notifications (JSON or JSON Lines, any shape)
                            to the running runtime, or to a deployed stack's topic;
                            --allow-invalid: publish other lines too (they end in the DLQ)
  dlq [list|replay|purge] [--id ID] [--json] [--data DIR | --queue-url URL]
                            The records the pipeline could not process, with their
                            reason and source message id; replay sends them back to
                            the notifications queue (after a fix), purge drops them
  send FILE|- [--data DIR]  Send messages (JSON Lines: {"to","from","subject","text"?,"html"?,
                            "template"?,"templateData"?,"tags":{"campaign","batch"?,"source"?}})
                            through the runtime's send path; one line out per message:
                            {"to","status":"sent"|"refused","messageId"?,"reason"?}
  outbox [--json] [--data DIR]
                            What was sent, retries included:
                            {messageId,to,attempt,originalMessageId,campaign,sentAt}
  cost [--json] [--data DIR] [--sends-per-day N]
                            What the runtime metered, priced on AWS (us-east-1, dated
                            table) at N sends a day (default 1,000,000), per million
                            SES events beside the $1.50 target
  migrate --table NAME [--region R] [--segments N] [--json]
                            Bring a deployed address table to this version's layout
                            (default AWS credentials; the upgrade steps: docs/deploying.md)
  demo [--recipients N] [--seed N] [--time-scale N]
                            The closed loop on a throwaway runtime: a campaign sent into
                            a world of mailboxes, bounces classified, retries, a report

Suppression list (talk to the API of a running local runtime or a deployed stack):
  lookup EMAIL              Everything known about one address (JSON)
  check FILE|-              CSV of verdicts for addresses (one per line, or CSV)
  release EMAIL --reason T  Release an address (history keeps who and why)
  erase EMAIL [--reason T]  Erase an address's data; a held address stays suppressed
                            under a keyed hash (data-protection requests)
  export [--format ses|full] [--status S] [--reason R] [--campaign C] [--since T]
                            The list as CSV (ses: "email,BOUNCE|COMPLAINT", SES's format)
  import FILE|-             Import a CSV in SES's suppression-list format (idempotent)

  API commands take --url URL (a deployed stack's ApiUrl output; requests are
  signed with SigV4 from the default AWS credentials) or --data DIR (default
  .data: the local runtime's runtime.json). BOUNCE_API_URL also sets the URL.

Campaigns (same API):
  campaigns [--since T] [--until T] [--all] [--json]
                            Campaigns by last activity with when they ran, sends, rates
                            and verdict (default: last 72 h, else the most recent)
  health CAMPAIGN [--hours N | --since T --until T] [--json]
                            Figures and findings of one campaign over its own last 72 h
                            of activity (whenever it ran), with what to do
  health --run [--json]     One scheduled health pass now on the local runtime
  pause CAMPAIGN --reason T Pause a campaign: sends are refused, due retries wait
  resume CAMPAIGN --reason T
                            Resume a paused campaign

  help [COMMAND]            Show this help, or one command's (also: bounce COMMAND --help).
  --version, -v             Print the version.
`;

/** Every command `main` knows, for "did you mean". */
const COMMANDS = [...Object.keys(COMMAND_USAGE), 'help', 'version'];

/** The package version: package.json sits one directory above this file, in the sources and in the build. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const io: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

// `bounce classify big.jsonl | head`: the reader stopped reading, which is not an error of ours.
// Stop quietly instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const API_OPTIONS = { url: { type: 'string' }, data: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

/** The command being run, so that a usage error shows that command's usage rather than the whole manual. */
let activeCommand: string | undefined;

function usageError(message: string): number {
  const usage = activeCommand ? usageOf(activeCommand) : null;
  process.stderr.write(
    usage ? `bounce ${activeCommand}: ${message}\n\n${usage}\nRun "bounce help" for every command.\n` : `bounce: ${message}\n\n${USAGE}`,
  );
  return 2;
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, allowPositionals: true, options, strict: true });
  } catch (error) {
    // Node's parser explains how to pass a positional that starts with "-": the first sentence is the reason.
    const reason = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    // A mistyped option: name the nearest one this command takes.
    const typed = /^Unknown option '-{1,2}([^']+)'/.exec(reason)?.[1];
    const meant = typed ? nearest(typed, [...Object.keys(options), 'help']) : null;
    usageError(meant ? `${reason} Did you mean --${meant}?` : reason);
    return null;
  }
}

async function apiFor(values: { url?: string; data?: string }): Promise<ApiClient | null> {
  try {
    const { apiClientFor } = await import('./api-client.js');
    return await apiClientFor(values);
  } catch (error) {
    process.stderr.write(`bounce: ${(error as Error).message}\n`);
    return null;
  }
}

/** A mistyped command: a few lines naming the nearest one, not the whole manual (exit 2). */
function unknownCommand(command: string): number {
  const option = command.startsWith('-');
  const meant = option ? nearest(command.replace(/^-+/, ''), ['version', 'help']) : nearest(command, COMMANDS);
  process.stderr.write(
    `bounce: unknown ${option ? 'option' : 'command'} "${command}"` +
      `${meant ? `. Did you mean "bounce ${option ? '--' : ''}${meant}"?` : ''}\n` +
      (meant ? '' : `Commands: ${Object.keys(COMMAND_USAGE).join(', ')}\n`) +
      'Run "bounce help" for every command, "bounce COMMAND --help" for one.\n',
  );
  return 2;
}

/** Run the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
/** The SES message tags that name campaign, batch and source (`classify` and `start`). */
const TAG_OPTIONS = {
  'campaign-tag': { type: 'string', default: DEFAULT_TAG_NAMES.campaign },
  'batch-tag': { type: 'string', default: DEFAULT_TAG_NAMES.batch },
  'source-tag': { type: 'string', default: DEFAULT_TAG_NAMES.source },
} as const;
const tagNamesOf = (values: { 'campaign-tag': string; 'batch-tag': string; 'source-tag': string }): TagNames => ({
  campaign: values['campaign-tag'],
  batch: values['batch-tag'],
  source: values['source-tag'],
});

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  activeCommand = command;
  const commandUsage = command ? usageOf(command) : null;
  if (commandUsage && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(commandUsage);
    return 0;
  }
  switch (command) {
    case 'classify': {
      const parsed = parse('classify', rest, {
        summary: { type: 'boolean', default: false },
        ...TAG_OPTIONS,
      });
      if (!parsed) return 2;
      const { values, positionals } = parsed;
      const { runClassify } = await import('./classify.js');
      return runClassify(
        {
          files: positionals,
          summary: values.summary,
          tagNames: tagNamesOf(values),
        },
        io,
      );
    }
    case 'lookup':
    case 'check':
    case 'release':
    case 'erase':
    case 'import': {
      const parsed = parse(command, rest, { ...API_OPTIONS, reason: { type: 'string' }, json: { type: 'boolean', default: false } });
      if (!parsed) return 2;
      const [target] = parsed.positionals;
      if (!target || parsed.positionals.length > 1)
        return usageError(`${command} takes one ${command === 'check' || command === 'import' ? 'FILE (or -)' : 'EMAIL'}`);
      if (command === 'release' && !parsed.values.reason) return usageError('release needs --reason');
      const api = await apiFor(parsed.values);
      if (!api) return 1;
      if (command === 'erase') {
        const { eraseCommand } = await import('./erase-command.js');
        return eraseCommand(api, target, parsed.values.reason, io, parsed.values.json);
      }
      const { checkCommand, importCommand, lookupCommand, releaseCommand } = await import('./suppression-commands.js');
      if (command === 'lookup') return lookupCommand(api, target, io, parsed.values.json);
      if (command === 'check') return checkCommand(api, target, io);
      if (command === 'import') return importCommand(api, target, io);
      return releaseCommand(api, target, parsed.values.reason as string, io, parsed.values.json);
    }
    case 'campaigns':
    case 'health':
    case 'pause':
    case 'resume': {
      const parsed = parse(command, rest, {
        ...API_OPTIONS,
        hours: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        reason: { type: 'string' },
        run: { type: 'boolean', default: false },
      });
      if (!parsed) return 2;
      if (parsed.values.run) {
        if (command !== 'health' || parsed.positionals.length > 0 || parsed.values.url)
          return usageError('--run is "bounce health --run [--json] [--data DIR]" (the local runtime)');
        const { healthRunCommand } = await import('./health-run-command.js');
        return healthRunCommand({ json: parsed.values.json, ...(parsed.values.data ? { dataDir: parsed.values.data } : {}) }, io);
      }
      const hours = parsed.values.hours === undefined ? undefined : Number(parsed.values.hours);
      if (hours !== undefined && (!Number.isInteger(hours) || hours < 1 || hours > 24 * 14))
        return usageError('--hours is a whole number from 1 to 336');
      const { since, until, all } = parsed.values;
      const badWhen = [since, until].find((when) => when !== undefined && !parseInstant(when, new Date()));
      if (badWhen !== undefined)
        return usageError(
          `--since/--until take an ISO date or time (2026-11-03, 2026-11-03T10:00Z) or a duration back (72h, 30d), not "${badWhen}"`,
        );
      if (all && (command !== 'campaigns' || since || until || hours))
        return usageError('--all is for campaigns, without --hours/--since/--until');
      // Relative times go as typed: the API counts them back on the runtime's clock.
      const period = { ...(hours ? { hours } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
      const [campaign] = parsed.positionals;
      if (command === 'campaigns' ? parsed.positionals.length > 0 : !campaign || parsed.positionals.length > 1)
        return usageError(command === 'campaigns' ? 'campaigns takes no arguments' : `${command} takes one CAMPAIGN`);
      if ((command === 'pause' || command === 'resume') && !parsed.values.reason?.trim()) return usageError(`${command} needs --reason`);
      const api = await apiFor(parsed.values);
      if (!api) return 1;
      const { campaignsCommand, healthCommand, pauseCommand } = await import('./campaign-commands.js');
      if (command === 'campaigns') return campaignsCommand(api, { ...period, all, json: parsed.values.json }, io);
      if (command === 'health') return healthCommand(api, campaign as string, { ...period, json: parsed.values.json }, io);
      return pauseCommand(api, command, campaign as string, parsed.values.reason as string, io);
    }
    case 'export': {
      const parsed = parse('export', rest, {
        ...API_OPTIONS,
        format: { type: 'string', default: 'ses' },
        status: { type: 'string' },
        reason: { type: 'string' },
        campaign: { type: 'string' },
        since: { type: 'string' },
      });
      if (!parsed) return 2;
      const { format, status, reason, campaign, since } = parsed.values;
      if (format !== 'ses' && format !== 'full') return usageError('--format is ses or full');
      const api = await apiFor(parsed.values);
      if (!api) return 1;
      const { exportCommand } = await import('./suppression-commands.js');
      return exportCommand(
        api,
        {
          format,
          ...(status ? { status } : {}),
          ...(reason ? { reason } : {}),
          ...(campaign ? { campaign } : {}),
          ...(since ? { since } : {}),
        },
        io,
      );
    }
    case 'start': {
      const parsed = parse('start', rest, {
        port: { type: 'string', default: '3000' },
        data: { type: 'string', default: DEFAULT_DATA_DIR },
        memory: { type: 'boolean', default: false },
        external: { type: 'boolean', default: false },
        'log-format': { type: 'string' },
        world: { type: 'string' },
        'time-scale': { type: 'string', default: '1' },
        ...TAG_OPTIONS,
      });
      if (!parsed) return 2;
      const logFormat = parsed.values['log-format'];
      if (logFormat !== undefined && logFormat !== 'text' && logFormat !== 'json') return usageError('--log-format is text or json');
      const port = Number(parsed.values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError('--port is a port number');
      if (parsed.positionals.length > 0) return usageError('start takes no arguments');
      const { data, memory, external, world } = parsed.values;
      const timeScale = Number(parsed.values['time-scale']);
      if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 1_000_000)
        return usageError('--time-scale is a number from 1 to 1000000');
      const { startCommand } = await import('./start-command.js');
      return startCommand(
        {
          port,
          dataDir: data,
          memory,
          external,
          tagNames: tagNamesOf(parsed.values),
          ...(logFormat ? { logFormat } : {}),
          timeScale,
          ...(world ? { worldFile: world } : {}),
        },
        io,
      );
    }
    case 'ingest': {
      const parsed = parse('ingest', rest, {
        data: { type: 'string' },
        'topic-arn': { type: 'string' },
        'allow-invalid': { type: 'boolean', default: false },
      });
      if (!parsed) return 2;
      if (parsed.positionals.length === 0) return usageError('ingest takes FILE, DIR or - (stdin)');
      const { ingestCommand } = await import('./ingest-command.js');
      return ingestCommand(
        {
          sources: parsed.positionals,
          allowInvalid: parsed.values['allow-invalid'],
          ...(parsed.values.data ? { dataDir: parsed.values.data } : {}),
          ...(parsed.values['topic-arn'] ? { topicArn: parsed.values['topic-arn'] } : {}),
        },
        io,
      );
    }
    case 'send':
    case 'outbox': {
      const parsed = parse(command, rest, { data: { type: 'string' }, json: { type: 'boolean', default: false } });
      if (!parsed) return 2;
      const dataDir = parsed.values.data ? { dataDir: parsed.values.data } : {};
      const { sendCommand, outboxCommand } = await import('./send-command.js');
      if (command === 'outbox') {
        if (parsed.positionals.length > 0) return usageError('outbox takes no arguments');
        return outboxCommand({ ...dataDir, json: parsed.values.json }, io);
      }
      const [source] = parsed.positionals;
      if (!source || parsed.positionals.length > 1) return usageError('send takes one FILE (or -)');
      return sendCommand({ source, ...dataDir }, io);
    }
    case 'demo': {
      const parsed = parse('demo', rest, {
        recipients: { type: 'string' },
        'time-scale': { type: 'string' },
        seed: { type: 'string' },
      });
      if (!parsed) return 2;
      const { demoCommand, DEMO_RECIPIENTS, DEMO_TIME_SCALE } = await import('./demo-command.js');
      const recipients = Number(parsed.values.recipients ?? DEMO_RECIPIENTS);
      if (!Number.isInteger(recipients) || recipients < 100) return usageError('--recipients is a number of at least 100');
      const timeScale = Number(parsed.values['time-scale'] ?? DEMO_TIME_SCALE);
      if (!Number.isFinite(timeScale) || timeScale < 1) return usageError('--time-scale is a number of at least 1');
      const seed = parsed.values.seed === undefined ? undefined : Number(parsed.values.seed);
      if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31))
        return usageError('--seed is a whole number below 2^31');
      return demoCommand({ recipients, timeScale, ...(seed === undefined ? {} : { seed }) }, io);
    }
    case 'cost': {
      const parsed = parse('cost', rest, {
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        'sends-per-day': { type: 'string' },
      });
      if (!parsed) return 2;
      if (parsed.positionals.length > 0) return usageError('cost takes no arguments');
      const { costCommand, DEFAULT_SENDS_PER_DAY } = await import('./cost-command.js');
      const sendsPerDay = Number(parsed.values['sends-per-day'] ?? DEFAULT_SENDS_PER_DAY);
      if (!Number.isFinite(sendsPerDay) || sendsPerDay <= 0) return usageError('--sends-per-day is a positive number');
      return costCommand({ sendsPerDay, json: parsed.values.json, ...(parsed.values.data ? { dataDir: parsed.values.data } : {}) }, io);
    }
    case 'migrate': {
      const parsed = parse('migrate', rest, {
        table: { type: 'string' },
        region: { type: 'string' },
        segments: { type: 'string', default: '4' },
        json: { type: 'boolean', default: false },
      });
      if (!parsed) return 2;
      if (parsed.positionals.length > 0) return usageError('migrate takes no arguments');
      const { table, region, json } = parsed.values;
      if (!table) return usageError("migrate needs --table NAME (the stack's address table)");
      const segments = Number(parsed.values.segments);
      if (!Number.isInteger(segments) || segments < 1 || segments > 64) return usageError('--segments is a whole number from 1 to 64');
      const { migrateCommand } = await import('./migrate-command.js');
      return migrateCommand({ table, segments, json, ...(region ? { region } : {}) }, io);
    }
    case 'dlq': {
      const parsed = parse('dlq', rest, {
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        id: { type: 'string' },
        'queue-url': { type: 'string' },
        'to-queue-url': { type: 'string' },
      });
      if (!parsed) return 2;
      const [action = 'list', ...extra] = parsed.positionals;
      if ((action !== 'list' && action !== 'replay' && action !== 'purge') || extra.length > 0)
        return usageError('dlq takes list (the default), replay or purge');
      const { data, json, id } = parsed.values;
      const { dlqCommand } = await import('./dlq-command.js');
      return dlqCommand(
        {
          action,
          json,
          ...(id ? { id } : {}),
          ...(data ? { dataDir: data } : {}),
          ...(parsed.values['queue-url'] ? { queueUrl: parsed.values['queue-url'] } : {}),
          ...(parsed.values['to-queue-url'] ? { toQueueUrl: parsed.values['to-queue-url'] } : {}),
        },
        io,
      );
    }
    case '--version':
    case '-V':
    case '-v':
    case 'version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write((rest[0] ? usageOf(rest[0]) : null) ?? USAGE);
      return 0;
    default:
      return command ? unknownCommand(command) : (process.stdout.write(USAGE), 2);
  }
}

process.exitCode = await main(process.argv.slice(2));
