import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertExamples } from '../support/alert-examples.js';
import { projectRoot } from '../support/corpus.js';

describe('docs/health.md', () => {
  it('shows the alert of each finding exactly as the health job writes it', () => {
    const readme = readFileSync(join(projectRoot, 'docs', 'health.md'), 'utf8');
    const block = /<!-- alert-examples:start -->\n([\s\S]*?)<!-- alert-examples:end -->/.exec(readme)?.[1];
    const link = 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/HealthDashboard1234';
    const examples = alertExamples(link);
    expect(examples.map((e) => e.pattern)).toEqual([
      'hard-bounce-rate',
      'reputation-across-providers',
      'mailbox-full-concentration',
      'complaint-rate',
      'domain-timeouts',
    ]);
    expect(block).toBe(examples.map((e) => `\`\`\`text\nSubject: ${e.subject}\n\n${e.text}\`\`\`\n`).join('\n'));
  });
});
