/**
 * send-due: what the register's changes owe first (followRegister), then
 * every text due, each read against the register just before it goes
 * (withdrawn unsent when its mark changed), sent through Twilio or the mail
 * API, and its attempt recorded with the next try's time; then the new
 * sign-in warnings to their schools' admins (signInAlerts.ts).
 */
import type { Claims } from '../_shared/auth.ts';
import { asCaller, asService } from '../_shared/db.ts';
import { HttpError } from '../_shared/http.ts';
import { log, maskPhone } from '../_shared/log.ts';
import { mailConfigured } from './config.ts';
import { sendEmail } from './email.ts';
import { type MarkStatus, stillHolds } from './logic.ts';
import { adminSchools, auditAsService, claimDue, markNow, recordAttempt, withdrawQueued } from './queries.ts';
import { followRegister } from './queue.ts';
import { afterAttempt } from './retries.ts';
import { sendSignInAlerts } from './signInAlerts.ts';
import { sendSms } from './twilio.ts';

export interface SendDueOutcome {
  followUps: number;
  sent: number;
  retrying: number;
  failed: number;
  withdrawn: number;
  /** Sign-in warnings told to their schools' admins. */
  signInAlerts: number;
  results: { id: string; status: string }[];
}

/** The schools whose queue this caller may send: all for the service role, an admin's own otherwise. */
async function sendableSchools(claims: Claims): Promise<string[] | null> {
  if (claims.role === 'service_role') return null;
  const schools = await asCaller(claims, (tx) => adminSchools(tx, claims.sub));
  if (schools.length === 0) throw new HttpError(403, 'forbidden', 'send-due is for the scheduler or a school admin');
  return schools;
}

/** `baseUrl`: the function's public address, for Twilio's status callbacks. */
export async function sendDue(claims: Claims, limit: number, baseUrl: string): Promise<SendDueOutcome> {
  const schools = await sendableSchools(claims);
  // First what the register's changes owe, so a correction already due goes in this run.
  const followed = await followRegister(schools);
  const due = await asService((tx) => claimDue(tx, limit, schools, mailConfigured()));

  const counts: Record<string, Record<string, number>> = {};
  const results: { id: string; status: string }[] = [];
  const count = (schoolId: string, outcome: string) => {
    const perSchool = (counts[schoolId] ??= {});
    perSchool[outcome] = (perSchool[outcome] ?? 0) + 1;
  };
  for (const n of due) {
    // Read just before sending: the mark may have changed since the text was queued.
    if (n.session_id && !stillHolds(n.mark_status, await asService((tx) => markNow(tx, n.session_id, n.student_id)))) {
      await asService((tx) => withdrawQueued(tx, n.id));
      results.push({ id: n.id, status: 'withdrawn' });
      count(n.school_id, 'withdrawn');
      log.info('notification withdrawn: the mark changed', { id: n.id, channel: n.channel });
      continue;
    }
    const result = n.channel === 'sms' ? await sendSms(n.recipient, n.body, `${baseUrl}/twilio-status`) : await sendEmail(n.recipient, n.body);
    const next = afterAttempt(n.attempts, result, new Date());
    await asService((tx) =>
      recordAttempt(tx, {
        id: n.id,
        school_id: n.school_id,
        session_id: n.session_id,
        student_id: n.student_id,
        mark_status: n.mark_status as MarkStatus | null,
      }, next)
    );
    const outcome = next.status === 'queued' ? 'retrying' : next.status;
    results.push({ id: n.id, status: outcome });
    count(n.school_id, outcome);
    log.info('notification attempt', {
      id: n.id,
      channel: n.channel,
      to: n.channel === 'sms' ? maskPhone(n.recipient) : '[email]',
      outcome,
      error: next.lastError,
    });
  }

  const actor = claims.role === 'service_role' ? null : claims.sub;
  if (Object.keys(counts).length > 0) {
    await asService(async (tx) => {
      for (const [schoolId, details] of Object.entries(counts)) {
        await auditAsService(tx, { schoolId, actor, action: 'notify.sent', entity: 'notifications', details });
      }
    });
  }
  const signInAlerts = await sendSignInAlerts(schools, baseUrl);
  const total = (status: string) => results.filter((r) => r.status === status).length;
  return {
    followUps: followed,
    sent: total('sent'),
    retrying: total('retrying'),
    failed: total('failed'),
    withdrawn: total('withdrawn'),
    signInAlerts,
    results,
  };
}
