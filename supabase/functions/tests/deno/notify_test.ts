/**
 * notify against the running local stack and its Twilio recorder: what a
 * finalised session queues, what send-due does with Twilio's answers, and
 * the signed status callback. Each test makes its own students and
 * guardians (fresh phone numbers) in 7B, so tests do not see each other's messages.
 */
import assert from 'node:assert/strict';
import { twilioSignature } from '../../notify/twilio.ts';
import { env, tokenFor, USERS, withDb } from './stackClient.ts';
import { asPriya, asTomas, failTwilioNext, finalisedSession, kids, notify, queued, serviceKey, smsTo, twilio } from './notifyFixtures.ts';

Deno.test('finalising queues one SMS per guardian by their preferences, and again queues nothing', async () => {
  const [absence, every, off] = await kids(['absence', 'every-mark', 'off']);
  const late = (await kids(['absence']))[0];
  const session = await finalisedSession([
    { kid: absence, status: 'absent' },
    { kid: every, status: 'present', source: 'auto', confidence: 0.95 },
    { kid: off, status: 'absent' },
    { kid: late, status: 'present' },
  ]);
  const token = await asTomas();
  const first = await notify(token, { action: 'session-finalised', sessionId: session });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.queued, 2);
  assert.deepEqual(first.body.skipped, { preference: 2 });

  const rows = await queued([absence.phone, every.phone, off.phone, late.phone]);
  assert.deepEqual(
    rows.map((r) => `${r.recipient} ${r.template} ${r.status}`).sort(),
    [`${absence.phone} absent queued`, `${every.phone} present queued`].sort(),
  );
  const absentBody = rows.find((r) => r.recipient === absence.phone)!.body;
  assert.equal(absentBody, 'Rollcall: Kiran was marked absent in 7B on Mon 23 Nov. Reply 1 sick, 2 family, 3 other.');
  assert.ok(rows.every((r) => !/https?:|\.jpg|\.png|photo|face/i.test(r.body)), 'no image or link in any message');

  const again = await notify(token, { action: 'session-finalised', sessionId: session });
  assert.equal(again.status, 200);
  assert.equal(again.body.queued, 0);
  assert.equal((await queued([absence.phone, every.phone])).length, 2);

  const sent = await notify(await serviceKey(), { action: 'send-due' });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const sms = await smsTo([absence.phone, every.phone, off.phone, late.phone]);
  assert.deepEqual(sms.map((m) => m.to).sort(), [absence.phone, every.phone].sort());
  assert.ok(sms.every((m) => m.statusCallback?.endsWith('/functions/v1/notify/twilio-status')));
  const audit = await withDb((sql) => sql`select actor, details from public.audit_log where action = 'notify.queued' and entity_id = ${session} order by at`);
  assert.equal(audit.length, 2);
  assert.equal(audit[0].actor, USERS.tomas.id);
});

Deno.test('session-status counts the messages of one session by status, as its teacher may see them', async () => {
  const [a, b] = await kids(['absence', 'absence']);
  const session = await finalisedSession([{ kid: a, status: 'absent' }, { kid: b, status: 'absent' }]);
  const token = await asTomas();
  const before = await notify(token, { action: 'session-status', sessionId: session });
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.deepEqual(before.body, { sessionId: session, counts: {} });
  await notify(token, { action: 'session-finalised', sessionId: session });
  assert.deepEqual((await notify(token, { action: 'session-status', sessionId: session })).body.counts, { queued: 2 });
  await notify(await serviceKey(), { action: 'send-due' });
  assert.deepEqual((await notify(token, { action: 'session-status', sessionId: session })).body.counts, { sent: 2 });
  // Another class's teacher sees none of them.
  const other = await notify(await asPriya(), { action: 'session-status', sessionId: session });
  assert.deepEqual(other.body.counts, {});
});

Deno.test('two sessions minutes apart send one SMS per guardian (throttle)', async () => {
  const [kid] = await kids(['absence']);
  const token = await asTomas();
  const morning = await finalisedSession([{ kid, status: 'absent' }]);
  const next = await finalisedSession([{ kid, status: 'absent' }]);
  assert.equal((await notify(token, { action: 'session-finalised', sessionId: morning })).body.queued, 1);
  const second = await notify(token, { action: 'session-finalised', sessionId: next });
  assert.equal(second.body.queued, 0);
  assert.deepEqual(second.body.skipped, { throttled: 1 });
  await notify(await serviceKey(), { action: 'send-due' });
  assert.equal((await smsTo([kid.phone])).length, 1);
});

Deno.test('an automatic present at 0.6 confidence sends no "present" SMS to an every-mark guardian', async () => {
  const [kid] = await kids(['every-mark']);
  const session = await finalisedSession([{ kid, status: 'present', source: 'auto', confidence: 0.6 }]);
  const reply = await notify(await asTomas(), { action: 'session-finalised', sessionId: session });
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.body, { queued: 0, skipped: { 'low-confidence': 1 } });
});

