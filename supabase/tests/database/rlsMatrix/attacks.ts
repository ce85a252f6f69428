/**
 * What an attacker tries beyond the plain cells: updates that move a row
 * into someone else's class or rewrite its owner, inserts in someone
 * else's name, updates and deletes with no WHERE (only the command's own
 * policy decides which rows they reach), and the private tables the sync
 * and invite functions write. Merged into the table specs by index.ts.
 */
import { CLASSES, CONSENTS, EXCUSE_REQUESTS, GUARDIANS, MARKS, SCHOOLS, SESSIONS, STUDENTS, USERS } from '../../../local/seed-ids';
import { q, type TableSpec } from './cells';

const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);
const noRead = { read: [], update: [], delete: [] };

export const ATTACKS: TableSpec[] = [
  {
    table: 'schools',
    set: '',
    targets: [{ label: 'Northside School, by an update with no WHERE', where: `id = ${NORTH}`, blind: true, ops: ['update'], set: 'late_after_minutes = 7', ...noRead, update: ['otherAdmin'] }],
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
    inserts: [],
  },
  {
    table: 'sessions',
    set: '',
    targets: [],
    inserts: [
      { label: "a session in 7B in Priya's name", sql: `insert into public.sessions (id, school_id, class_id, starts_at, device, taken_by) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['7B'])}, now(), 'test', ${q(USERS.priya.id)})`, allowed: ['admin'] },
    ],
  },
  {
    table: 'recognition_events',
    set: '',
    targets: [],
    inserts: [
      { label: "a recognition event in 7B's session naming Farah (8A)", sql: `insert into public.recognition_events (id, school_id, session_id, student_id, at, confidence, reason) values (gen_random_uuid(), ${DEMO}, ${q(SESSIONS.open7B)}, ${q(STUDENTS.farah)}, now(), 0.3, 'unknown face')`, allowed: [] },
    ],
  },
  {
    table: 'excuse_requests',
    set: '',
    targets: [
      { label: "Rosa's excuse, by an update with no WHERE", where: `id = ${q(EXCUSE_REQUESTS.farahByRosa)}`, blind: true, ops: ['update'], set: "status = 'rejected', decision_note = 'No note'", ...noRead, update: ['admin', 'teacher8A'] },
      { label: "Pat's excuse, decided in Priya's name", where: `id = ${q(EXCUSE_REQUESTS.aaravByPat)}`, ops: ['update'], set: `status = 'rejected', decision_note = 'No note', decided_by = ${q(USERS.priya.id)}`, ...noRead, update: ['admin'] },
    ],
    inserts: [],
  },
  {
    table: 'model_artifacts',
    set: '',
    targets: [],
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
    ],
    inserts: [
      { label: "an app consent for Aarav in Tomas's name", sql: `insert into public.consents (school_id, student_id, method, notice_version, given_by) values (${DEMO}, ${q(STUDENTS.aarav)}, 'app', '2026-11', ${q(USERS.tomas.id)})`, allowed: ['admin'] },
      { label: "a paper consent for Aarav in Pat's name", sql: `insert into public.consents (school_id, student_id, method, notice_version, given_by) values (${DEMO}, ${q(STUDENTS.aarav)}, 'paper', '2026-11', ${q(USERS.pat.id)})`, allowed: ['admin'] },
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
