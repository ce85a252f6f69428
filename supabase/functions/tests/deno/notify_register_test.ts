/**
 * Guardians' texts follow the final register, against the running stack and
 * its Twilio recorder: a mark corrected after Finish (by the teacher's phone,
 * a second phone, an approved excuse or an accepted dispute) brings a
 * correction, at most one text per student and recipient in ten minutes
 * with the final state told once the window ends, and a cleared mark is no
 * mark.
 */
import assert from 'node:assert/strict';
import { REPLY_NO_ABSENCE } from '../../notify/messages.ts';
import { twilioSignature, twimlMessage } from '../../notify/twilio.ts';
import { callFunction, callSync, env, mutation, SCHOOLS, type SyncReply, tokenFor, USERS, withDb } from './stackClient.ts';
import { finalisedSession, freshClass, type Kid, kids, notify, type Room, sendDue, smsTo, type Status, twilio } from './notifyFixtures.ts';

const absentText = (room: Room) => `Rollcall: Kiran was marked absent in ${room.className} on Mon 23 Nov. Reply 1 sick, 2 family, 3 other.`;
const nowPresentText = (room: Room) =>
  `Rollcall correction: Kiran was marked present in ${room.className} on Mon 23 Nov, not absent. Sorry for the earlier message.`;
const asTeacher = async (room: Room) => await tokenFor(room.teacherId);

/** Every text to these numbers, oldest first, with what it told. */
async function texts(phones: string[]) {
  return await withDb((sql) =>
    sql`select template, mark_status::text as mark_status, status::text as status, body, next_attempt_at, sent_at
        from public.notifications where recipient = any (${phones})
        order by created_at, coalesce(next_attempt_at, sent_at)`
  );
}

const sms = async (kid: Kid) => (await smsTo([kid.phone])).map((m) => m.body);

/** The session's mark of this student, as stored. */
async function markOf(sessionId: string, kid: Kid) {
  const [m] = await withDb((sql) =>
    sql`select id, status::text as status, source::text as source, cleared_at from public.attendance_marks
        where session_id = ${sessionId} and student_id = ${kid.studentId}`
  );
  return m;
}

