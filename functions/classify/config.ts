// zod/mini: the same schemas, tree-shaken to a few kilobytes of the classify bundle.
import * as z from 'zod/mini';
import { DEFAULT_TAG_NAMES } from '../../shared/domain/index.js';
import { parseEnv } from '../../shared/adapters/env.js';

const name = () => z.string().check(z.minLength(1));

const ClassifyEnv = z.object({
  ADDRESS_TABLE_NAME: name(),
  CAMPAIGN_TABLE_NAME: name(),
  DEAD_LETTER_QUEUE_URL: z.url(),
  /** Where `retry` decisions are scheduled; unset: they are recorded but not acted on. */
  RETRY_QUEUE_URL: z.optional(z.url()),
  /** The Secrets Manager secret holding the erasure key (HMAC of erased addresses): required, else erased addresses would be mailed. */
  ERASURE_SECRET_ARN: name(),
  /** Where address changes are published; unset: not published. */
  EVENT_BUS_NAME: z.optional(name()),
  CAMPAIGN_TAG: z._default(name(), DEFAULT_TAG_NAMES.campaign),
  BATCH_TAG: z._default(name(), DEFAULT_TAG_NAMES.batch),
  SOURCE_TAG: z._default(name(), DEFAULT_TAG_NAMES.source),
});

export type ClassifyConfig = z.infer<typeof ClassifyEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): ClassifyConfig => parseEnv(ClassifyEnv, env);
