/** Small per-device settings: this device's id, the teacher's name, the default country. */
import type { RollcallDb } from './db';

export interface SettingRow {
  key: string;
  value: unknown;
}

export async function getSetting<T>(db: RollcallDb, key: string, fallback: T): Promise<T> {
  const row = await db.settings.get(key);
  return row === undefined ? fallback : (row.value as T);
}

export async function setSetting(db: RollcallDb, key: string, value: unknown) {
  await db.settings.put({ key, value });
}

/** A random id for this browser profile, created once; marks and log rows carry it. */
export async function deviceId(db: RollcallDb): Promise<string> {
  return db.transaction('rw', db.settings, async () => {
    const row = await db.settings.get('deviceId');
    if (typeof row?.value === 'string') return row.value;
    const id = `device-${crypto.randomUUID().slice(0, 8)}`;
    await db.settings.put({ key: 'deviceId', value: id });
    return id;
  });
}

/** Reads, changes and writes one setting in a single transaction, so two tabs changing it at once cannot both read the old value. */
export async function updateSetting<T>(db: RollcallDb, key: string, fallback: T, change: (current: T) => T): Promise<{ before: T; after: T }> {
  return db.transaction('rw', db.settings, async () => {
    const before = await getSetting(db, key, fallback);
    const after = change(before);
    await setSetting(db, key, after);
    return { before, after };
  });
}
