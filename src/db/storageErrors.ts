/**
 * IndexedDB failures in words a teacher can act on. A write that fails is
 * rolled back whole (Dexie transactions), so what was saved before stays.
 */
export function isStorageFull(err: unknown): boolean {
  // Dexie wraps the browser's error (`inner`), and its bulk writes list each row's (`failures`).
  const e = err as { name?: string; inner?: unknown; failures?: unknown[] } | null;
  if (!e) return false;
  if (e.name === 'QuotaExceededError') return true;
  return isStorageFull(e.inner) || (Array.isArray(e.failures) && e.failures.some(isStorageFull));
}

export function describeError(err: unknown): string {
  if (isStorageFull(err)) {
    return 'This phone is out of storage, so the last change was not saved. Everything saved before is safe. Free some space (old photos, apps), then try again.';
  }
  return err instanceof Error ? err.message : String(err);
}
