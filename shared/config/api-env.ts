import { DECISION_EVENTS_ENV, ERASURE_KEY_ENV, envContract, name } from './contract.js';

/** The look-up API's environment (functions/api; infra/constructs/lookup-api.ts). */
export const API_ENV = envContract(
  {
    ADDRESS_TABLE_NAME: name(),
    CAMPAIGN_TABLE_NAME: name(),
    ...DECISION_EVENTS_ENV,
    ...ERASURE_KEY_ENV,
  },
  ['EVENT_BUS_NAME', 'ERASURE_SECRET_ARN'],
);
