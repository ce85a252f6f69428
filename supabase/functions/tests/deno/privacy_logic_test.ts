/**
 * The pure parts behind replies, reviews, privacy and the new sync tables:
 * reading an SMS reply, TwiML, what a dispute decision writes, masking, and
 * the SQL and refusals for update-only and read-only tables.
 */
import assert from 'node:assert/strict';
import { parseExcuseReply } from '../../notify/replies.ts';
import { twimlMessage } from '../../notify/twilio.ts';
import { erasedRollNo, maskContact } from '../../privacy/logic.ts';
import { disputeDecision } from '../../reviews/logic.ts';
import { planMutation } from '../../sync/logic.ts';
import { upsertSql } from '../../sync/sql.ts';
import { TABLES_BY_NAME } from '../../sync/tables.ts';

Deno.test('parseExcuseReply: a code first, then any words; anything else is not a reply', () => {
  assert.deepEqual(parseExcuseReply('1'), { reason: 'sick', message: '' });
  assert.deepEqual(parseExcuseReply(' 2 at grandma’s '), { reason: 'family', message: 'at grandma’s' });
  assert.deepEqual(parseExcuseReply('3. bus broke down'), { reason: 'other', message: 'bus broke down' });
  assert.deepEqual(parseExcuseReply('1-fever'), { reason: 'sick', message: 'fever' });
  for (const body of ['', 'sick', '4', '12', '0', 'hello 1', null]) assert.equal(parseExcuseReply(body), null, String(body));
  assert.equal(parseExcuseReply(`1 ${'x'.repeat(600)}`)?.message.length, 480);
});

Deno.test('twimlMessage escapes what it carries', () => {
  assert.equal(
    twimlMessage(`Kiran's <b> & "x"`),
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Kiran&apos;s &lt;b&gt; &amp; &quot;x&quot;</Message></Response>',
  );
});

Deno.test("disputeDecision: accepting needs a status, the resolver's or the one asked for; rejecting corrects nothing", () => {
  assert.deepEqual(disputeDecision('accept', 'present', undefined, undefined), { status: 'resolved', correctedStatus: 'present', resolution: null });
  assert.deepEqual(disputeDecision('accept', 'present', 'excused', 'note'), { status: 'resolved', correctedStatus: 'excused', resolution: 'note' });
  assert.equal(disputeDecision('accept', null, undefined, undefined), null);
  assert.deepEqual(disputeDecision('reject', 'present', undefined, 'no'), { status: 'rejected', correctedStatus: null, resolution: 'no' });
});

Deno.test('maskContact: phones and e-mails masked for non-admins, shown to admins', () => {
  assert.equal(maskContact('+447700900101', false), '+44******0101');
  assert.equal(maskContact('pat@demo.rollcall.example', false), 'p***@demo.rollcall.example');
  assert.equal(maskContact('+447700900101', true), '+447700900101');
  assert.equal(maskContact(null, false), null);
  assert.equal(erasedRollNo('40000000-0000-4000-8000-000000000001'), 'erased-40000000');
});

Deno.test('sync: schools are only updated, with their settings; consents and excuse requests are read only', () => {
  const schools = TABLES_BY_NAME.get('schools')!;
  const sql = upsertSql(schools, ['id', 'retention_days']);
  assert.equal(
    sql,
    'update public."schools" as t set "retention_days" = r."retention_days" from jsonb_populate_record(null::public."schools", $1::jsonb) r where t.id = r.id returning t.id, t.id as school_id',
  );
  assert.match(upsertSql(schools, ['id', 'retention_days'], true), /jsonb_populate_recordset/);
  const m = (table: string, row: Record<string, unknown>) => ({
    clientId: crypto.randomUUID(),
    table,
    op: 'upsert' as const,
    row,
    clientUpdatedAt: new Date().toISOString(),
  });
  const id = crypto.randomUUID();
  assert.deepEqual(planMutation(m('schools', { id, name: 'x' })), { kind: 'reject', reason: 'unknown column: name' });
  assert.deepEqual(planMutation(m('consents', { id })), { kind: 'reject', reason: 'read only: consents' });
  assert.deepEqual(planMutation(m('excuse_requests', { id })), { kind: 'reject', reason: 'read only: excuse_requests' });
  assert.deepEqual(planMutation(m('disputes', { id, mark_id: id, reason: 'r', status: 'resolved' })), { kind: 'reject', reason: 'unknown column: status' });
});
