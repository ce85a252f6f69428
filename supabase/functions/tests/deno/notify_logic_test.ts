/** notify's pure decisions, without a server. */
import assert from 'node:assert/strict';
import { type FollowUpRow, followUpFor, type MarkForGuardian, planFollowUps, planMessages, stillHolds } from '../../notify/logic.ts';
import { correctionBody, messageBody } from '../../notify/messages.ts';
import { sendableAt } from '../../notify/quietHours.ts';
import { afterAttempt, retryDelayMs } from '../../notify/retries.ts';
import { constantTimeEqual, readTwilioAnswer, twilioSignature } from '../../notify/twilio.ts';

const session = { id: 's1', schoolId: 'school', className: '7B', startsAt: new Date('2026-11-22T08:30:00Z') };
const row = (over: Partial<MarkForGuardian> = {}): MarkForGuardian => ({
  studentId: 'st1',
  studentName: 'Aarav Shah',
  status: 'absent',
  source: 'manual',
  confidence: null,
  cleared: false,
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
    row({ studentId: 'st11', cleared: true }),
  ], options);
  assert.deepEqual(plan.queue.map((m) => [m.studentId, m.channel, m.template]), [
    ['st1', 'sms', 'absent'],
    ['st4', 'sms', 'present'],
    ['st6', 'email', 'absent'],
    ['st9', 'sms', 'absent'],
  ]);
  assert.deepEqual(plan.skipped, { preference: 2, 'low-confidence': 1, 'no-contact': 1, throttled: 1, 'already-queued': 1, 'no-mark': 1 });
  // Each text keeps the mark it told of.
  assert.deepEqual(plan.queue.map((m) => m.markStatus), ['absent', 'present', 'absent', 'absent']);
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

const standing = (status: 'present' | 'absent' | 'late' | 'excused', source: 'auto' | 'manual' = 'manual', confidence: number | null = null) => ({
  status,
  source,
  confidence,
});

Deno.test('a follow-up is due only when what the guardian was told no longer holds, and their preference texts about it', () => {
  const min = 0.8;
  // What was told still holds: nothing.
  assert.deepEqual(followUpFor('absent', standing('absent'), 'absence', min), { kind: 'none', reason: 'still-holds' });
  // Told absent, now present: a correction, even though "absence" never texts a present.
  assert.deepEqual(followUpFor('absent', standing('present'), 'absence', min), { kind: 'correction', status: 'present', told: 'absent' });
  assert.deepEqual(followUpFor('absent', standing('excused'), 'absence', min), { kind: 'correction', status: 'excused', told: 'absent' });
  // Told nothing, now absent: the absence text the mark would have had.
  assert.deepEqual(followUpFor(null, standing('absent'), 'absence', min), { kind: 'text', status: 'absent' });
  // Told nothing, now present: "absence" does not text it, nor a guess below the school's confidence.
  assert.deepEqual(followUpFor(null, standing('present'), 'absence', min), { kind: 'none', reason: 'preference' });
  assert.deepEqual(followUpFor(null, standing('present', 'auto', 0.6), 'every-mark', min), { kind: 'none', reason: 'low-confidence' });
  assert.deepEqual(followUpFor(null, standing('present', 'auto', 0.9), 'every-mark', min), { kind: 'text', status: 'present' });
  // A mark taken back leaves nothing to tell, unless something was told about it.
  assert.deepEqual(followUpFor(null, null, 'every-mark', min), { kind: 'none', reason: 'no-mark' });
  assert.deepEqual(followUpFor('absent', null, 'absence', min), { kind: 'correction', status: null, told: 'absent' });
  // "off" hears nothing more; a change neither end of which the preference texts about is not news to them.
  assert.deepEqual(followUpFor('absent', standing('present'), 'off', min), { kind: 'none', reason: 'preference' });
  assert.deepEqual(followUpFor('present', standing('excused'), 'absence', min), { kind: 'none', reason: 'preference' });
  assert.deepEqual(followUpFor('present', standing('absent'), 'absence', min), { kind: 'correction', status: 'absent', told: 'present' });
});

