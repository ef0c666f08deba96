import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/classify/config.js';
import { ConfigError } from '../../shared/adapters/env.js';

describe('classify function environment (zod/mini)', () => {
  const base = {
    ADDRESS_TABLE_NAME: 'addresses',
    CAMPAIGN_TABLE_NAME: 'campaigns',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/dlq',
    ERASURE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:erasure',
  };

  it('fills the tag names with their defaults and leaves the retry queue unset', () => {
    expect(loadConfig(base)).toEqual({ ...base, CAMPAIGN_TAG: 'campaign', BATCH_TAG: 'batch', SOURCE_TAG: 'source' });
  });

  it('keeps a given retry queue and tag names', () => {
    const env = { ...base, RETRY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/retry', CAMPAIGN_TAG: 'cmp' };
    expect(loadConfig(env)).toMatchObject({ RETRY_QUEUE_URL: env.RETRY_QUEUE_URL, CAMPAIGN_TAG: 'cmp', BATCH_TAG: 'batch' });
  });

  it('names every missing or bad variable', () => {
    const attempt = () => loadConfig({ CAMPAIGN_TABLE_NAME: '', DEAD_LETTER_QUEUE_URL: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ADDRESS_TABLE_NAME/);
    expect(attempt).toThrow(/CAMPAIGN_TABLE_NAME/);
    expect(attempt).toThrow(/DEAD_LETTER_QUEUE_URL/);
    // No erasure key, no classify function: without it an erased address would read as unknown.
    expect(attempt).toThrow(/ERASURE_SECRET_ARN/);
  });
});
