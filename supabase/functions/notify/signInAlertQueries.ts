/**
 * The statements of the sign-in warnings' delivery and reading. The
 * warnings themselves are raised in the database, by
 * private.record_sign_in_failure; admins read them under row-level security.
 */
import type { Tx } from '../_shared/db.ts';

export interface UnsentAlert {
  id: string;
  school_id: string;
  kind: 'account' | 'origin';
  user_id: string | null;
  origin: string | null;
  failures: number;
  accounts: number;
  first_at: Date;
  last_at: Date;
  /** The account's address, for an account warning. */
  account: string | null;
}

/**
 * Warnings nobody has been told of yet, claimed for five minutes, so a
 * second sender at the same time skips them; one that reached no admin is
 * claimed again once that has passed, for a day.
 */
export async function claimUnsentAlerts(tx: Tx, schools: string[] | null, limit: number): Promise<UnsentAlert[]> {
  const rows = await tx`
    update private.sign_in_alerts a set sending_until = now() + interval '5 minutes'
    where a.id in (
      select q.id from private.sign_in_alerts q
      where q.notified_at is null
        and (q.sending_until is null or q.sending_until <= now())
        and q.created_at > now() - interval '1 day'
        and (${schools === null} or q.school_id = any (${schools ?? []}::uuid[]))
      order by q.created_at
      limit ${limit}
      for update skip locked)
    returning a.id, a.school_id, a.kind, a.user_id, a.origin, a.failures, a.accounts, a.first_at, a.last_at,
              (select coalesce(nullif(u.email::text, ''), '+' || u.phone) from auth.users u where u.id = a.user_id) as account`;
  return rows as unknown as UnsentAlert[];
}

/** The school's admins and how to reach them. */
export async function schoolAdmins(tx: Tx, schoolId: string): Promise<{ user_id: string; email: string | null; phone: string | null }[]> {
  const rows = await tx`
    select u.id as user_id, nullif(u.email::text, '') as email, nullif(u.phone, '') as phone
    from public.memberships m join auth.users u on u.id = m.user_id
    where m.school_id = ${schoolId} and m.role = 'admin'
    order by u.id`;
  return rows as unknown as { user_id: string; email: string | null; phone: string | null }[];
}

/** Told when at least one admin was reached; otherwise the claim runs out and it is tried again. */
export async function recordAlertAttempt(tx: Tx, id: string, told: boolean, error: string | null): Promise<void> {
  await tx`
    update private.sign_in_alerts
    set notified_at = case when ${told}::boolean then now() else notified_at end,
        sending_until = case when ${told}::boolean then null else sending_until end,
        last_error = ${error ? error.slice(0, 500) : null}
    where id = ${id}`;
}

/** The school's warnings of the last 30 days, newest first, as the transaction's caller may read them. */
export async function recentAlerts(tx: Tx, schoolId: string) {
  return await tx`
    select a.id, a.kind, a.user_id, a.origin, a.failures, a.accounts, a.first_at, a.last_at, a.notified_at, a.last_error
    from private.sign_in_alerts a
    where a.school_id = ${schoolId} and a.last_at > now() - interval '30 days'
    order by a.last_at desc
    limit 50`;
}

/** Addresses and names of these accounts (auth.users is the service's to read). */
export async function accountsById(tx: Tx, ids: string[]): Promise<Map<string, { email: string | null; fullName: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx`
    select id, coalesce(nullif(email::text, ''), '+' || phone) as email, coalesce(raw_user_meta_data->>'full_name', '') as full_name
    from auth.users where id = any (${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id as string, { email: (r.email as string | null) ?? null, fullName: r.full_name as string }]));
}
