/**
 * Sign-in warnings, raised in the database when sign-ins keep failing:
 * send-due tells the school's admins of each new one, once
 * (sendSignInAlerts), and an admin reads the school's recent ones
 * (listSignInAlerts, under row-level security).
 */
import type { Claims } from '../_shared/auth.ts';
import { asCaller, asService } from '../_shared/db.ts';
import { log, maskPhone } from '../_shared/log.ts';
import { sendEmail } from './email.ts';
import { accountsById, claimUnsentAlerts, recentAlerts, recordAlertAttempt, schoolAdmins } from './signInAlertQueries.ts';
import { adminContact, SIGN_IN_ALERT_SUBJECT, signInAlertBody } from './signInAlertWords.ts';
import { sendSms } from './twilio.ts';
import type { SignInAlert } from '../_shared/contracts/signInAlerts.ts';

/** Warnings told per send-due run; the rest wait for the next. */
const ALERTS_PER_RUN = 20;

/**
 * Tells each school's admins of its new warnings, by SMS or e-mail. A
 * warning counts as told once one admin was reached, and is never sent
 * again; one that reached nobody is tried again on a later run. Returns
 * how many were told.
 */
export async function sendSignInAlerts(schools: string[] | null, baseUrl: string): Promise<number> {
  const alerts = await asService((tx) => claimUnsentAlerts(tx, schools, ALERTS_PER_RUN));
  let told = 0;
  for (const alert of alerts) {
    const admins = await asService((tx) => schoolAdmins(tx, alert.school_id), { readOnly: true });
    const body = signInAlertBody({
      kind: alert.kind,
      account: alert.account,
      origin: alert.origin,
      failures: alert.failures,
      accounts: alert.accounts,
      firstAt: new Date(alert.first_at),
      lastAt: new Date(alert.last_at),
    });
    let reached = 0;
    const errors: string[] = [];
    for (const admin of admins) {
      const contact = adminContact(admin);
      if (!contact) continue;
      const result = contact.channel === 'sms'
        ? await sendSms(contact.recipient, body, `${baseUrl}/twilio-status`)
        : await sendEmail(contact.recipient, body, SIGN_IN_ALERT_SUBJECT);
      if (result.kind === 'sent') reached += 1;
      else errors.push(result.error);
      log.info('sign-in warning attempt', {
        alert: alert.id,
        channel: contact.channel,
        to: contact.channel === 'sms' ? maskPhone(contact.recipient) : '[email]',
        outcome: result.kind,
      });
    }
    const error = errors[0] ?? (reached === 0 ? 'no admin of the school has a phone number or an e-mail address' : null);
    await asService((tx) => recordAlertAttempt(tx, alert.id, reached > 0, error));
    if (reached > 0) told += 1;
  }
  return told;
}

const iso = (at: unknown) => new Date(at as string).toISOString();

/**
 * The school's warnings of the last 30 days that the caller may read (its
 * admins: row-level security decides), with the names and addresses of the
 * accounts they are about, which the service reads, and only for those.
 */
export async function listSignInAlerts(claims: Claims, schoolId: string): Promise<SignInAlert[]> {
  const rows = await asCaller(claims, (tx) => recentAlerts(tx, schoolId), { readOnly: true });
  const ids = [...new Set(rows.flatMap((r) => (r.user_id ? [r.user_id as string] : [])))];
  const accounts = await asService((tx) => accountsById(tx, ids), { readOnly: true });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    account: r.user_id ? accounts.get(r.user_id) ?? { email: null, fullName: '' } : null,
    origin: r.origin,
    failures: r.failures,
    accounts: r.accounts,
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
    notifiedAt: r.notified_at ? iso(r.notified_at) : null,
    notReached: !r.notified_at && r.last_error !== null,
  }));
}
