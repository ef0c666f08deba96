import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../cli/usage.js';
import { projectRoot } from '../support/corpus.js';

/** Every inline `bounce …` the README and docs/ show in prose and tables (the fenced samples are run by doc-commands). */
function synopses(): { file: string; text: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(projectRoot, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) =>
    [...readFileSync(join(projectRoot, file), 'utf8').matchAll(/`(?:npx )?bounce ([^`]+)`/g)].map((match) => ({
      file,
      text: match[1] ?? '',
    })),
  );
}

/** Words that stand for a command, not name one: `bounce …`, `bounce COMMAND --help`. */
const PLACEHOLDER = /^(…|[A-Z]+|-.*)$/;

describe('inline command synopses in README.md and docs/', () => {
  it('name real commands, with flags each command takes', () => {
    const found = synopses();
    expect(found.length).toBeGreaterThan(20);
    const stale: string[] = [];
    for (const { file, text } of found) {
      const command = text.split(/\s+/)[0] ?? '';
      if (PLACEHOLDER.test(command) || command === 'help') continue;
      const usage = usageOf(command);
      if (!usage) {
        stale.push(`${file}: bounce ${text}: no command "${command}"`);
        continue;
      }
      for (const flag of text.match(/--[a-z][a-z-]*/g) ?? [])
        if (flag !== '--help' && !new RegExp(`${flag}(?![a-z-])`).test(usage))
          stale.push(`${file}: bounce ${text}: ${command} has no ${flag}`);
    }
    expect(stale).toEqual([]);
  });
});
