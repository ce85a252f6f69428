import { describe, expect, it } from 'vitest';
import type { SignInAlert } from '@contracts/signInAlerts';
import { signInAlertLines } from './signInAlertWords';

const account: SignInAlert = {
  id: 'a1',
  kind: 'account',
  account: { email: 'ana@school.org', fullName: 'Ana Lima' },
  origin: null,
  failures: 7,
  accounts: 1,
  firstAt: '2026-12-08T09:02:00.000Z',
  lastAt: '2026-12-08T09:11:30.000Z',
  notifiedAt: '2026-12-08T09:06:10.000Z',
  notReached: false,
};
const origin: SignInAlert = { ...account, id: 'a2', kind: 'origin', account: null, origin: '203.0.113.7', failures: 12, accounts: 4, notifiedAt: null };

describe('the sign-in warnings card in words', () => {
  it('names the account, how many failed and when, and that the admins were told', () => {
    expect(signInAlertLines(account, 'UTC')).toEqual({
      who: 'Ana Lima (ana@school.org)',
      what: '7 failed sign-ins',
      when: '8 Dec, 09:02 to 09:11',
      told: 'Admins were told at 09:06.',
    });
  });

  it('names the origin and how many accounts it tried', () => {
    const lines = signInAlertLines(origin, 'UTC');
    expect(lines.who).toBe('Someone at 203.0.113.7');
    expect(lines.what).toBe('12 failed sign-ins to 4 accounts');
  });

  it('says when the admins have not been told yet, and why that may be', () => {
    expect(signInAlertLines(origin, 'UTC').told).toBe('Admins are being told.');
    expect(signInAlertLines({ ...origin, notReached: true }, 'UTC').told).toBe(
      'No admin could be reached yet: check that the admins have a phone number or e-mail address. Rollcall tries again every few minutes.',
    );
  });

  it('falls back to the address, then to words, for an account without a name', () => {
    expect(signInAlertLines({ ...account, account: { email: 'ana@school.org', fullName: '' } }, 'UTC').who).toBe('ana@school.org');
    expect(signInAlertLines({ ...account, account: null, failures: 1 }, 'UTC')).toMatchObject({ who: 'An account of the school', what: '1 failed sign-in' });
  });

  it('gives the day as well when the failures ran past midnight', () => {
    expect(signInAlertLines({ ...account, firstAt: '2026-12-07T23:58:00.000Z', lastAt: '2026-12-08T00:03:00.000Z' }, 'UTC').when).toBe('7 Dec, 23:58 to 8 Dec, 00:03');
  });
});