Deno.test('send-due: Twilio 500 is retried with backoff and sent on the next due run; 400 fails with the reason', async () => {
  const service = await serviceKey();
  await notify(service, { action: 'send-due' }); // nothing else due before the failures are armed
  const [flaky, invalid] = await kids(['absence', 'absence']);
  const token = await asTomas();
  await notify(token, { action: 'session-finalised', sessionId: await finalisedSession([{ kid: flaky, status: 'absent' }]) });

  await failTwilioNext(500);
  const before = Date.now();
  const first = await notify(service, { action: 'send-due' });
  assert.equal(first.status, 200);
  let [row] = await queued([flaky.phone]);
  assert.deepEqual([row.status, row.attempts], ['queued', 1]);
  assert.match(row.last_error, /^twilio 500/);
  const delay = new Date(row.next_attempt_at).getTime() - before;
  assert.ok(delay >= 14_000 && delay <= 31_000, `backoff ${delay} ms`);

  const early = await notify(service, { action: 'send-due' });
  assert.equal((await smsTo([flaky.phone])).length, 0, `not due yet: ${JSON.stringify(early.body)}`);
  await withDb((sql) => sql`update public.notifications set next_attempt_at = now() where recipient = ${flaky.phone}`);
  await notify(service, { action: 'send-due' });
  [row] = await queued([flaky.phone]);
  assert.deepEqual([row.status, row.attempts, row.last_error], ['sent', 2, null]);
  assert.equal((await smsTo([flaky.phone])).length, 1);

  await notify(token, { action: 'session-finalised', sessionId: await finalisedSession([{ kid: invalid, status: 'absent' }]) });
  await failTwilioNext(400);
  await notify(service, { action: 'send-due' });
  [row] = await queued([invalid.phone]);
  assert.deepEqual([row.status, row.attempts, row.next_attempt_at], ['failed', 1, null]);
  assert.match(row.last_error, /^twilio 400 21211: The 'To' number is not a valid phone number/);
});

Deno.test('the Twilio status callback: a good signature marks delivered, a bad one is 403', async () => {
  const [kid] = await kids(['absence']);
  await notify(await asTomas(), { action: 'session-finalised', sessionId: await finalisedSession([{ kid, status: 'absent' }]) });
  await notify(await serviceKey(), { action: 'send-due' });
  const [sms] = await smsTo([kid.phone]);
  assert.ok(sms, 'sent');
  const url = `${env.functionsUrl}/notify/twilio-status`;
  const params = new URLSearchParams({ MessageSid: sms.sid, MessageStatus: 'delivered', To: kid.phone, AccountSid: 'AC1' });
  const post = (signature: string) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: params });

  const forged = await post(await twilioSignature(url, params, 'not-the-token'));
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal((await queued([kid.phone]))[0].status, 'sent');

  const good = await post(await twilioSignature(url, params, twilio.authToken));
  assert.equal(good.status, 204);
  assert.equal((await queued([kid.phone]))[0].status, 'delivered');
});

Deno.test('notify refuses: bad JWT 401, bad body 400 naming the field, students and parents 403, over the limit 429', async () => {
  assert.equal((await notify('not-a-jwt', { action: 'send-due' })).status, 401);
  assert.equal((await notify(null, { action: 'send-due' })).status, 401);
  const token = await asTomas();
  const bad = await notify(token, { action: 'session-finalised', sessionId: 'nope' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.message), /^sessionId: /);

  const [kid] = await kids(['absence']);
  const session = await finalisedSession([{ kid, status: 'absent' }]);
  for (const user of [USERS.aarav.id, USERS.pat.id, USERS.priya.id]) {
    const reply = await notify(await tokenFor(user), { action: 'session-finalised', sessionId: session });
    assert.ok(reply.status === 403 || reply.status === 404, `${user}: ${reply.status}`);
  }
  assert.equal((await queued([kid.phone])).length, 0);
  assert.equal((await notify(await tokenFor(USERS.aarav.id), { action: 'send-due' })).status, 403);

  const stranger = await tokenFor(crypto.randomUUID());
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) statuses.push((await notify(stranger, {})).status);
  assert.deepEqual([statuses[0], statuses[29], statuses[30]], [400, 400, 429]);
});

Deno.test("send-due: an admin signed in with a password alone may not send the school's queue; with the second factor they may", async () => {
  const aal1 = await notify(await tokenFor(USERS.asha.id, { aal: 'aal1' }), { action: 'send-due' });
  assert.equal(aal1.status, 403);
  const aal2 = await notify(await tokenFor(USERS.asha.id, { aal: 'aal2' }), { action: 'send-due' });
  assert.equal(aal2.status, 200);
});
