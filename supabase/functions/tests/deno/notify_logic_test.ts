/** notify's pure decisions, without a server. */
import assert from 'node:assert/strict';
import {
  afterAttempt,
  constantTimeEqual,
  type MarkForGuardian,
  messageBody,
  planMessages,
  readTwilioAnswer,
  retryDelayMs,
  sendableAt,
  twilioSignature,
} from '../../notify/logic.ts';

const session = { id: 's1', schoolId: 'school', className: '7B', startsAt: new Date('2026-11-22T08:30:00Z') };
const row = (over: Partial<MarkForGuardian> = {}): MarkForGuardian => ({
  studentId: 'st1',
  studentName: 'Aarav Shah',
  status: 'absent',
  source: 'manual',
  confidence: null,
  guardianId: 'g1',
  phone: '+447700900101',
  email: null,
  notifyOn: 'absence',
  quietStart: null,
  quietEnd: null,
  lastAlertAt: null,
  alreadyQueued: false,
  ...over,
});
const options = { now: new Date('2026-11-22T09:00:00Z'), timeZone: 'UTC', presentMinConfidence: 0.8 };

Deno.test('the message is plain words with no link', () => {
  assert.equal(messageBody('Aarav Shah', 'absent', '7B', session.startsAt, 'UTC'), 'Rollcall: Aarav was marked absent in 7B on Sun 22 Nov. Reply 1 sick, 2 family, 3 other.');
  assert.equal(messageBody('Bela', 'late', '7B', session.startsAt, 'UTC'), 'Rollcall: Bela was marked late in 7B on Sun 22 Nov.');
});

Deno.test('preferences, confidence, contact and the throttle decide who is told', () => {
  const plan = planMessages(session, [
    row(),
    row({ studentId: 'st2', status: 'present', notifyOn: 'absence' }),
    row({ studentId: 'st3', status: 'present', notifyOn: 'every-mark', source: 'auto', confidence: 0.6 }),
    row({ studentId: 'st4', status: 'present', notifyOn: 'every-mark', source: 'auto', confidence: 0.9 }),
    row({ studentId: 'st5', notifyOn: 'off' }),
    row({ studentId: 'st6', phone: null, email: 'p@example.org' }),
    row({ studentId: 'st7', phone: null }),
    row({ studentId: 'st8', lastAlertAt: new Date('2026-11-22T08:55:00Z') }),
    row({ studentId: 'st9', lastAlertAt: new Date('2026-11-22T08:49:00Z') }),
    row({ studentId: 'st10', alreadyQueued: true }),
  ], options);
  assert.deepEqual(plan.queue.map((m) => [m.studentId, m.channel, m.template]), [
    ['st1', 'sms', 'absent'],
    ['st4', 'sms', 'present'],
    ['st6', 'email', 'absent'],
    ['st9', 'sms', 'absent'],
  ]);
  assert.deepEqual(plan.skipped, { preference: 2, 'low-confidence': 1, 'no-contact': 1, throttled: 1, 'already-queued': 1 });
});

Deno.test('quiet hours move the message to their end, across midnight too', () => {
  const at = (iso: string, s: string | null, e: string | null, tz = 'UTC') => sendableAt(new Date(iso), s, e, tz).toISOString();
  assert.equal(at('2026-11-22T22:30:00Z', '21:00', '07:00'), '2026-11-23T07:00:00.000Z');
  assert.equal(at('2026-11-22T06:15:00Z', '21:00', '07:00'), '2026-11-22T07:00:00.000Z');
  assert.equal(at('2026-11-22T12:00:00Z', '21:00', '07:00'), '2026-11-22T12:00:00.000Z');
  assert.equal(at('2026-11-22T13:30:00Z', '13:00', '14:00'), '2026-11-22T14:00:00.000Z');
  // 22:30 UTC is 04:00 in Kolkata: inside the window, which ends at 07:00 there.
  assert.equal(at('2026-11-22T22:30:00Z', '21:00', '07:00', 'Asia/Kolkata'), '2026-11-23T01:30:00.000Z');
  assert.equal(at('2026-11-22T12:00:00Z', '21:00', '07:00', 'Asia/Kolkata'), '2026-11-22T12:00:00.000Z');
});

Deno.test('retries back off exponentially with jitter and stop after five attempts; 4xx fails at once', () => {
  assert.equal(retryDelayMs(1, () => 0), 15_000);
  assert.equal(retryDelayMs(1, () => 1), 30_000);
  assert.equal(retryDelayMs(3, () => 1), 120_000);
  assert.equal(retryDelayMs(20, () => 1), 3_600_000);
  const now = new Date('2026-11-22T09:00:00Z');
  const retry = readTwilioAnswer(500, { code: 20500, message: 'oops' });
  assert.deepEqual(retry, { kind: 'retry', error: 'twilio 500 20500: oops' });
  assert.equal(afterAttempt(0, retry, now, () => 0).status, 'queued');
  assert.equal(afterAttempt(4, retry, now).status, 'failed');
  assert.equal(readTwilioAnswer(429, {}).kind, 'retry');
  const rejected = readTwilioAnswer(400, { code: 21211, message: 'invalid' });
  assert.deepEqual(afterAttempt(0, rejected, now).status, 'failed');
  assert.deepEqual(readTwilioAnswer(201, { sid: 'SM1' }), { kind: 'sent', providerId: 'SM1' });
});

Deno.test("Twilio's signature example and a constant-time compare", async () => {
  // Worked out independently (Python's hmac) from Twilio's documented example request.
  const params = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' });
  assert.equal(await twilioSignature('https://example.com/myapp.php?foo=1&bar=2', params, '12345'), 'vNe7KK2kJwCsxc9K3OLkkKB3qqI=');
  assert.equal(constantTimeEqual('abc', 'abc'), true);
  assert.equal(constantTimeEqual('abc', 'abd'), false);
  assert.equal(constantTimeEqual('abc', 'abcd'), false);
});
