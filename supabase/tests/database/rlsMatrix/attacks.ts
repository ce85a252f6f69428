/**
 * What an attacker tries beyond the plain cells: updates that move a row
 * into someone else's class or rewrite its owner or content, inserts in
 * someone else's name or with a time from a wrong clock, updates and
 * deletes with no WHERE (only the command's own policy decides which rows
 * they reach), and the private tables the sync and invite functions write.
 * Where a trigger, not a policy, keeps a row as it was (the keep_*,
 * only_withdraw, close and decide triggers, and the private.bound_* client
 * times), these cells are what notice the trigger gone
 * (scripts/test-policies.ts disables each one). Merged into the table specs
 * by index.ts.
 */
import { CLASSES, CONSENTS, DISPUTES, EXCUSE_REQUESTS, GUARDIANS, MARKS, MODEL_ARTIFACTS, SCHOOLS, SESSIONS, STUDENTS, USERS } from '../../../local/seed-ids';
import { q, type TableSpec } from './cells';

const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);
const noRead = { read: [], update: [], delete: [] };

/** Before 2020-01-01, the earliest time private.client_time believes from a device. */
const BACKDATED = "'2019-06-01 08:00:00+00'";
/** A time no device clock can honestly give. */
const FAR_AHEAD = "'9999-12-31 08:00:00+00'";