let clock = 0;
/** A phone's correction through sync, as the app pushes it: manual, marked now (a little later each time). */
async function correctBySync(room: Room, sessionId: string, kid: Kid, status: Status, { device = 'phone-1', cleared = false } = {}): Promise<string> {
  const { id } = await markOf(sessionId, kid);
  const markedAt = new Date(Date.now() + 1000 * ++clock).toISOString();
  const reply = await callSync<SyncReply>(await asTeacher(room), {
    push: [
      mutation('attendance_marks', {
        id,
        session_id: sessionId,
        student_id: kid.studentId,
        status,
        source: 'manual',
        confidence: null,
        marked_at: markedAt,
        device,
        cleared_at: cleared ? markedAt : null,
      }),
    ],
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.results![0].status;
}

/** The texts to this number went out more than ten minutes ago: the throttle no longer holds a new one back. */
async function windowPassed(kid: Kid) {
  await withDb((sql) =>
    sql`update public.notifications set created_at = created_at - interval '11 minutes', sent_at = sent_at - interval '11 minutes'
        where recipient = ${kid.phone}`
  );
}

/** What is waiting for this number falls due now, as when the window ends. */
async function waitingFallsDue(kid: Kid) {
  await withDb((sql) => sql`update public.notifications set next_attempt_at = now() where recipient = ${kid.phone} and status = 'queued'`);
}

/** A finalised session with these students absent, its texts queued by the teacher's phone and sent. */
async function toldAbsent(room: Room, ...group: Kid[]): Promise<string> {
  const sessionId = await finalisedSession(group.map((kid) => ({ kid, status: 'absent' as const })), room);
  const reply = await notify(await asTeacher(room), { action: 'session-finalised', sessionId });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  await sendDue();
  for (const kid of group) assert.deepEqual(await sms(kid), [absentText(room)]);
  return sessionId;
}

async function smsReply(from: string, body: string) {
  const url = `${env.functionsUrl}/notify/twilio-inbound`;
  const params = new URLSearchParams({
    MessageSid: `SM${crypto.randomUUID().replaceAll('-', '')}`,
    AccountSid: 'AC1',
    From: from,
    To: '+15005550006',
    Body: body,
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': await twilioSignature(url, params, twilio.authToken) },
    body: params,
  });
  return await res.text();
}

const reviews = async (room: Room, body: unknown) => await callFunction<Record<string, unknown>>('reviews', await asTeacher(room), body);

Deno.test('told "absent", then the teacher marks the student present after Finish: one correction text, and nothing more', async () => {
  const room = await freshClass();
  const [kid] = await kids(['absence'], room);
  const sessionId = await toldAbsent(room, kid);
  await windowPassed(kid);

  assert.equal(await correctBySync(room, sessionId, kid, 'present'), 'applied');
  await sendDue();
  assert.deepEqual(await sms(kid), [absentText(room), nowPresentText(room)]);

  // The register and the texts agree now: no further run, nor asking again, sends anything.
  await sendDue();
  assert.equal((await notify(await asTeacher(room), { action: 'session-finalised', sessionId })).body.queued, 0);
  await sendDue();
  assert.deepEqual(await sms(kid), [absentText(room), nowPresentText(room)]);
  assert.deepEqual((await texts([kid.phone])).map((t) => [t.template, t.mark_status, t.status]), [
    ['absent', 'absent', 'sent'],
    ['correction', 'present', 'sent'],
  ]);
  // A reply to the absence text it replaced has no absence left to explain.
  assert.equal(await smsReply(kid.phone, '1 sick'), twimlMessage(REPLY_NO_ABSENCE));
});

Deno.test('two corrections within ten minutes: nothing inside the window, then one text with the final state', async () => {
  const room = await freshClass();
  const [kid] = await kids(['absence'], room);
  const sessionId = await toldAbsent(room, kid);
  const [{ sent_at: toldAt }] = await texts([kid.phone]);

  assert.equal(await correctBySync(room, sessionId, kid, 'late'), 'applied');
  await sendDue();
  assert.equal(await correctBySync(room, sessionId, kid, 'present'), 'applied');
  await sendDue();
  assert.deepEqual(await sms(kid), [absentText(room)], 'nothing more inside the window');
  const waiting = (await texts([kid.phone])).filter((t) => t.status === 'queued');
  assert.deepEqual(waiting.map((t) => t.mark_status), ['late', 'present']);
  for (const t of waiting) {
    const wait = new Date(t.next_attempt_at).getTime() - new Date(toldAt).getTime();
    assert.ok(Math.abs(wait - 10 * 60_000) < 2_000, `due when the window ends, ${wait} ms after the first text`);
  }

  await waitingFallsDue(kid);
  await sendDue();
  assert.deepEqual(await sms(kid), [absentText(room), nowPresentText(room)]);
  assert.deepEqual((await texts([kid.phone])).map((t) => [t.template, t.mark_status, t.status]), [
    ['absent', 'absent', 'sent'],
    ['correction', 'present', 'sent'],
  ]);
});

Deno.test('a second phone, an approved excuse and an accepted dispute each bring the correction text', async () => {
  const room = await freshClass();
  const [byPhone, excused, disputed] = await kids(['absence', 'absence', 'absence'], room);
  const sessionId = await toldAbsent(room, byPhone, excused, disputed);
  for (const kid of [byPhone, excused, disputed]) await windowPassed(kid);

  // Another phone in the room syncs its own correction.
  assert.equal(await correctBySync(room, sessionId, byPhone, 'present', { device: 'phone-2' }), 'applied');

  // The guardian explains by SMS and the teacher approves.
  await smsReply(excused.phone, '1 fever');
  const [excuse] = await withDb((sql) => sql`select id from public.excuse_requests where student_id = ${excused.studentId}`);
  assert.ok(excuse, 'the reply is recorded');
  assert.equal((await reviews(room, { action: 'decide-excuse', excuseId: excuse.id, approve: true })).status, 200);

  // The family disputes the absence and the teacher accepts.
  const { id: markId } = await markOf(sessionId, disputed);
  const [dispute] = await withDb((sql) =>
    sql`insert into public.disputes (school_id, mark_id, opened_by, reason, requested_status)
        values (${SCHOOLS.demo}, ${markId}, ${USERS.pat.id}, 'He was in the library', 'present') returning id`
  );
  const accepted = await reviews(room, { action: 'resolve-dispute', disputeId: dispute.id, outcome: 'accept', resolution: 'Librarian confirms' });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));

  await sendDue();
  assert.deepEqual(await sms(byPhone), [absentText(room), nowPresentText(room)]);
  assert.deepEqual(await sms(excused), [absentText(room), `Rollcall: Kiran's absence in ${room.className} on Mon 23 Nov is now excused.`]);
  assert.deepEqual(await sms(disputed), [absentText(room), nowPresentText(room)]);
});