Deno.test('correction texts say what stands now and what it replaces', () => {
  const at = session.startsAt;
  assert.equal(
    correctionBody('Aarav Shah', 'present', 'absent', '7B', at, 'UTC'),
    'Rollcall correction: Aarav was marked present in 7B on Sun 22 Nov, not absent. Sorry for the earlier message.',
  );
  assert.equal(
    correctionBody('Aarav Shah', 'absent', 'present', '7B', at, 'UTC'),
    'Rollcall correction: Aarav was marked absent in 7B on Sun 22 Nov, not present. Sorry for the earlier message. Reply 1 sick, 2 family, 3 other.',
  );
  // An excused absence was no mistake: the earlier text stood when it was sent.
  assert.equal(correctionBody('Aarav Shah', 'excused', 'absent', '7B', at, 'UTC'), "Rollcall: Aarav's absence in 7B on Sun 22 Nov is now excused.");
  assert.equal(
    correctionBody('Aarav Shah', null, 'absent', '7B', at, 'UTC'),
    'Rollcall correction: Aarav is no longer marked absent in 7B on Sun 22 Nov. Sorry for the earlier message.',
  );
});

const followRow = (over: Partial<FollowUpRow> = {}): FollowUpRow => ({
  studentId: 'st1',
  studentName: 'Aarav Shah',
  guardianId: 'g1',
  phone: '+447700900101',
  email: null,
  notifyOn: 'absence',
  quietStart: null,
  quietEnd: null,
  mark: standing('present'),
  told: 'absent',
  pending: [],
  lastTextAt: null,
  ...over,
});

Deno.test('follow-ups wait out the throttle and quiet hours instead of being dropped, and are queued once', () => {
  const now = options.now; // 09:00
  const plan = planFollowUps(session, [
    // Told at 08:58: the correction waits for 09:08.
    followRow({ lastTextAt: new Date('2026-11-22T08:58:00Z') }),
    // Told long ago: at once.
    followRow({ studentId: 'st2', lastTextAt: new Date('2026-11-22T08:00:00Z') }),
    // The same correction is already waiting: nothing new.
    followRow({ studentId: 'st3', pending: ['present'] }),
    // A waiting text that no longer holds neither blocks the correction nor delays it.
    followRow({ studentId: 'st4', pending: ['late'], lastTextAt: new Date('2026-11-22T08:30:00Z') }),
    // Quiet hours still hold a correction back.
    followRow({ studentId: 'st5', quietStart: '08:00', quietEnd: '09:30' }),
    followRow({ studentId: 'st6', mark: standing('absent') }),
    followRow({ studentId: 'st7', told: null, mark: standing('late') }),
    followRow({ studentId: 'st8', phone: null }),
  ], options);
  assert.deepEqual(plan.queue.map((m) => [m.studentId, m.template, m.markStatus, m.nextAttemptAt.toISOString()]), [
    ['st1', 'correction', 'present', '2026-11-22T09:08:00.000Z'],
    ['st2', 'correction', 'present', now.toISOString()],
    ['st4', 'correction', 'present', now.toISOString()],
    ['st5', 'correction', 'present', '2026-11-22T09:30:00.000Z'],
    ['st7', 'late', 'late', now.toISOString()],
  ]);
  assert.ok(plan.queue.every((m) => m.followUp));
  assert.equal(plan.queue[4].body, 'Rollcall: Aarav was marked late in 7B on Sun 22 Nov.');
  assert.deepEqual(plan.skipped, { 'already-queued': 1, 'still-holds': 1, 'no-contact': 1 });
});

Deno.test('two follow-ups for one student and recipient in one run are ten minutes apart', () => {
  const other = { ...session, id: 's2' };
  const first = planFollowUps(session, [followRow()], options);
  const both = planFollowUps(other, [followRow()], options, first.queue);
  assert.equal(both.queue[0].nextAttemptAt.toISOString(), '2026-11-22T09:10:00.000Z');
});

Deno.test('a waiting text goes only while the register still says what it says', () => {
  assert.equal(stillHolds('absent', 'absent'), true);
  assert.equal(stillHolds('absent', 'present'), false);
  assert.equal(stillHolds('absent', null), false);
  assert.equal(stillHolds(null, null), true);
  assert.equal(stillHolds(null, 'late'), false);
});
