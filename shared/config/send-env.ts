import { envContract, ERASURE_KEY_ENV, name, TAG_NAMES_ENV } from './contract.js';

/** The send function's environment (functions/send; infra/constructs/retries.ts). */
export const SEND_ENV = envContract(
  {
    ADDRESS_TABLE_NAME: name(),
    CAMPAIGN_TABLE_NAME: name(),
    CONFIGURATION_SET_NAME: name(),
    ...ERASURE_KEY_ENV,
    ...TAG_NAMES_ENV,
  },
  ['ERASURE_SECRET_ARN'],
);
