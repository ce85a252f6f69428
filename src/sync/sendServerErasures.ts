/**
 * The server's half of erasures done on this phone: each privacy-log entry
 * still marked pending asks the privacy function to delete the student's
 * models and synced templates there (everything, for a student deleted
 * outright). In order; the first that fails (offline or refused) stops the
 * run and it and the rest stay pending for the next round. The page and the
 * service worker both send them.
 */
import { callFunction, type FunctionsClient } from '@/api/callFunction';
import type { RollcallDb } from '@/db/db';
import { markServerErasureDone, pendingServerErasures } from '@/db/privacyLog';

/** One erasure on the server; resolves once done, throws to have it tried again later. */
export type EraseOnServer = (request: { studentId: string; classId: string | null; full: boolean }) => Promise<void>;

/** The privacy function called through `client`, as an EraseOnServer. */
export function eraseThrough(client: FunctionsClient): EraseOnServer {
  return async ({ studentId, full }) => {
    const result = await callFunction(client, 'privacy', { action: 'erase', studentId, full });
    if (result.kind !== 'ok') throw new Error(result.message || `The school's server did not erase the data (${result.kind}).`);
  };
}

/** Sends the pending erasures; returns how many the server confirmed. */
export async function sendServerErasures(db: RollcallDb, erase: EraseOnServer): Promise<number> {
  let done = 0;
  for (const entry of await pendingServerErasures(db)) {
    try {
      await erase({ studentId: entry.studentId!, classId: entry.classId, full: entry.kind === 'student-deleted' });
    } catch {
      // Offline or refused: tried again later; the log shows it as waiting.
      break;
    }
    await markServerErasureDone(db, entry.seq!);
    done += 1;
  }
  return done;
}
