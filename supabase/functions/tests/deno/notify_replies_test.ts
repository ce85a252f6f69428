/**
 * Guardians answering: SMS replies through Twilio's signed inbound webhook
 * become excuse requests a teacher approves or rejects (reviews), parents
 * set how they are told, and the school's own threshold for "present" texts.
 */
import assert from 'node:assert/strict';
import { excuseConfirmation, REPLY_HELP, REPLY_NO_ABSENCE } from '../../notify/messages.ts';
import { twilioSignature, twimlMessage } from '../../notify/twilio.ts';
import { callFunction, env, SCHOOLS, tokenFor, USERS, withDb } from './stackClient.ts';
import { pupilWithEverything, randomPhone } from './privacyFixtures.ts';
import { STUDENTS } from '../../../local/seed-ids.ts';

const authToken = Deno.env.get('TWILIO_AUTH_TOKEN') ?? '';
const inboundUrl = `${env.functionsUrl}/notify/twilio-inbound`;

const newSid = () => `SM${crypto.randomUUID().replaceAll('-', '')}`;

async function smsReply(from: string, body: string, token = authToken, sid = newSid()): Promise<{ status: number; type: string | null; text: string }> {
  const params = new URLSearchParams({
    MessageSid: sid,
    AccountSid: 'AC1',
    From: from,
    To: '+15005550006',
    Body: body,
  });
  const res = await fetch(inboundUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': await twilioSignature(inboundUrl, params, token) },
    body: params,
  });
  return { status: res.status, type: res.headers.get('Content-Type'), text: await res.text() };
}

const excusesFor = (markId: string) =>
  withDb((sql) =>
    sql`select id, reason::text as reason, message, status::text as status, guardian_id, notification_id, decided_by
        from public.excuse_requests where mark_id = ${markId} order by created_at`
  );

const markRow = async (markId: string) =>
  (await withDb((sql) => sql`select status::text as status, source::text as source, confidence from public.attendance_marks where id = ${markId}`))[0];

const reviews = async (user: string, body: unknown) => await callFunction<Record<string, unknown>>('reviews', await tokenFor(user), body);

Deno.test('an SMS reply "1 …" with a good signature records an excuse for the latest absence and answers in TwiML; a second reply replaces it', async () => {
  const p = await pupilWithEverything();
  const reply = await smsReply(p.phone, '1 fever since Sunday');
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.type ?? '', /^text\/xml/);
  assert.equal(reply.text, twimlMessage(excuseConfirmation('Kiran Test', 'sick', new Date('2026-11-23T08:30:00Z'), 'UTC')));
  assert.match(reply.text, /Kiran&apos;s absence on Mon 23 Nov \(sick\) is with the teacher/);
  let rows = await excusesFor(p.markId);
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0].reason, rows[0].message, rows[0].status, rows[0].guardian_id, rows[0].notification_id], [
    'sick',
    'fever since Sunday',
    'pending',
    p.guardianId,
    p.notificationId,
  ]);

  const again = await smsReply(p.phone, '2');
  assert.equal(again.status, 200);
  rows = await excusesFor(p.markId);
  assert.deepEqual(rows.map((r) => [r.reason, r.message, r.status]), [['family', '', 'pending']]);
  const audit = await withDb((sql) =>
    sql`select actor, details from public.audit_log where action = 'excuse.received' and entity_id = ${rows[0].id} order by at`
  );
  assert.equal(audit.length, 2);
  assert.equal(audit[0].actor, null);
  assert.ok(!JSON.stringify(audit).includes(p.phone), 'no phone number in the audit log');
});

Deno.test('an SMS reply with a bad signature is 403 and records nothing', async () => {
  const p = await pupilWithEverything();
  const forged = await smsReply(p.phone, '1', 'not-the-token');
  assert.equal(forged.status, 403);
  assert.equal((await excusesFor(p.markId)).length, 0);
});

Deno.test('an unknown code gets the help text, an unknown number is told there is nothing to explain; neither records anything', async () => {
  const p = await pupilWithEverything();
  const help = await smsReply(p.phone, 'he was ill');
  assert.equal(help.status, 200);
  assert.equal(help.text, twimlMessage(REPLY_HELP));
  assert.equal((await smsReply(p.phone, '12')).text, twimlMessage(REPLY_HELP));
  assert.equal((await excusesFor(p.markId)).length, 0);

  const stranger = await smsReply(randomPhone(), '1');
  assert.equal(stranger.status, 200);
  assert.equal(stranger.text, twimlMessage(REPLY_NO_ABSENCE));
});

Deno.test('the class teacher approves an excuse with one call: the mark becomes excused, manual; others cannot; a decision is final', async () => {
  const p = await pupilWithEverything();
  await smsReply(p.phone, '3 family wedding');
  const [excuse] = await excusesFor(p.markId);

  for (const user of [USERS.priya.id, p.parentId, USERS.aarav.id]) {
    const refused = await reviews(user, { action: 'decide-excuse', excuseId: excuse.id, approve: true });
    assert.ok(refused.status === 403 || refused.status === 404, `${user}: ${refused.status}`);
  }
  assert.equal((await markRow(p.markId)).status, 'absent');

  const approved = await reviews(p.teacherId, { action: 'decide-excuse', excuseId: excuse.id, approve: true, note: 'Card seen' });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.deepEqual(
    [(approved.body.excuse as Record<string, unknown>).status, (approved.body.excuse as Record<string, unknown>).decided_by],
    ['approved', p.teacherId],
  );
  assert.deepEqual(await markRow(p.markId), { status: 'excused', source: 'manual', confidence: null });
  const logged = await withDb((sql) =>
    sql`select action, actor from public.audit_log where entity_id in (${excuse.id}, ${p.markId}) and action in ('excuse.approved', 'mark.corrected') order by action`
  );
  assert.deepEqual(logged.map((r) => [r.action, r.actor]), [['excuse.approved', p.teacherId], ['mark.corrected', p.teacherId]]);

  const twice = await reviews(p.teacherId, { action: 'decide-excuse', excuseId: excuse.id, approve: false });
  assert.equal(twice.status, 409);
});

