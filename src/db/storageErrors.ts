/**
 * IndexedDB failures in words a teacher can act on. A write that fails is
 * rolled back whole (Dexie transactions), so what was saved before stays.
 */
export function isStorageFull(err: unknown): boolean {
  const e = err as { name?: string; inner?: { name?: string } } | null;
  return e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError';
}

export function describeError(err: unknown): string {
  if (isStorageFull(err)) {
    return 'This phone is out of storage, so the last change was not saved. Everything saved before is safe. Free some space (old photos, apps), then try again.';
  }
  return err instanceof Error ? err.message : String(err);
}
