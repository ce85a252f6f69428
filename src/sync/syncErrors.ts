/** What can stop a sync, in kinds the app can act on. */

/** The server could not be reached, or was busy (5xx, 429): nothing was lost; try again later. */
export class SyncOfflineError extends Error {
  override name = 'SyncOfflineError';
}

/** The server refused the request itself (401: sign in again; 400: a bug). Retrying will not help. */
export class SyncRefusedError extends Error {
  override name = 'SyncRefusedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The device ran out of storage while saving pulled rows; none of that page was kept, nor the cursor moved. */
export class SyncStorageFullError extends Error {
  override name = 'SyncStorageFullError';
  constructor(readonly cause: unknown) {
    super('This phone is out of storage, so changes from the school could not be saved. Free some space, then sync again.');
  }
}
