/**
 * Any error as the screens show it. Whatever can go wrong below the stores
 * (a full disk, a refused server call, a file that is not a roster) throws
 * an Error whose message is already meant for the person; a full disk comes
 * from the browser in its own words, so it is said again here.
 */
import { isStorageFull } from '@/db/storageErrors';

export function describeError(err: unknown): string {
  if (isStorageFull(err)) {
    return 'This phone is out of storage, so the last change was not saved. Everything saved before is safe. Free some space (old photos, apps), then try again.';
  }
  return err instanceof Error ? err.message : String(err);
}
