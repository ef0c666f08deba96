/**
 * The commands the documentation shows, read from its Markdown so that a test can run each one.
 *
 * - A ```sh block is a list of commands, one a line (a trailing `\` continues it); a comment
 *   `# … exit N …` after a command says the exit status it documents (default 0).
 * - A ```console block is a transcript: `$ command` lines, each followed by the output it shows,
 *   which the run's output must match loosely (see `outputMismatches`).
 * - `<!-- doc-test: skip (why) -->` on the lines before a block skips the whole block: a command
 *   that cannot run in a test (`npm ci`, `cdk deploy`, one that runs until Ctrl-C).
 * - No other block may hold a line that starts with `bounce ` (or `npx bounce `, `$ bounce `):
 *   a command sample cannot hide where the test does not look.
 */

export interface DocCommand {
  readonly file: string;
  /** 1-based line of the command in its file. */
  readonly line: number;
  /** The command as a shell runs it, `npx bounce` written `bounce`. */
  readonly command: string;
  readonly expectedStatus: number;
  /** Output lines a console block shows under the command (none for a sh block). */
  readonly expectedOutput: readonly string[];
}

export interface SkippedBlock {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly commands: readonly string[];
}

export interface DocProblem {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

export interface DocCommands {
  readonly commands: DocCommand[];
  readonly skipped: SkippedBlock[];
  readonly problems: DocProblem[];
}

const SKIP = /<!--\s*doc-test:\s*skip\s*\(([^)]*)\)\s*-->/;
const BOUNCE_LINE = /^\s*(\$\s+)?(npx\s+)?bounce\s/;

/** `npx bounce …` and `bounce …` are the same command: the docs say once how to type it. */
function normalise(command: string): string {
  return command.replace(/^npx\s+bounce(?=\s|$)/, 'bounce');
}

/** A sh line's trailing comment (` # …`), which never starts inside a word or a URL. */
function splitComment(line: string): { code: string; comment: string } {
  const at = line.search(/\s#\s/);
  return at < 0 ? { code: line.trimEnd(), comment: '' } : { code: line.slice(0, at).trimEnd(), comment: line.slice(at + 2) };
}

function statusOf(comment: string): number {
  const match = /\bexit (?:status )?(\d+)\b/.exec(comment);
  return match ? Number(match[1]) : 0;
}

/** Every command of one Markdown file, the blocks skipped with their reasons, and the samples outside a runnable block. */
export function docCommands(file: string, markdown: string): DocCommands {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  const skipped: SkippedBlock[] = [];
  const problems: DocProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) {
      i++;
      continue;
    }
    const language = open[1] ?? '';
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    const body = lines.slice(start, end);
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const skip = before >= 0 ? SKIP.exec(lines[before] ?? '') : null;
    i = end + 1;

    if (language === 'sh' || language === 'console') {
      const found = language === 'sh' ? shCommands(file, start, body) : consoleCommands(file, start, body);
      if (skip) skipped.push({ file, line: start, reason: skip[1] ?? '', commands: found.map((c) => c.command) });
      else commands.push(...found);
      continue;
    }
    body.forEach((text, at) => {
      if (BOUNCE_LINE.test(text))
        problems.push({
          file,
          line: start + at + 1,
          problem: `a command in a \`\`\`${language || '(plain)'} block, which no test runs: ${text.trim()}`,
        });
    });
  }
  return { commands, skipped, problems };
}

function shCommands(file: string, start: number, body: readonly string[]): DocCommand[] {
  const found: DocCommand[] = [];
  let pending = '';
  let pendingLine = 0;
  body.forEach((raw, at) => {
    const { code, comment } = splitComment(raw);
    if (!pending && (code.trim() === '' || code.trim().startsWith('#'))) return;
    if (!pending) pendingLine = start + at + 1;
    if (code.endsWith('\\')) {
      pending += `${code.slice(0, -1).trim()} `;
      return;
    }
    found.push({
      file,
      line: pendingLine,
      command: normalise(pending + code.trim()),
      expectedStatus: statusOf(comment),
      expectedOutput: [],
    });
    pending = '';
  });
  return found;
}

function consoleCommands(file: string, start: number, body: readonly string[]): DocCommand[] {
  const found: { file: string; line: number; command: string; expectedStatus: number; expectedOutput: string[] }[] = [];
  body.forEach((raw, at) => {
    const prompt = /^\$\s+(.*)$/.exec(raw);
    if (prompt) {
      const { code, comment } = splitComment(prompt[1] ?? '');
      found.push({ file, line: start + at + 1, command: normalise(code.trim()), expectedStatus: statusOf(comment), expectedOutput: [] });
    } else if (raw.trim() !== '') found.at(-1)?.expectedOutput.push(raw);
  });
  return found;
}

/** A shown output line as a pattern: runs of spaces match any spacing, numbers any number, `…` anything. */
function looseLine(shown: string): RegExp {
  const pattern = shown
    .trim()
    .split(/\s+/)
    .map((word) =>
      word
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\d+/g, '\\d+')
        .replace(/…/g, '.*'),
    )
    .join('\\s+');
  return new RegExp(pattern);
}

/** The shown lines the real output does not have, in order (each shown line matches a later real line than the one before). */
export function outputMismatches(shown: readonly string[], real: string): string[] {
  const realLines = real.split('\n');
  const missing: string[] = [];
  let from = 0;
  for (const line of shown) {
    const pattern = looseLine(line);
    const at = realLines.findIndex((candidate, index) => index >= from && pattern.test(candidate));
    if (at < 0) missing.push(line);
    else from = at + 1;
  }
  return missing;
}