Deno.test('a cleared mark gets no text; one cleared after its text is taken back', async () => {
  const room = await freshClass();
  const [clearedAtFinish, everyMark, clearedLater] = await kids(['absence', 'every-mark', 'absence'], room);
  const sessionId = await finalisedSession([
    { kid: clearedAtFinish, status: 'absent', cleared: true },
    { kid: everyMark, status: 'present', cleared: true },
    { kid: clearedLater, status: 'absent' },
  ], room);
  const reply = await notify(await asTeacher(room), { action: 'session-finalised', sessionId });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body, { queued: 1, skipped: { 'no-mark': 2 } });
  await sendDue();
  assert.deepEqual(await sms(clearedAtFinish), []);
  assert.deepEqual(await sms(everyMark), []);
  assert.deepEqual(await sms(clearedLater), [absentText(room)]);

  await windowPassed(clearedLater);
  assert.equal(await correctBySync(room, sessionId, clearedLater, 'absent', { cleared: true }), 'applied');
  assert.ok((await markOf(sessionId, clearedLater)).cleared_at, 'cleared');
  await sendDue();
  assert.deepEqual(await sms(clearedLater), [
    absentText(room),
    `Rollcall correction: Kiran is no longer marked absent in ${room.className} on Mon 23 Nov. Sorry for the earlier message.`,
  ]);
  assert.deepEqual(await sms(clearedAtFinish), []);
});

Deno.test('a text still waiting when its mark changes is withdrawn unsent, and the mark it missed is told', async () => {
  const room = await freshClass();
  const [kid, every] = await kids(['absence', 'every-mark'], room);
  const sessionId = await finalisedSession([{ kid, status: 'absent' }, { kid: every, status: 'present' }], room);
  await withDb((sql) =>
    sql`update public.guardian_notification_preferences set quiet_hours_start = '00:00', quiet_hours_end = '23:59'
        where guardian_id = any (${[kid.guardianId, every.guardianId]})`
  );
  assert.equal((await notify(await asTeacher(room), { action: 'session-finalised', sessionId })).body.queued, 2);

  // Corrected during the guardians' quiet hours, before anything went.
  assert.equal(await correctBySync(room, sessionId, kid, 'present'), 'applied');
  assert.equal(await correctBySync(room, sessionId, every, 'late'), 'applied');
  await sendDue();
  await waitingFallsDue(kid);
  await waitingFallsDue(every);
  await sendDue();
  // "absence" hears nothing of a present; "every-mark" hears the late, not the present it never got.
  assert.deepEqual(await sms(kid), []);
  assert.deepEqual(await sms(every), [`Rollcall: Kiran was marked late in ${room.className} on Mon 23 Nov.`]);
  assert.deepEqual((await texts([kid.phone, every.phone])).map((t) => [t.template, t.mark_status, t.status]), [['late', 'late', 'sent']]);
});
