/**
 * The School page's sign-in warnings in words: who was tried (an account,
 * or someone at one address), how many sign-ins failed, when, and whether
 * the admins were told. Times are local to the phone unless a zone is given.
 */
import type { SignInAlert } from '@contracts/signInAlerts';

export interface SignInAlertLines {
  who: string;
  what: string;
  when: string;
  told: string;
}

function parts(iso: string, timeZone: string | undefined): { day: string; time: string } {
  const at = new Date(iso);
  return {
    day: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone }).format(at),
    time: new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(at),
  };
}

function who(alert: SignInAlert): string {
  if (alert.kind === 'origin') return `Someone at ${alert.origin}`;
  const name = alert.account?.fullName.trim();
  const email = alert.account?.email;
  if (name && email) return `${name} (${email})`;
  return name || email || 'An account of the school';
}

export function signInAlertLines(alert: SignInAlert, timeZone?: string): SignInAlertLines {
  const first = parts(alert.firstAt, timeZone);
  const last = parts(alert.lastAt, timeZone);
  const tries = `${alert.failures} failed sign-in${alert.failures === 1 ? '' : 's'}`;
  let told = 'Admins are being told.';
  if (alert.notifiedAt) told = `Admins were told at ${parts(alert.notifiedAt, timeZone).time}.`;
  else if (alert.notReached) told = 'No admin could be reached yet: check that the admins have a phone number or e-mail address. Rollcall tries again every few minutes.';
  return {
    who: who(alert),
    what: alert.kind === 'origin' ? `${tries} to ${alert.accounts} accounts` : tries,
    when: first.day === last.day ? `${first.day}, ${first.time} to ${last.time}` : `${first.day}, ${first.time} to ${last.day}, ${last.time}`,
    told,
  };
}
