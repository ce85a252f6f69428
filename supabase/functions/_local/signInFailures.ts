/**
 * Local only: a wrong password at the auth stand-in (auth.ts) is recorded
 * as Supabase Auth records it through the project's password verification
 * hook, so the sign-in warnings (private.record_sign_in_failure, in the
 * migrations) trip here too. Unlike the hook, this knows the origin: the
 * first address in X-Forwarded-For (the stand-in is not handed the socket's
 * address), when a proxy in front of it says one. An address that is no
 * account counts only toward that origin, so without one it counts toward
 * nothing. Recording never stands in a sign-in's way: a failure to record
 * is logged, and the sign-in's answer is the same.
 */
import { asService } from '../_shared/db.ts';
import { log } from '../_shared/log.ts';

/** "203.0.113.7, 10.0.0.1" → "203.0.113.7"; null when the request names none. */
function originOf(req: Request): string | null {
  const forwarded = req.headers.get('X-Forwarded-For')?.split(',')[0]?.trim();
  return forwarded ? forwarded.slice(0, 100) : null;
}

export async function recordSignInFailure(req: Request, email: string): Promise<void> {
  const origin = originOf(req);
  try {
    await asService((tx) =>
      tx`select private.record_sign_in_failure(
           (select u.id from auth.users u where lower(u.email) = lower(${email}) order by u.created_at limit 1),
           ${origin}::text)`
    );
  } catch (err) {
    log.warn('sign-in failure not recorded', { error: err });
  }
}
