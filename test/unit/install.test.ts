import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/corpus.js';

type Version = [number, number, number];

const parse = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `version` satisfies an npm `engines.node` range of the forms npm packages use (>=, >, <, <=, ^, ~, x, ||). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  // ">= 18.0.0": an operator may be followed by spaces.
  return range
    .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
    .split('||')
    .some((alternative) =>
      alternative
        .trim()
        .split(/\s+/)
        .filter((part) => part !== '' && part !== '*')
        .every((comparator) => {
          const [, op = '', rest = ''] = /^(>=|<=|>|<|\^|~|=)?\s*(.*)$/.exec(comparator) ?? [];
          const bound = parse(rest.replace(/\.?[x*]/g, ''));
          const parts = rest.replace(/\.?[x*]/g, '').split('.').length;
          switch (op) {
            case '>=':
              return compare(v, bound) >= 0;
            case '>':
              return compare(v, bound) > 0;
            case '<':
              return compare(v, bound) < 0;
            case '<=':
              return compare(v, bound) <= 0;
            case '^':
              return compare(v, bound) >= 0 && v[0] === bound[0];
            case '~':
              return compare(v, bound) >= 0 && v[0] === bound[0] && v[1] === bound[1];
            default:
              // "20" or "20.9": that major (and minor).
              return v[0] === bound[0] && (parts < 2 || v[1] === bound[1]) && (parts < 3 || v[2] === bound[2]);
          }
        }),
    );
}

describe('install on the oldest supported Node (no EBADENGINE warning from npm ci)', () => {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
  const oldest = /^>=\s*([\d.]+)$/.exec(manifest.engines.node)?.[1] ?? '';
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
  };

  it('the range check reads the forms npm packages use', () => {
    expect(satisfies('20.19.0', '>=22')).toBe(false);
    expect(satisfies('20.19.0', '>=18')).toBe(true);
    expect(satisfies('20.19.0', '^18.18.0 || ^20.9.0 || >=21.1.0')).toBe(true);
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('21.0.0', '18 || 20 || >=22')).toBe(false);
    expect(satisfies('20.19.0', '>=14.0.0 <21')).toBe(true);
    expect(satisfies('20.19.0', '>= 18.0.0')).toBe(true);
    expect(satisfies('20.19.0', '>= 22.0.0')).toBe(false);
  });

  it(`every locked package accepts Node ${oldest} (package.json engines)`, () => {
    expect(oldest).toMatch(/^\d+\.\d+/);
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.optional)
      .map(([path, entry]) => [path, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !satisfies(oldest, range))
      .map(([path, range]) => `${path} requires node ${range}`);
    expect(refusing).toEqual([]);
  });
});

describe('npm test brings the Chromium of the browser test (issue 22, item 5)', () => {
  const script = join(projectRoot, 'test', 'ensure-chromium.mjs');
  const run = (chromium: string) =>
    spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, CHROMIUM_PATH: chromium } });

  it('runs before npm test, and CI runs only the README commands', () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.pretest).toBe('node test/ensure-chromium.mjs');
    const ci = readFileSync(join(projectRoot, '.ci', 'run'), 'utf8');
    expect(ci).not.toContain('apt-get');
    expect(ci).toContain('npm ci');
    expect(ci).toContain('npm test');
  });

  it('says nothing when Chromium is there', () => {
    const present = run(process.execPath);
    expect(present).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('never fails npm test: without Chromium it says what to install', () => {
    const missing = run('/nonexistent/chromium');
    expect(missing.status).toBe(0);
    expect(missing.stderr).toBe(
      'pretest: no Chromium at /nonexistent/chromium, so the browser test will fail: ' +
        'install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary\n',
    );
  });
});
