/**
 * What a school's admins read when sign-ins to the school keep failing: one
 * text or e-mail per warning, in words a head teacher acts on. The rules
 * that raise a warning live in the database (private.record_sign_in_failure).
 */

export interface SignInAlertFacts {
  kind: 'account' | 'origin';
  /** The account's e-mail address (or phone) for an account warning. */
  account: string | null;
  origin: string | null;
  failures: number;
  /** Accounts of the school tried. */
  accounts: number;
  firstAt: Date;
  lastAt: Date;
}

/** "in under a minute", "in 12 minutes": the time the failures took. */
export function spanWords(firstAt: Date, lastAt: Date): string {
  const ms = Math.max(0, lastAt.getTime() - firstAt.getTime());
  if (ms < 60_000) return 'in under a minute';
  const minutes = Math.ceil(ms / 60_000);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function signInAlertBody(a: SignInAlertFacts): string {
  const tries = `${a.failures} failed sign-in${a.failures === 1 ? '' : 's'}`;
  const span = spanWords(a.firstAt, a.lastAt);
  if (a.kind === 'account') {
    return `Rollcall: ${tries} to ${
      a.account ?? 'one account'
    } ${span}. If this wasn't them, someone may be guessing the password: see Sign-in warnings on the School page.`;
  }
  return `Rollcall: ${tries} from ${a.origin} to ${a.accounts} accounts of your school ${span}. Someone may be guessing passwords: see Sign-in warnings on the School page.`;
}

export const SIGN_IN_ALERT_SUBJECT = 'Rollcall sign-in warning';

/** How an admin is reached: by SMS where they have a phone, else by e-mail, as guardians are. */
export function adminContact(admin: { phone: string | null; email: string | null }): { channel: 'sms' | 'email'; recipient: string } | null {
  // Supabase Auth keeps phones without the +.
  if (admin.phone) return { channel: 'sms', recipient: `+${admin.phone.replace(/^\+/, '')}` };
  if (admin.email) return { channel: 'email', recipient: admin.email };
  return null;
}
