/**
 * A teacher's "to review" list: open disputes and pending excuse requests
 * of the marks on this device (sync brings only those of their classes),
 * with what the teacher needs to decide: who, which class, which day, and
 * the mark as it stands. Decisions are made by the server (`reviews`);
 * the answer is written here so the list is right before the next pull.
 */
import type { RollcallDb } from './db';
import type { DisputeRow, ExcuseRequestRow } from './disputes';
import type { MarkRow } from './sessions';

interface ReviewContext {
  mark: MarkRow;
  studentName: string;
  className: string;
  classId: string;
  startsAt: string;
}

export type ReviewItem = ({ kind: 'dispute'; dispute: DisputeRow } | { kind: 'excuse'; excuse: ExcuseRequestRow }) & ReviewContext & { id: string; createdAt: string };

export async function listReviewQueue(db: RollcallDb): Promise<ReviewItem[]> {
  return db.transaction('r', [db.disputes, db.excuseRequests, db.marks, db.students, db.sessions, db.classes], async () => {
    const disputes = await db.disputes.where('status').equals('open').toArray();
    const excuses = await db.excuseRequests.where('status').equals('pending').toArray();
    const context = async (markId: string): Promise<ReviewContext | null> => {
      const mark = await db.marks.get(markId);
      if (!mark) return null;
      const [student, session] = await Promise.all([db.students.get(mark.studentId), db.sessions.get(mark.sessionId)]);
      if (!student || student.deletedAt || !session || session.deletedAt) return null;
      const klass = await db.classes.get(session.classId);
      return { mark, studentName: student.fullName, className: klass?.name ?? '', classId: session.classId, startsAt: session.startsAt };
    };
    const items: ReviewItem[] = [];
    for (const dispute of disputes) {
      const c = await context(dispute.markId);
      if (c) items.push({ kind: 'dispute', dispute, id: dispute.id, createdAt: dispute.createdAt, ...c });
    }
    for (const excuse of excuses) {
      const c = await context(excuse.markId);
      if (c) items.push({ kind: 'excuse', excuse, id: excuse.id, createdAt: excuse.createdAt, ...c });
    }
    return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  });
}

export async function recordDisputeDecision(db: RollcallDb, id: string, decision: Pick<DisputeRow, 'status' | 'correctedStatus' | 'resolution' | 'resolvedAt'>) {
  await db.disputes.update(id, { ...decision, updatedAt: decision.resolvedAt ?? new Date().toISOString() });
}

export async function recordExcuseDecision(db: RollcallDb, id: string, decision: Pick<ExcuseRequestRow, 'status' | 'decisionNote' | 'decidedAt'>) {
  await db.excuseRequests.update(id, { ...decision, updatedAt: decision.decidedAt ?? new Date().toISOString() });
}
