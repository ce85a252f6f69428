/** The words of a sign-in warning and how an admin is reached, without the stack. */
import assert from 'node:assert/strict';
import { adminContact, signInAlertBody, spanWords } from '../../notify/signInAlertWords.ts';

const at = (iso: string) => new Date(`2026-12-08T${iso}Z`);

Deno.test('a warning says how many failed, to whom or from where, and how fast, in plain words', () => {
  assert.equal(
    signInAlertBody({ kind: 'account', account: 'ana@school.org', origin: null, failures: 7, accounts: 1, firstAt: at('09:00:00'), lastAt: at('09:14:10') }),
    "Rollcall: 7 failed sign-ins to ana@school.org in 15 minutes. If this wasn't them, someone may be guessing the password: see Sign-in warnings on the School page.",
  );
  const origin = signInAlertBody({
    kind: 'origin',
    account: null,
    origin: '203.0.113.7',
    failures: 9,
    accounts: 4,
    firstAt: at('09:00:00'),
    lastAt: at('09:00:40'),
  });
  assert.equal(
    origin,
    'Rollcall: 9 failed sign-ins from 203.0.113.7 to 4 accounts of your school in under a minute. Someone may be guessing passwords: see Sign-in warnings on the School page.',
  );
  assert.ok(!/https?:/.test(origin), 'no link: a text with a link to sign in is what a phishing text looks like');
});

Deno.test('the time the failures took: under a minute, else whole minutes rounded up', () => {
  assert.equal(spanWords(at('09:00:00'), at('09:00:59')), 'in under a minute');
  assert.equal(spanWords(at('09:00:00'), at('09:01:00')), 'in 1 minute');
  assert.equal(spanWords(at('09:00:00'), at('09:03:01')), 'in 4 minutes');
});

Deno.test('an admin is reached by SMS where they have a phone (Auth keeps it without the +), else by e-mail', () => {
  assert.deepEqual(adminContact({ phone: '447700900123', email: 'head@school.org' }), { channel: 'sms', recipient: '+447700900123' });
  assert.deepEqual(adminContact({ phone: null, email: 'head@school.org' }), { channel: 'email', recipient: 'head@school.org' });
  assert.equal(adminContact({ phone: null, email: null }), null);
});
