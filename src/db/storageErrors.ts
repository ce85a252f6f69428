/**
 * Is this IndexedDB failure a full disk? A write that fails is rolled back
 * whole (Dexie transactions), so what was saved before stays; the stores say
 * so in words (stores/errors.ts).
 */
export function isStorageFull(err: unknown): boolean {
  // Dexie wraps the browser's error (`inner`), and its bulk writes list each row's (`failures`).
  const e = err as { name?: string; inner?: unknown; failures?: unknown[] } | null;
  if (!e) return false;
  if (e.name === 'QuotaExceededError') return true;
  return isStorageFull(e.inner) || (Array.isArray(e.failures) && e.failures.some(isStorageFull));
}
