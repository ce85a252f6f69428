import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RollcallDb } from './db';
import { createClass, listClasses } from './classes';
import { isStorageFull } from './storageErrors';

let db: RollcallDb | null = null;
afterEach(async () => {
  await db?.delete();
  db = null;
});

describe('storage errors', () => {
  it('recognises a full disk however Dexie wraps it', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isStorageFull(quota)).toBe(true);
    expect(isStorageFull({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isStorageFull(new Error('other'))).toBe(false);
    // Dexie's bulk writes report each row's failure, wrapped in an abort.
    expect(isStorageFull({ name: 'AbortError', inner: { name: 'BulkError', failures: [new Error('x'), quota] } })).toBe(true);
    expect(isStorageFull({ name: 'BulkError', failures: [new Error('x')] })).toBe(false);
  });

  it('a write that fails for lack of space leaves earlier data as it was', async () => {
    db = new RollcallDb(`test-${crypto.randomUUID()}`);
    await createClass(db, { name: 'Kept' });
    const add = db.classes.add.bind(db.classes);
    db.classes.add = (() => Promise.reject(new DOMException('full', 'QuotaExceededError'))) as unknown as typeof db.classes.add;
    const failure = await createClass(db, { name: 'Lost' }).catch((e: unknown) => e);
    db.classes.add = add;
    expect(isStorageFull(failure)).toBe(true);
    expect((await listClasses(db)).map((c) => c.name)).toEqual(['Kept']);
  });
});
