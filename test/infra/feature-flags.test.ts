import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';
import { projectRoot } from '../support/corpus.js';

const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
const recommended = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
) as Record<string, unknown>;

describe('cdk.json feature flags (no "N feature flags are not configured" at synth)', () => {
  it('sets every flag aws-cdk-lib recommends for a new app, to the recommended value', () => {
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    const differing = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(cdkJson.context[flag]) !== JSON.stringify(value))
      .map(([flag]) => flag);
    expect(differing).toEqual([]);
  });

  it('the app synthesised with those flags passes cdk-nag AwsSolutions checks', () => {
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    new BouncePipelineStack(app, 'BouncePipeline', { env: { account: '111122223333', region: 'us-east-1' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = app.synth().getStackByName('BouncePipeline');
    const errors = stack.messages.filter((m) => m.level === 'error');
    expect(errors.map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
  }, 120_000);
});
