import * as z from 'zod/mini';
import { DEFAULT_TAG_NAMES } from '../domain/index.js';

/**
 * One Lambda function's environment: its variables (the zod/mini schema its config parses
 * `process.env` with) and, of those, the ones another construct sets when it grants access.
 * The function's CDK construct sets exactly these variables, typed from the same contract.
 */
export interface EnvContract<S extends z.core.$ZodShape, G extends keyof S & string> {
  readonly schema: z.ZodMiniObject<S>;
  /** Every variable's name: the keys of the deployed function's environment, exactly. */
  readonly names: { readonly [K in keyof S & string]: K };
  /** Set by the construct that grants the access they name (a secret, the event bus, a queue), not by the function's own. */
  readonly granted: readonly G[];
}

export function envContract<S extends z.core.$ZodShape, G extends keyof S & string = never>(
  shape: S,
  granted: readonly G[] = [],
): EnvContract<S, G> {
  const names = Object.fromEntries(Object.keys(shape).map((name) => [name, name])) as { readonly [K in keyof S & string]: K };
  return { schema: z.object(shape), names, granted };
}

/** What infra needs of a contract: names only (no schema types). */
export interface EnvNames {
  readonly names: Readonly<Record<string, string>>;
  readonly granted: readonly string[];
}
export type VariableOf<C extends EnvNames> = keyof C['names'] & string;
export type GrantedOf<C extends EnvNames> = C['granted'][number];
/** The variables a function's own construct sets (every one but the granted): a missing one is a compile error. */
export type ConstructEnvironment<C extends EnvNames> = { readonly [K in Exclude<VariableOf<C>, GrantedOf<C>>]: string };

/** A resource name (table, configuration set, secret ARN): present and not empty. */
export const name = () => z.string().check(z.minLength(1));

/** Variables several functions share, each set by the construct that grants its access. */
export const ERASURE_KEY_ENV = {
  /** The Secrets Manager secret holding the erasure key (HMAC of erased addresses): required, else erased addresses would be mailed. */
  ERASURE_SECRET_ARN: name(),
};
export const DECISION_EVENTS_ENV = {
  /** Where decision events (findings, pauses, address changes) are published; unset: not published. */
  EVENT_BUS_NAME: z.optional(name()),
};
/** The SES message tags that carry campaign, batch and source (the stack sets them; defaulted for tests and tools). */
export const TAG_NAMES_ENV = {
  CAMPAIGN_TAG: z._default(name(), DEFAULT_TAG_NAMES.campaign),
  BATCH_TAG: z._default(name(), DEFAULT_TAG_NAMES.batch),
  SOURCE_TAG: z._default(name(), DEFAULT_TAG_NAMES.source),
};
