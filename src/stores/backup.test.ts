import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useBackupStore } from './backup';

let dbs: RollcallDb[] = [];
const freshDb = () => {
  const db = new RollcallDb(`backup-store-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
beforeEach(() => setActivePinia(createPinia()));
afterEach(async () => {
  await Promise.all(dbs.map((db) => db.delete()));
  dbs = [];
});

const at = '2026-03-04T08:00:00.000Z';
const cls = (id: string, name: string) => ({ id, name, lateAfterMinutes: 10, defaultCountry: 'IN', createdAt: at, updatedAt: at, deletedAt: null });

/** A store on `db` whose downloads land in `saved`. */
function storeOn(db: RollcallDb, saved: { blob: Blob; fileName: string }[] = []) {
  const store = useBackupStore();
  store.configure({ db, saveFile: (blob, fileName) => saved.push({ blob, fileName }), now: () => new Date(2026, 2, 4, 9) });
  return store;
}

describe('backup store', () => {
  it('saves a dated file, previews it on another phone, and replaces that phone’s data on confirm', async () => {
    const oldPhone = freshDb();
    await oldPhone.classes.bulkAdd([cls('c1', 'Year 7'), cls('c2', 'Year 8')]);
    const saved: { blob: Blob; fileName: string }[] = [];
    await storeOn(oldPhone, saved).backUp();
    expect(saved.map((s) => s.fileName)).toEqual(['rollcall-backup-2026-03-04.json']);

    setActivePinia(createPinia());
    const newPhone = freshDb();
    await newPhone.classes.add(cls('x', 'Old data'));
    const store = storeOn(newPhone);
    await store.choose(new File([saved[0]!.blob], saved[0]!.fileName));
    expect(store.error).toBeNull();
    expect(store.chosenName).toBe('rollcall-backup-2026-03-04.json');
    expect(store.preview?.counts.classes).toBe(2);
    expect(await newPhone.classes.count()).toBe(1); // nothing written before the confirm

    await store.confirm('replace');
    expect(store.error).toBeNull();
    expect(store.restored?.added.classes).toBe(2);
    expect(store.preview).toBeNull();
    expect((await newPhone.classes.toArray()).map((c) => c.name).sort()).toEqual(['Year 7', 'Year 8']);
  });

  it('says in words why a file is refused, and cancel forgets the choice', async () => {
    const db = freshDb();
    const store = storeOn(db);
    await store.choose(new File(['roll,name\n1,Asha\n'], 'roster.csv'));
    expect(store.preview).toBeNull();
    expect(store.error).toMatch(/not a Rollcall backup/);

    const saved: { blob: Blob; fileName: string }[] = [];
    await storeOn(db, saved).backUp();
    await store.choose(new File([saved[0]!.blob], 'b.json'));
    expect(store.error).toBeNull();
    expect(store.preview).not.toBeNull();
    store.cancel();
    expect(store.preview).toBeNull();
    await store.confirm('merge');
    expect(store.error).toMatch(/Choose a backup file first/);
  });
});
