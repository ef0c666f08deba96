/** Another writer changed the record since it was read: read again and retry. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(readonly key: string) {
    super(`record ${key} changed since it was read`);
  }
}

/** A record kept conflicting: give up on this attempt and let the queue redeliver. */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
}

/** Input the caller must fix (HTTP 400). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The address (or thing) has no record (HTTP 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request contradicts the current state (HTTP 409). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** A list cursor that no previous page returned (tampered, or made for other filters): HTTP 400. */
export class InvalidCursorError extends ValidationError {
  constructor(why = 'pass back the value a previous page returned') {
    super('invalid nextToken', [`nextToken: ${why}`]);
  }
}
