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