export const ATTACKS: TableSpec[] = [
  {
    table: 'schools',
    set: '',
    targets: [
      { label: 'Northside School, by an update with no WHERE', where: `id = ${NORTH}`, blind: true, ops: ['update'], set: 'late_after_minutes = 7', ...noRead, update: ['otherAdmin'] },
      // Its policy checks nothing of the new row: every table that names a
      // school references this key, without ON UPDATE CASCADE.
      { label: 'the demo school, moved to a new id', where: `id = ${DEMO}`, ops: ['update'], set: 'id = gen_random_uuid()', refusedWith: /foreign key/, ...noRead, update: [] },
    ],
    inserts: [],
  },
  {
    table: 'guardian_notification_preferences',
    set: '',
    targets: [
      {
        // With no WHERE, so the SELECT policies do not check the new row; every
        // row an admin reaches becomes Marta's for Bela: a key collides.
        label: "Pat's preferences for Aarav, handed to Marta for Bela by an update with no WHERE",
        blind: true,
        refusedWith: /duplicate key|foreign key/,
        where: `guardian_id = ${q(GUARDIANS.pat)} and student_id = ${q(STUDENTS.aarav)}`,
        prepare: `delete from public.guardian_notification_preferences where guardian_id = ${q(GUARDIANS.marta)} and student_id = ${q(STUDENTS.bela)}`,
        ops: ['update'],
        set: `guardian_id = ${q(GUARDIANS.marta)}, student_id = ${q(STUDENTS.bela)}`,
        ...noRead,
      },
      { label: "Rosa's preferences, by an update with no WHERE", where: `guardian_id = ${q(GUARDIANS.rosa)} and student_id = ${q(STUDENTS.farah)}`, blind: true, ops: ['update', 'delete'], set: "notify_on = 'every-mark'", ...noRead, update: ['admin'], delete: ['admin'] },
    ],
    inserts: [],
  },
  {
    table: 'attendance_marks',
    // Nobody, not even an admin, moves a mark to another class's student or session.
    set: '',
    targets: [
      { label: "Farah's mark, by an update with no WHERE", where: `id = ${q(MARKS.farahOpen8A)}`, blind: true, ops: ['update'], set: "status = 'excused', source = 'manual'", ...noRead, update: ['admin', 'teacher8A'] },
      { label: "Bela's open mark, moved to Farah", where: `id = ${q(MARKS.belaOpen7B)}`, ops: ['update'], set: `student_id = ${q(STUDENTS.farah)}`, ...noRead, update: [] },
      { label: "Bela's open mark, moved to 8A's session", where: `id = ${q(MARKS.belaOpen7B)}`, ops: ['update'], set: `session_id = ${q(SESSIONS.open8A)}`, ...noRead, update: [] },
    ],
    inserts: [
      {
        // A phone whose clock runs ahead: the mark is kept, at the server's time.
        label: "Aarav's mark in 7B's open session, dated 9999",
        sql: `insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, device, marked_at)
              values (gen_random_uuid(), ${DEMO}, ${q(SESSIONS.open7B)}, ${q(STUDENTS.aarav)}, 'present', 'manual', 'test', ${FAR_AHEAD})`,
        allowed: ['admin', 'teacher7B'],
        holds: "not exists (select 1 from public.attendance_marks where marked_at > now() + interval '5 minutes')",
      },
    ],
  },
  {
    table: 'sessions',
    set: '',
    targets: [
      // sessions_keep_class_and_taker: its marks name 7B's students, so it stays in 7B, even for an admin.
      { label: "7B's open session, moved to 8A", where: `id = ${q(SESSIONS.open7B)}`, ops: ['update'], set: `class_id = ${q(CLASSES['8A'])}`, refusedWith: /stays in its class/, ...noRead, update: [] },
      { label: "7B's open session, handed to Priya", where: `id = ${q(SESSIONS.open7B)}`, ops: ['update'], set: `taken_by = ${q(USERS.priya.id)}`, refusedWith: /only an admin can hand/, ...noRead, update: ['admin'] },
    ],
    inserts: [
      { label: "a session in 7B in Priya's name", sql: `insert into public.sessions (id, school_id, class_id, starts_at, device, taken_by) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['7B'])}, now(), 'test', ${q(USERS.priya.id)})`, allowed: ['admin'] },
      {
        // A phone with its date wrong: the session is kept, started when the server heard of it.
        label: 'a session in 7B started in 2019',
        sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['7B'])}, ${BACKDATED}, 'test')`,
        allowed: ['admin', 'teacher7B'],
        holds: "not exists (select 1 from public.sessions where starts_at < '2020-01-01')",
      },
    ],
  },
  {
    table: 'recognition_events',
    set: '',
    targets: [],
    inserts: [
      { label: "a recognition event in 7B's session naming Farah (8A)", sql: `insert into public.recognition_events (id, school_id, session_id, student_id, at, confidence, reason) values (gen_random_uuid(), ${DEMO}, ${q(SESSIONS.open7B)}, ${q(STUDENTS.farah)}, now(), 0.3, 'unknown face')`, allowed: [] },
      {
        label: 'a recognition event in 7B dated 2019',
        sql: `insert into public.recognition_events (id, school_id, session_id, at, confidence, reason) values (gen_random_uuid(), ${DEMO}, ${q(SESSIONS.open7B)}, ${BACKDATED}, 0.3, 'unknown face')`,
        allowed: ['admin', 'teacher7B'],
        holds: "not exists (select 1 from public.recognition_events where at < '2020-01-01')",
      },
    ],
  },
  {
    table: 'excuse_requests',
    set: '',
    targets: [
      { label: "Rosa's excuse, by an update with no WHERE", where: `id = ${q(EXCUSE_REQUESTS.farahByRosa)}`, blind: true, ops: ['update'], set: "status = 'rejected', decision_note = 'No note'", ...noRead, update: ['admin', 'teacher8A'] },
      { label: "Pat's excuse, decided in Priya's name", where: `id = ${q(EXCUSE_REQUESTS.aaravByPat)}`, ops: ['update'], set: `status = 'rejected', decision_note = 'No note', decided_by = ${q(USERS.priya.id)}`, ...noRead, update: ['admin'] },
      // excuse_requests_decide: what the guardian sent is theirs, even to the staff who decide it.
      { label: "Pat's excuse, its message rewritten", where: `id = ${q(EXCUSE_REQUESTS.aaravByPat)}`, ops: ['update'], set: "message = 'Rewritten by staff'", refusedWith: /cannot be edited/, ...noRead, update: [] },
    ],
    inserts: [],
  },
  {
    table: 'model_artifacts',
    set: '',
    targets: [
      // model_artifacts_keep_content: a published model never changes, nor moves to another class.
      { label: "7B's model, moved to 8A", where: `id = ${q(MODEL_ARTIFACTS['7B'])}`, ops: ['update'], set: `class_id = ${q(CLASSES['8A'])}`, refusedWith: /immutable/, ...noRead, update: [] },
    ],
    inserts: [
      {
        label: "a new model for 7B in Tomas's name",
        sql: `insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, created_by)
              select ${DEMO}, ${q(CLASSES['7B'])}, 'test', 'faceapi-128-v1', encode(sha256(b), 'hex'), octet_length(b), b, ${q(USERS.tomas.id)}
              from (select convert_to('model bytes', 'UTF8') as b) as artifact`,
        allowed: ['teacher7B'],
      },
    ],
  },
  {
    table: 'consents',
    set: '',
    targets: [
      { label: "Rosa's consent, withdrawn by an update with no WHERE", where: `id = ${q(CONSENTS.farahByRosa)}`, blind: true, ops: ['update'], set: 'withdrawn_at = now()', ...noRead, update: ['admin', 'teacher8A'] },
      // consents_only_withdraw: a consent is evidence; it is withdrawn, never moved to another child.
      { label: "Pat's consent for Aarav, moved to Bela", where: `id = ${q(CONSENTS.aaravByPat)}`, ops: ['update'], set: `student_id = ${q(STUDENTS.bela)}`, refusedWith: /cannot be edited/, ...noRead, update: [] },
    ],
    inserts: [
      {
        // A consent's date is the point of the record: a wrong one is refused, not guessed.
        label: 'a consent for Aarav given in 2019',
        sql: `insert into public.consents (school_id, student_id, method, notice_version, given_at) values (${DEMO}, ${q(STUDENTS.aarav)}, 'app', '2026-11', ${BACKDATED})`,
        refusedWith: /before 2020-01-01/,
        allowed: [],
      },
      { label: "an app consent for Aarav in Tomas's name", sql: `insert into public.consents (school_id, student_id, method, notice_version, given_by) values (${DEMO}, ${q(STUDENTS.aarav)}, 'app', '2026-11', ${q(USERS.tomas.id)})`, allowed: ['admin'] },
      { label: "a paper consent for Aarav in Pat's name", sql: `insert into public.consents (school_id, student_id, method, notice_version, given_by) values (${DEMO}, ${q(STUDENTS.aarav)}, 'paper', '2026-11', ${q(USERS.pat.id)})`, allowed: ['admin'] },
    ],
  },
  {
    table: 'disputes',
    set: '',
    targets: [
      // disputes_close: what a dispute says stays as its opener wrote it.
      { label: "Aarav's dispute, its reason rewritten", where: `id = ${q(DISPUTES.aarav)}`, ops: ['update'], set: "reason = 'Rewritten by staff'", refusedWith: /cannot be edited/, ...noRead, update: [] },
    ],
    inserts: [
      {
        label: "a dispute of Aarav's mark, opened in 2019",
        prepare: `delete from public.disputes where id = ${q(DISPUTES.aarav)}`,
        sql: `insert into public.disputes (school_id, mark_id, reason, requested_status, created_at) values (${DEMO}, ${q(MARKS.aaravFinalised7B)}, 'I was there', 'present', ${BACKDATED})`,
        allowed: ['admin', 'student', 'parent'],
        holds: "not exists (select 1 from public.disputes where created_at < '2020-01-01')",
      },
    ],
  },
];

const INVITE = { demo: '00000000-0000-4000-8000-00000000a001', north: '00000000-0000-4000-8000-00000000a011' };
const LEDGER = { tomas: '00000000-0000-4000-8000-00000000b002', xavier: '00000000-0000-4000-8000-00000000b011' };

/** Not in public, and not seeded: each cell writes its rows first. */
export const PRIVATE_SPECS: TableSpec[] = [
  {
    table: 'private.invites',
    set: "role = 'admin'",
    notGranted: ['update'],
    prepare: `insert into private.invites (id, school_id, email, role, created_by) values
      (${q(INVITE.demo)}, ${DEMO}, 'new.teacher@demo.rollcall.example', 'teacher', ${q(USERS.asha.id)}),
      (${q(INVITE.north)}, ${NORTH}, 'new.teacher@northside.rollcall.example', 'teacher', ${q(USERS.xavier.id)})`,
    targets: [
      { label: "the demo school's invite", where: `id = ${q(INVITE.demo)}`, read: ['admin'], update: [], delete: ['admin'] },
      { label: "Northside's invite", where: `id = ${q(INVITE.north)}`, read: ['otherAdmin'], update: [], delete: ['otherAdmin'] },
      { label: "Northside's invite, by a delete with no WHERE", where: `id = ${q(INVITE.north)}`, blind: true, ops: ['delete'], read: [], update: [], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'an invite to the demo school', sql: `insert into private.invites (school_id, email, role) values (${DEMO}, 'another@demo.rollcall.example', 'parent')`, allowed: ['admin'] },
      { label: "an invite to the demo school in Tomas's name", sql: `insert into private.invites (school_id, email, role, created_by) values (${DEMO}, 'another@demo.rollcall.example', 'parent', ${q(USERS.tomas.id)})`, allowed: [] },
      { label: 'an invite to Northside', sql: `insert into private.invites (school_id, email, role) values (${NORTH}, 'another@northside.rollcall.example', 'parent')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'private.sync_mutations',
    set: "op = 'delete'",
    notGranted: ['update', 'delete'],
    prepare: `insert into private.sync_mutations (user_id, client_id, table_name, row_id, op, client_updated_at) values
      (${q(USERS.tomas.id)}, ${q(LEDGER.tomas)}, 'sessions', gen_random_uuid(), 'upsert', now()),
      (${q(USERS.xavier.id)}, ${q(LEDGER.xavier)}, 'sessions', gen_random_uuid(), 'upsert', now())`,
    targets: [
      { label: "Tomas's synced mutation", where: `client_id = ${q(LEDGER.tomas)}`, read: ['teacher7B'], update: [], delete: [] },
      { label: "Xavier's synced mutation", where: `client_id = ${q(LEDGER.xavier)}`, read: ['otherAdmin'], update: [], delete: [] },
    ],
    inserts: [
      {
        label: "a synced mutation in Tomas's name",
        sql: `insert into private.sync_mutations (user_id, client_id, table_name, row_id, op, client_updated_at) values (${q(USERS.tomas.id)}, gen_random_uuid(), 'sessions', gen_random_uuid(), 'upsert', now())`,
        allowed: ['teacher7B'],
      },
    ],
  },
];
