/**
 * Putting texts in the queue, as the service: a finalised session's texts
 * (queueSession), and the follow-ups its changed marks owe afterwards
 * (followRegister). Both run under the school's queueing lock, so each
 * sees the texts the other queued.
 */
import { asService } from '../_shared/db.ts';
import { log } from '../_shared/log.ts';
import { presentThreshold, timeZone } from './config.ts';
import { planFollowUps, planMessages, type QueuedMessage, type QueuePlan, type SessionFacts } from './logic.ts';
import {
  auditAsService,
  clearRechecks,
  clockNow,
  followSession,
  followUpRows,
  insertMessage,
  lockSchoolQueue,
  marksForGuardians,
  schoolsToRecheck,
  sessionForTexts,
  takeRechecks,
  transactionNow,
} from './queries.ts';

/** Marks weighed per school and send-due run; the rest wait for the next. */
const RECHECK_BATCH = 200;

/** The session's facts for its texts, from a row of sessionToNotify or sessionForTexts. */
export function sessionFacts(row: Record<string, unknown>): SessionFacts {
  return { id: row.id as string, schoolId: row.school_id as string, className: row.class_name as string, startsAt: new Date(row.starts_at as string) };
}

/**
 * Queues a finalised session's texts for `userId`, who may notify about it
 * (the handler checked), and notes the session as followed from now on.
 */
export async function queueSession(userId: string, session: Record<string, unknown>): Promise<{ queued: number; skipped: QueuePlan['skipped'] }> {
  const facts = sessionFacts(session);
  return await asService(async (tx) => {
    // One queueing per school at a time, so two sessions finalised together still see each other's messages.
    await lockSchoolQueue(tx, facts.schoolId);
    const now = await transactionNow(tx);
    await followSession(tx, facts);
    const rows = await marksForGuardians(tx, facts.id);
    const plan = planMessages(facts, rows, { now, timeZone: timeZone(), presentMinConfidence: presentThreshold(session) });
    let queued = 0;
    for (const m of plan.queue) queued += await insertMessage(tx, facts, m);
    await auditAsService(tx, {
      schoolId: facts.schoolId,
      actor: userId,
      action: 'notify.queued',
      entity: 'sessions',
      entityId: facts.id,
      details: { queued, skipped: plan.skipped },
    });
    return { queued, skipped: plan.skipped };
  });
}

/**
 * Weighs the marks noted as changed (private.notify_rechecks) against what
 * their guardians were told, and queues the follow-ups they owe; returns
 * how many. One transaction per school, as the service, under the school's
 * queueing lock, taken before the notes are: so it and session-finalised
 * see each other's texts, and a sender recording a text as sent (under the
 * same lock) never waits on a note this holds while this waits on it.
 */
export async function followRegister(schools: string[] | null): Promise<number> {
  const pending = await asService((tx) => schoolsToRecheck(tx, schools));
  let total = 0;
  for (const schoolId of pending) {
    total += await asService(async (tx) => {
      await lockSchoolQueue(tx, schoolId);
      const notes = await takeRechecks(tx, schoolId, RECHECK_BATCH);
      const now = await clockNow(tx);
      const bySession = new Map<string, string[]>();
      for (const n of notes) bySession.set(n.session_id, [...(bySession.get(n.session_id) ?? []), n.student_id]);

      let queuedInSchool = 0;
      const planned: QueuedMessage[] = [];
      for (const [sessionId, studentIds] of bySession) {
        const s = await sessionForTexts(tx, sessionId);
        if (!s) continue;
        const facts = sessionFacts(s);
        const rows = await followUpRows(tx, sessionId, studentIds);
        const options = { now, timeZone: timeZone(), presentMinConfidence: presentThreshold(s) };
        const plan = planFollowUps(facts, rows, options, planned);
        let queued = 0;
        for (const m of plan.queue) queued += await insertMessage(tx, facts, m);
        planned.push(...plan.queue);
        queuedInSchool += queued;
        if (queued > 0) {
          await auditAsService(tx, {
            schoolId: facts.schoolId,
            actor: null,
            action: 'notify.followed',
            entity: 'sessions',
            entityId: facts.id,
            details: { queued, skipped: plan.skipped },
          });
        }
        log.info('register followed', { sessionId, queued, skipped: plan.skipped });
      }
      await clearRechecks(tx, notes);
      return queuedInSchool;
    });
  }
  return total;
}