Deno.test('a rejected excuse keeps the mark', async () => {
  const p = await pupilWithEverything();
  await smsReply(p.phone, '1');
  const [excuse] = await excusesFor(p.markId);
  const rejected = await reviews(USERS.asha.id, { action: 'decide-excuse', excuseId: excuse.id, approve: false, note: 'Seen in town' });
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  assert.deepEqual(await markRow(p.markId), { status: 'absent', source: 'auto', confidence: '0.97' });
  assert.equal((await excusesFor(p.markId))[0].status, 'rejected');
});

Deno.test('a reply Twilio delivers twice, or an attacker replays, is recorded once: the same answer, no new excuse after a decision', async () => {
  const p = await pupilWithEverything();
  const sid = newSid();
  const first = await smsReply(p.phone, '1 flu', authToken, sid);
  // Twilio's own retry of the same message: same answer, nothing new.
  const retry = await smsReply(p.phone, '1 flu', authToken, sid);
  assert.equal(retry.status, 200);
  assert.equal(retry.text, first.text);
  let rows = await excusesFor(p.markId);
  assert.equal(rows.length, 1);
  const received = await withDb((sql) => sql`select count(*)::int as n from public.audit_log where action = 'excuse.received' and entity_id = ${rows[0].id}`);
  assert.equal(received[0].n, 1);

  const rejected = await reviews(p.teacherId, { action: 'decide-excuse', excuseId: rows[0].id, approve: false, note: 'Seen at the match' });
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  // The same signed request, replayed after the teacher's decision.
  const replayed = await smsReply(p.phone, '1 flu', authToken, sid);
  assert.equal(replayed.status, 200);
  rows = await excusesFor(p.markId);
  assert.deepEqual(rows.map((r) => r.status), ['rejected']);

  const missing = await fetch(inboundUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': await twilioSignature(inboundUrl, new URLSearchParams({ From: p.phone, Body: '1' }), authToken) },
    body: new URLSearchParams({ From: p.phone, Body: '1' }),
  });
  assert.equal(missing.status, 400, 'a reply without its MessageSid cannot be told from a replay');
  await missing.body?.cancel();
});

Deno.test('a parent reads and sets notification preferences for their own children only', async () => {
  const pat = await tokenFor(USERS.pat.id);
  const notify = (body: unknown) => callFunction<Record<string, unknown>>('notify', pat, body);
  const listed = await notify({ action: 'preferences' });
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const aarav = (listed.body.preferences as Record<string, unknown>[]).find((p) => p.studentId === STUDENTS.aarav);
  assert.deepEqual(aarav && [aarav.notifyOn, aarav.quietHoursStart, aarav.quietHoursEnd], ['absence', '21:00', '07:00']);

  try {
    const set = await notify({ action: 'set-preference', studentId: STUDENTS.aarav, notifyOn: 'every-mark' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const [row] = await withDb((sql) =>
      sql`select notify_on::text as notify_on, quiet_hours_start from public.guardian_notification_preferences where student_id = ${STUDENTS.aarav}`
    );
    assert.deepEqual([row.notify_on, row.quiet_hours_start], ['every-mark', null]);

    assert.equal((await notify({ action: 'set-preference', studentId: STUDENTS.farah, notifyOn: 'off' })).status, 404);
    const bad = await notify({ action: 'set-preference', studentId: STUDENTS.aarav, notifyOn: 'off', quietHoursStart: '21:00' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /^quietHoursEnd: /);
    // Rosa cannot change Pat's rows, even naming his guardian row.
    const rosa = await callFunction<Record<string, unknown>>('notify', await tokenFor(USERS.rosa.id), {
      action: 'set-preference',
      studentId: STUDENTS.aarav,
      guardianId: '50000000-0000-4000-8000-000000000001',
      notifyOn: 'off',
    });
    assert.equal(rosa.status, 404);
  } finally {
    await notify({ action: 'set-preference', studentId: STUDENTS.aarav, notifyOn: 'absence', quietHoursStart: '21:00', quietHoursEnd: '07:00' });
  }
});

Deno.test("finalising uses the school's present_sms_confidence: at 0.55, an automatic present at 0.6 is texted", async () => {
  const p = await pupilWithEverything({ status: 'present' });
  await withDb(async (sql) => {
    await sql`update public.attendance_marks set confidence = 0.6 where id = ${p.markId}`;
    await sql`update public.guardian_notification_preferences set notify_on = 'every-mark' where student_id = ${p.studentId}`;
    await sql`delete from public.notifications where id = ${p.notificationId}`;
    await sql`update public.schools set present_sms_confidence = 0.55 where id = ${SCHOOLS.demo}`;
  });
  try {
    const reply = await callFunction<Record<string, unknown>>('notify', await tokenFor(p.teacherId), {
      action: 'session-finalised',
      sessionId: p.sessionId,
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    // The other guardian hears only about absences.
    assert.deepEqual(reply.body, { queued: 1, skipped: { preference: 1 } });
  } finally {
    await withDb((sql) => sql`update public.schools set present_sms_confidence = 0.80 where id = ${SCHOOLS.demo}`);
  }
});
