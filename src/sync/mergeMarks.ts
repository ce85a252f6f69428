/**
 * How rows pulled from the server meet the rows already on this device.
 * Pure: the caller reads both sides and writes what these return.
 */
import { markPrecedence, mergeSightingsRow, type MarkWinner, type TimeOrder } from '@contracts/markPrecedence';
import type { MarkRow } from '@/db/sessions';

export interface MarkMerge {
  /** The mark to store, or null when none must exist (its student is deleted). */
  keep: MarkRow | null;
  /** Manual marks that lost to a later manual mark, for the audit list. */
  history: MarkRow[];
}

export interface MarkMergeFacts {
  /** The student is tombstoned here or on the server: their marks go and stay gone. */
  studentDeleted: boolean;
  /**
   * This device's mark has a change on its way to the server (in the
   * outbox, not refused). Without one, the server has seen everything this
   * device did to the mark, and what it holds is the register.
   */
  pending?: boolean;
}

/** The fields the precedence rules read. */
export type MarkFacts = Pick<MarkRow, 'status' | 'source' | 'confidence' | 'markedAt'> & { clearedAt?: string | null };

/** The arriving mark's time against the stored one's; both are ISO times to the millisecond. */
function timeOrder(stored: MarkFacts, arriving: MarkFacts): TimeOrder {
  if (arriving.markedAt < stored.markedAt) return 'before';
  return arriving.markedAt === stored.markedAt ? 'same' : 'after';
}

/**
 * What the server does when `arriving` meets the `stored` mark of the same
 * student and session: keep the stored one, take the arriving one, or merge
 * two sightings. The rules are the decision table MARK_PRECEDENCE
 * (@contracts/markPrecedence), which the server's upsert is generated from:
 * a manual mark beats an automatic one, the later of two manual marks
 * stands, a sighting after a person's clear brings the student back, a
 * "not this student" takes back only its own sighting.
 */
export function decideMark(stored: MarkFacts, arriving: MarkFacts): MarkWinner {
  const side = (m: MarkFacts) => ({ source: m.source, cleared: !!m.clearedAt });
  return markPrecedence(side(stored), side(arriving), timeOrder(stored, arriving)).winner;
}

/**
 * Two sightings of one student (on one device or two) as one mark: whose
 * status and time stand is the table MERGE_SIGHTINGS (the earliest, but an
 * automatic absence left by finalising gives way to a sighting: the face is
 * proof the student came), with the highest confidence. `first` is the
 * stored one, and wins a tie.
 */
export function mergeSightings<T extends MarkFacts>(first: T, second: T): T {
  const kind = (m: MarkFacts) => (m.status === 'absent' ? 'absent' : 'seen');
  const row = mergeSightingsRow(kind(first), kind(second), timeOrder(first, second));
  const earliest = row.keeps === 'stored' ? first : second;
  return { ...earliest, confidence: maxConfidence(first.confidence, second.confidence) };
}

/**
 * One student's mark in one session, from this device (`local`) and from
 * the server (`incoming`). The result carries the server's id: the server
 * holds one mark per student and session, so the device adopts it.
 *
 * With no change of this device's on its way, the server's mark is the
 * register: it has seen this device's changes and decided. A change on its
 * way meets the server's mark as it will on the server (decideMark), so
 * the device shows now what the server will hold once it arrives.
 */
export function mergeMarks(local: MarkRow | undefined, incoming: MarkRow, facts: MarkMergeFacts): MarkMerge {
  if (facts.studentDeleted) return { keep: null, history: [] };
  if (!local) return { keep: incoming, history: [] };
  const withId = (m: MarkRow): MarkRow => ({ ...m, id: incoming.id, serverUpdatedAt: incoming.serverUpdatedAt });
  // The same decision back from the server (at the server's time, when the phone's clock ran ahead) lost nothing.
  const sameDecision = (a: MarkRow, b: MarkRow) => a.status === b.status && a.device === b.device && (a.clearedAt ?? null) === (b.clearedAt ?? null);
  const lostManual = (loser: MarkRow, winner: MarkRow) =>
    loser.source === 'manual' && winner.source === 'manual' && !sameMark(loser, winner) && !sameDecision(loser, winner) ? [loser] : [];

  const decision = facts.pending ? decideMark(incoming, local) : 'stored';
  const merged: MarkMerge =
    decision === 'stored'
      ? { keep: incoming, history: lostManual(local, incoming) }
      : decision === 'arriving'
        ? { keep: withId(local), history: lostManual(incoming, local) }
        : // The server merges the arriving sighting into the stored one; the stored one wins a tie.
          { keep: withId(mergeSightings(incoming, local)), history: [] };
  // The faces this device saw still show the student while the mark stands as a sighting.
  const sighting = (m: MarkRow) => m.source === 'auto' && !m.clearedAt && m.status !== 'absent';
  if (local.evidence && sighting(local) && sighting(merged.keep!)) {
    // This device's own first sighting, back at the server's time (its clock ran ahead): the face keeps naming it.
    const own = merged.keep!.device === local.device && merged.keep!.markedAt !== local.markedAt;
    const evidence = own ? local.evidence.map((e) => (e.at === local.markedAt ? { ...e, at: merged.keep!.markedAt } : e)) : local.evidence;
    merged.keep = { ...merged.keep!, evidence };
  }
  return merged;
}

function maxConfidence(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** Same content, whatever the id and timestamps of storage. */
export function sameMark(a: MarkFacts, b: MarkFacts): boolean {
  return a.status === b.status && a.source === b.source && a.confidence === b.confidence && a.markedAt === b.markedAt && (a.clearedAt ?? null) === (b.clearedAt ?? null);
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
