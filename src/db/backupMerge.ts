/**
 * A merge restore adds only what the phone does not hold yet: a row whose
 * primary key and unique index values are all new. Nothing already on the
 * phone is changed.
 */
import type { IndexSpec, Table } from 'dexie';
import { encodeValue } from './backupValues';

export type AnyTable = Table<Record<string, unknown>, unknown>;

/**
 * The rows of `rows` that can be added without touching what `table` holds:
 * the primary key is new and no unique index value is taken. Tables with an
 * auto-incremented key (outbox, markHistory) number rows per device, so there
 * a row is matched by what it is, and added under a fresh number.
 */
export async function rowsMissingFrom(table: AnyTable, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const primKey = table.schema.primKey;
  let fresh: Record<string, unknown>[];
  if (primKey.auto) {
    const identity = AUTO_KEY_IDENTITY[table.name] ?? ((r: Record<string, unknown>) => JSON.stringify(encodeValue(withoutKey(r, primKey), new Map())));
    const taken = new Set((await table.toArray()).map(identity));
    fresh = [];
    for (const row of rows) {
      const id = identity(row);
      if (taken.has(id)) continue;
      taken.add(id);
      fresh.push(withoutKey(row, primKey));
    }
  } else {
    const taken = new Set((await table.toCollection().primaryKeys()).map(keyText));
    fresh = rows.filter((r) => !taken.has(keyText(indexValue(r, primKey))));
  }
  for (const index of table.schema.indexes.filter((i) => i.unique)) {
    const taken = new Set((await table.orderBy(index.name).keys()).map(keyText));
    fresh = fresh.filter((row) => {
      const value = indexValue(row, index);
      if (value === undefined) return true;
      const k = keyText(value);
      if (taken.has(k)) return false;
      taken.add(k);
      return true;
    });
  }
  return fresh;
}

const AUTO_KEY_IDENTITY: Record<string, (row: Record<string, unknown>) => string> = {
  // The server applies a clientId once, so it names the change.
  outbox: (r) => String(r.clientId),
  markHistory: (r) => JSON.stringify([r.markId, r.replacedAt]),
};

function withoutKey(row: Record<string, unknown>, primKey: IndexSpec): Record<string, unknown> {
  if (typeof primKey.keyPath !== 'string') return row;
  const copy = { ...row };
  delete copy[primKey.keyPath];
  return copy;
}

export function indexValue(row: Record<string, unknown>, index: IndexSpec): unknown {
  const path = index.keyPath;
  if (Array.isArray(path)) {
    const values = path.map((p) => row[p]);
    return values.some((v) => v === undefined) ? undefined : values;
  }
  return path ? row[path] : undefined;
}

const keyText = (key: unknown) => JSON.stringify(key instanceof Date ? key.toISOString() : key);
