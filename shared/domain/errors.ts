/**
 * Input that can never become an SES event: not JSON, not an SES
 * notification, or missing what every notification carries. Retrying it
 * cannot help, so queues send it to the DLQ with `reason` logged.
 */
export class InvalidNotificationError extends Error {
  override readonly name = 'InvalidNotificationError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type Result<T, E = InvalidNotificationError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (reason: string): Result<never> => ({ ok: false, error: new InvalidNotificationError(reason) });
