/** `bounce <command> --help`: each command's own usage (the manual is `bounce help`). */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  classify: `Usage: bounce classify [FILE...] [--summary] [--campaign-tag NAME] [--batch-tag NAME] [--source-tag NAME]

Classify SES notifications or recipient lines (JSON Lines; a .json file is one
document or an array) from FILEs, or stdin when none (or -) is given. Writes one
JSON decision per recipient to stdout, in input order; a bad line writes
{"line", "error"} and processing goes on. No runtime needed.

  --summary         counts per category and per action on stderr at the end
  --campaign-tag, --batch-tag, --source-tag NAME
                    the SES message tags that carry them (default: campaign, batch, source)

Exit status: 0 when all input was read, 1 when a file could not be read, 2 for bad usage.
`,
  start:
    `Usage: bounce start [--port N] [--data DIR] [--memory] [--external] ` +
    `[--log-format text|json] [--world FILE] [--time-scale N] ` +
    `[--campaign-tag/--batch-tag/--source-tag NAME]

Start the whole ` +
    `pipeline on this machine (what "npm start" runs) until Ctrl-C or ` +
    `SIGTERM.

  --port N          API port on 127.0.0.1 (default 3000; 0: ` +
    `any free port)
  --data DIR        data folder: store, saved queues, ` +
    `runtime.json (default .data)
  --memory          a throwaway store in ` +
    `memory
  --external        use the AWS endpoints of the environment, ` +
    `not embedded emulators
  --log-format F    the runtime's log on ` +
    `stderr: text (default on a terminal) or json (default otherwise)
  ` +
    `--world FILE      the mailboxes behind the local SES, JSON Lines: ` +
    `{"address": "...", "responses": [R, ...]};
                    each ` +
    `send takes the next R (the last repeats): {"deliver": true},
         ` +
    `           {"bounce": {"bounceType", "bounceSubType"?, "status", ` +
    `"diagnosticCode"}}, {"complaint": true},
                    ` +
    `{"delay": {"status", "diagnosticCode"}}; unlisted addresses are ` +
    `delivered
  --time-scale N    the runtime's clock runs N times faster ` +
    `than real time (default 1; 3600 plays 72 h in ~72 s)
`,
  send: `Usage: bounce send FILE|- [--data DIR]

Send messages through the running runtime's send path (suppressed, in-review and paused are refused).
Input, JSON Lines: {"to", "from", "subject", "text"?, "html"?, "template"?, "templateData"?,
                    "tags": {"campaign", "batch"?, "source"?}}
Output, one line per message: {"to", "status": "sent"|"refused"|"error", "messageId"?, "reason"?}
Each line is judged alone: a line that is not a message (bad JSON, nested too deep) is
refused with its line number; an unknown outcome is "error"; the next lines still go.
Exit 1 when any line was refused as not a message or ended in "error".
`,
  outbox: `Usage: bounce outbox [--json] [--data DIR]

What the send path sent, retries included, oldest first:
{messageId, to, attempt, originalMessageId, campaign, sentAt} (attempt 0: the original send).
`,
  ingest: `Usage: bounce ingest FILE|DIR|- [--data DIR] [--topic-arn ARN] [--allow-invalid]

Publish SES notifications (JSON or JSON Lines, any shape SES delivers) to the
running runtime's topic, or with --topic-arn to a deployed stack's topic.
Each line is judged alone. Lines that are not SES notifications are not
published: they are counted and named (file:line and why) and the exit status
is 1; so are lines nested too deep or larger than one message (256 KiB), which
are never published.

  --data DIR        the runtime's data folder (default .data)
  --topic-arn ARN   a deployed stack's NotificationTopicArn (default AWS credentials)
  --allow-invalid   publish them anyway (the pipeline dead-letters them) and exit 0
`,
  migrate: `Usage: bounce migrate --table NAME [--region R] [--segments N] [--json]

Brings a deployed address table (the stack's AddressTableName output) to this
version's layout, with the default AWS credentials (AWS_ENDPOINT_URL_DYNAMODB
points it elsewhere). Today: every record written before the sharded status
index gets its statusShard, so lists show it again. Safe while the functions
run, and to run again (a second run changes nothing). The upgrade steps are in
docs/deploying.md.

  --table NAME      the address table
  --region R        its region (default: the environment's)
  --segments N      parallel scan segments, 1 to 64 (default 4)
  --json            {"table", "scanned", "statusShardsAdded"}

Exit status: 0 when every record is on the layout, 1 when the table could not be read or written.
`,
  cost: `Usage: bounce cost [--json] [--data DIR] [--sends-per-day N]

Prices what the local runtime of DIR (default .data) metered: every AWS request
it made, by service, operation and function, DynamoDB capacity units, 64 KB
chunks, Lambda invocations and duration, log bytes, stored bytes. Projected to N
sends a day (default 1000000), 30-day months, at the dated us-east-1 price table
kept in the repository; per-send traffic scales linearly, alarms, keys and
metric series stay fixed. Prints the cost per million SES events beside the
target ($1.50: MET or MISSED), the monthly total, each item and the assumptions.
Works with or without a running runtime (it rewrites DIR/meter.json every 2 s).

  --json            {"perMillionEvents", "monthly", "items": [{"service", "operation",
                    "function", "count", "unit", "dollars", "basis"}], "assumptions": [...],
                    "target", "met", "pricesAsOf", "sendsPerDay", "monthlyEvents", "metered"}
  --sends-per-day N the volume to project to

Exit status 1 when DIR holds no meter file.
`,
  demo: `Usage: bounce demo [--recipients N] [--seed N] [--time-scale N]

The closed loop, on a throwaway runtime in memory: a realistic campaign
(default 300 recipients) goes through the send path into the local SES and a
world of mailboxes generated from it (dead, full, busy, blocked and
complaining mailboxes, a stale import batch); the SES events go through the
pipeline, soft bounces are retried on a clock running --time-scale times faster
(default 14400: 72 h in 18 s), and the report shows the campaign's health, the
retries made and what they achieved, and the do-not-mail list. Each run is a
new campaign with new addresses; --seed N repeats one (same id, same addresses).
A running runtime is not used (its clock runs at real time).
`,
  dlq: `Usage: bounce dlq [list|replay|purge] [--id ID] [--json] [--data DIR | --queue-url URL] [--to-queue-url URL]

The records the pipeline could not process (the notifications queue's DLQ).

  list (default)    each record: id, when, source message id, reason, the published message
  replay            send them back to the notifications queue (after a fix)
  purge             drop them
  --id ID           only the record with this id (or source message id)
  --json            list as JSON Lines: {"id","sourceId","reason","sentAt","body","message"}
  --data DIR        the local runtime's data folder (default .data)
  --queue-url URL   a deployed stack's DLQ (its NotificationsDlqUrl output; default AWS credentials)
  --to-queue-url URL  where replay sends them (default: the DLQ's source queue)
`,
  lookup: `Usage: bounce lookup EMAIL [--json] [--data DIR | --url URL]

Everything known about one address: may it be mailed, why, the evidence, the
soft-bounce window and the last changes. --json prints the API's full record.
Exit status 1 when the address has no record.
`,
  check: `Usage: bounce check FILE|- [--data DIR | --url URL]

Verdicts for a list of addresses (one per line, or CSV: the first field with an @).
Writes CSV email,suppressed,status,reason in input order; suppressed is true,
false, or invalid (not a valid address). A first line without an @ is a header
only when a field names the column (email, address, ...).
`,
  release: `Usage: bounce release EMAIL --reason TEXT [--json] [--data DIR | --url URL]

Release an address (history keeps who and why); prints the record after the release.
`,
  erase: `Usage: bounce erase EMAIL [--reason TEXT] [--json] [--data DIR | --url URL]

Data-protection erasure: deletes the address's record, history, soft bounces,
retry states, the copies of sent messages those name, and its delivery delays.
A suppressed or held address stays so under a keyed hash of the address
(verdict, reason, category and dates only); one that may be mailed leaves
nothing. Prints what was deleted and what is kept (--json: the API's answer).
The reason (default "data-protection erasure request") is kept and must not
hold an address. Exit 1 when nothing is known about the address.
`,
  export: `Usage: bounce export [--format ses|full] [--status S] [--reason R] [--campaign C] [--since T] [--data DIR | --url URL]

The list as CSV on stdout. ses (default): "email,BOUNCE|COMPLAINT" of suppressed
addresses, SES's import format; full: every column.
`,
  import: `Usage: bounce import FILE|- [--data DIR | --url URL]

Import a CSV in SES's suppression-list format (email,BOUNCE|COMPLAINT, header
optional). Idempotent: addresses already suppressed are left as they are.
Exit status 1 when a line could not be stored, or when every line was invalid.
`,
  campaigns: `Usage: bounce campaigns [--since T] [--until T] [--all] [--hours N] [--json] [--data DIR | --url URL]

Campaigns by last activity, most recent day first (most recent hour first
within a page of 100): when each ran (first and last active hour, UTC), and
over its own last 72 h of activity: sends, hard-bounce rate and its 95 % lower
bound, complaint rate, verdict (ok, warning, danger; "(paused)" when paused),
number of findings.

By default those last active in the last 72 h (--hours N) of the runtime's
clock (a world's fast clock included); when none were, it says so and lists
the most recent ones instead, so old campaigns are never out of reach.
  --since T, --until T  last active in this span; T is an ISO date or time
                    (2026-11-03, 2026-11-03T10:00Z) or a duration back on the
                    runtime's clock (72h, 30d, 2w)
  --all             every campaign, whenever it ran, a page of 100 at a time
--json prints the rows as one JSON array, with firstActiveHour, lastActiveHour
and the figures' window.
`,
  health: `Usage: bounce health CAMPAIGN [--hours N | --since T --until T] [--json] [--data DIR | --url URL]
       bounce health --run [--json] [--data DIR]

A campaign's figures and findings, each with the numbers behind it and what to
do, over its own last 72 h of activity (--hours N: its last N; whenever it ran,
weeks ago included), or over --since/--until (as for campaigns) within its
activity. The text says which hours it read and when the campaign ran. --json prints
{"campaign", "verdict", "sends", "hardBounceRate", "hardBounceRateLowerBound",
"complaintRate", "hardBounces", "complaints", "estimated", "estimates", "evidence",
"evidenceNote", "window": {"from", "to", "hours", "basis"}, "period": {"first", "last"},
"findings": [{"pattern", "verdict", "summary", "numbers", "action"}]}
(rates as fractions; hours as YYYY-MM-DDTHH UTC; basis is last-activity or requested;
pattern is one of hard-bounce-rate, reputation-across-providers,
mailbox-full-concentration, complaint-rate, domain-timeouts, bounces-without-sends).
Counts above 100 per counter-hour are estimates, shown ≈3,060 (±3 %). Fewer than
10 hard bounces give no hard-bounce verdict: "too early to tell". Exit 1 when the
campaign never had activity, or none in the hours asked.

--run: one scheduled pass now on the running local runtime (finder, fan-out,
checks, alerts, metrics and heartbeat into its data folder); --json prints
{"campaignsChecked", "storageRequests", "durationMs", "heartbeat", ...}.
`,
  pause: `Usage: bounce pause CAMPAIGN --reason TEXT [--data DIR | --url URL]

Pause a campaign: the send path refuses it and due retries wait until it is
resumed (rechecked every 15 minutes, up to their 72-hour window; still paused
then, they are given up and the address held for review). Exit 1 when it is
already paused.
`,
  resume: `Usage: bounce resume CAMPAIGN --reason TEXT [--data DIR | --url URL]

Resume a paused campaign: sends go out again, and waiting retries at their
next recheck (within 15 minutes). Exit 1 when it is not paused.
`,
};

/** API commands: where they find the API. */
export const API_NOTE = `
--url URL is a deployed stack's ApiUrl output (requests signed with SigV4 from the
default AWS credentials; BOUNCE_API_URL also sets it); without it, the local
runtime of --data DIR (default .data).
`;

export function usageOf(command: string): string | null {
  const usage = COMMAND_USAGE[command];
  if (!usage) return null;
  return ['lookup', 'check', 'release', 'erase', 'export', 'import', 'campaigns', 'health', 'pause', 'resume'].includes(command)
    ? `${usage}${API_NOTE}`
    : usage;
}
