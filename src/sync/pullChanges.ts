/**
 * Brings the server's changes to this device, page by page, until the
 * server has no more. Each page and the cursor after it are saved in one
 * transaction: a page that cannot be saved (a full disk) leaves the cursor
 * where it was, so the next pull asks for the same rows again.
 */
import type { FunctionsClient } from '@/api/callFunction';
import type { RollcallDb } from '@/db/db';
import { isStorageFull } from '@/db/storageErrors';
import { applyServerRows, serverRowTables } from './applyServerRows';
import { callSync } from './callSync';
import { SyncStorageFullError } from './syncErrors';

export const PULL_CURSOR_KEY = 'pullCursor';
export const PULL_PAGE_SIZE = 1000;

export interface PullOptions {
  limit?: number;
  now?: () => Date;
}

export interface PullSummary {
  rows: number;
  pages: number;
  /** Students whose face data this pull erased (consent withdrawn, or erased at the school), and their classes, to retrain. */
  erased: { studentIds: string[]; classIds: string[] };
}

export async function pullChanges(db: RollcallDb, client: FunctionsClient, options: PullOptions = {}): Promise<PullSummary> {
  const now = options.now ?? (() => new Date());
  let cursor = ((await db.syncState.get(PULL_CURSOR_KEY))?.value as string | undefined) ?? null;
  let rows = 0;
  let pages = 0;
  const erased = { studentIds: new Set<string>(), classIds: new Set<string>() };
  for (;;) {
    const page = await callSync(client, { pullSince: cursor, limit: options.limit ?? PULL_PAGE_SIZE });
    const changes = page.changes ?? {};
    try {
      await db.transaction('rw', serverRowTables(db), async () => {
        const done = await applyServerRows(db, changes, now());
        for (const id of done.studentIds) erased.studentIds.add(id);
        for (const id of done.classIds) erased.classIds.add(id);
        if (page.cursor) await db.syncState.put({ key: PULL_CURSOR_KEY, value: page.cursor });
      });
    } catch (err) {
      if (isStorageFull(err)) throw new SyncStorageFullError(err);
      throw err;
    }
    pages += 1;
    rows += Object.values(changes).reduce((n, list) => n + list.length, 0);
    cursor = page.cursor ?? cursor;
    if (!page.hasMore || !page.cursor) return { rows, pages, erased: { studentIds: [...erased.studentIds], classIds: [...erased.classIds] } };
  }
}
