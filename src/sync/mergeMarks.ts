/**
 * How rows pulled from the server meet the rows already on this device.
 * Pure: the caller reads both sides and writes what these return.
 */
import type { MarkRow } from '@/db/rows';

export interface MarkMerge {
  /** The mark to store, or null when none must exist (its student is deleted). */
  keep: MarkRow | null;
  /** Manual marks that lost to a later manual mark, for the audit list. */
  history: MarkRow[];
}

export interface MarkContext {
  /** The student is tombstoned here or on the server: their marks go and stay gone. */
  studentDeleted: boolean;
}

/**
 * Server order: the server's `updated_at`, then id. A mark not yet pulled
 * back has no server time; it will reach the server after everything pulled
 * so far, so it sorts last.
 */
function serverOrder(a: MarkRow, b: MarkRow): number {
  const at = (m: MarkRow) => m.serverUpdatedAt ?? '\uffff';
  if (at(a) !== at(b)) return at(a) < at(b) ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One student's mark in one session, from this device (`local`) and from
 * the server (`incoming`). The result carries the server's id: the server
 * holds one mark per student and session, so the device adopts it.
 *
 * - a manual mark beats an automatic one, whatever their times;
 * - of two manual marks the later marked wins, as on the server (whose
 *   upsert refuses an earlier one as stale), server order breaking a tie;
 *   the other is history. Arrival order cannot decide: a correction made
 *   offline and sent late would then overwrite a newer one;
 * - two automatic marks (the student seen by two phones) become one: the
 *   status and time of the earliest sighting, the highest confidence;
 * - but an automatic absence (left by finalising) gives way to a sighting,
 *   however much earlier it is: the face is proof the student came (as
 *   applyAutoMarks does on one device).
 */
export function mergeMarks(local: MarkRow | undefined, incoming: MarkRow, context: MarkContext): MarkMerge {
  if (context.studentDeleted) return { keep: null, history: [] };
  if (!local) return { keep: incoming, history: [] };
  const withId = (m: MarkRow): MarkRow => ({ ...m, id: incoming.id, serverUpdatedAt: incoming.serverUpdatedAt });

  if (local.source !== incoming.source) {
    const manual = local.source === 'manual' ? local : incoming;
    return { keep: withId(manual), history: [] };
  }

  if (local.source === 'manual') {
    if (sameMark(local, incoming)) return { keep: withId(incoming), history: [] };
    const localFirst = local.markedAt === incoming.markedAt ? serverOrder(local, incoming) <= 0 : local.markedAt < incoming.markedAt;
    const [loser, winner] = localFirst ? [local, incoming] : [incoming, local];
    return { keep: withId(winner), history: [loser] };
  }

  // A sighting beats an automatic absence; otherwise the earlier mark stands (server order on a tie).
  const seen = (m: MarkRow) => m.status !== 'absent';
  const localFirst =
    seen(local) !== seen(incoming) ? seen(local) : local.markedAt === incoming.markedAt ? serverOrder(local, incoming) <= 0 : local.markedAt < incoming.markedAt;
  const earliest = localFirst ? local : incoming;
  const confidence = maxConfidence(local.confidence, incoming.confidence);
  return { keep: withId({ ...earliest, confidence }), history: [] };
}

function maxConfidence(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** Same content, whatever the id and timestamps of storage. */
export function sameMark(a: MarkRow, b: MarkRow): boolean {
  return a.status === b.status && a.source === b.source && a.confidence === b.confidence && a.markedAt === b.markedAt;
}

interface Tombstoned {
  updatedAt: string;
  deletedAt?: string | null;
}

/**
 * Last writer wins by `updatedAt` (a tie goes to the server), except that a
 * deletion is final: a row deleted on either side stays deleted, with the
 * earlier deletion time.
 */
export function mergeRow<T extends Tombstoned>(local: T | undefined, incoming: T): T {
  if (!local) return incoming;
  const winner = incoming.updatedAt >= local.updatedAt ? incoming : local;
  const deletions = [local.deletedAt, incoming.deletedAt].filter((d): d is string => !!d).sort();
  return deletions.length > 0 ? { ...winner, deletedAt: deletions[0] } : winner;
}
