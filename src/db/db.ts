/**
 * The on-device database (IndexedDB through Dexie). Every row has a
 * client-generated UUID and an `updatedAt` so it can later be synced without
 * renumbering. New tables arrive as new `version()` blocks; old ones stay.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { ModelVersionRow } from './modelVersions';

export class RollcallDb extends Dexie {
  modelVersions!: EntityTable<ModelVersionRow, 'id'>;

  constructor(name = 'rollcall') {
    super(name);
    this.version(1).stores({
      modelVersions: 'id, scope, [scope+createdAt], status',
    });
  }
}

let shared: RollcallDb | null = null;

/** The app's database; tests make their own with a unique name. */
export function getDb(): RollcallDb {
  shared ??= new RollcallDb();
  return shared;
}
