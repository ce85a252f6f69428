/**
 * Row-level security, cell by cell: every caller × every table × read,
 * insert, update and delete, on rows of their own class, another class and
 * the other school. Each cell says who is allowed; everyone else must be
 * refused:
 *   - a refused read sees no row;
 *   - a refused insert fails with "violates row-level security policy";
 *   - a refused update or delete touches 0 rows (RLS hides the row) or fails
 *     the policy check, and the row is unchanged either way;
 *   - anon has no privileges at all, so everything fails with
 *     "permission denied", and so does writing the audit log directly,
 *     which nobody is granted (members append through record_audit).
 * Every cell runs in its own transaction, rolled back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actAs,
  attempt,
  createTestDatabase,
  databaseMode,
  inTransaction,
  PERMISSION_DENIED,
  RLS_VIOLATION,
  type TestDatabase,
} from './harness';
import {
  AUDIT_ENTRIES,
  CLASSES,
  CONSENTS,
  DISPUTES,
  EXCUSE_REQUESTS,
  GUARDIANS,
  MARKS,
  MODEL_ARTIFACTS,
  NOTIFICATIONS,
  RECOGNITION_EVENTS,
  SCHOOLS,
  SESSIONS,
  STUDENTS,
  USERS,
} from '../../local/seed-ids';

const ACTORS = {
  admin: { label: 'admin of the demo school', userId: USERS.asha.id },
  teacher7B: { label: 'teacher of 7B', userId: USERS.tomas.id },
  teacher8A: { label: 'teacher of 8A', userId: USERS.priya.id },
  student: { label: 'student Aarav (7B)', userId: USERS.aarav.id },
  parent: { label: "Aarav's parent", userId: USERS.pat.id },
  otherAdmin: { label: "Northside's admin", userId: USERS.xavier.id },
  anon: { label: 'anon', userId: null },
} as const;
type Actor = keyof typeof ACTORS;
type Op = 'read' | 'insert' | 'update' | 'delete';

/** An existing row, and who may read, update and delete it. */
interface Target {
  label: string;
  where: string;
  /** The assignment this target's update cells make, instead of the table's. */
  set?: string;
  read: Actor[];
  update: Actor[];
  delete: Actor[];
}

/** A new row, and who may insert it. `prepare` runs first, as the owner. */
interface Insert {
  label: string;
  sql: string;
  allowed: Actor[];
  prepare?: string;
}

interface TableSpec {
  table: string;
  /** The assignment an update cell makes (it may use auth.uid()). */
  set: string;
  targets: Target[];
  inserts: Insert[];
  /** Operations authenticated has no privilege for at all. */
  notGranted?: Op[];
}

const q = (id: string) => `'${id}'`;
const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);
const EVERY_DEMO_MEMBER: Actor[] = ['admin', 'teacher7B', 'teacher8A', 'student', 'parent'];

const SPECS: TableSpec[] = [
  {
    table: 'schools',
    set: "name = name || ' (renamed)'",
    targets: [
      { label: 'the demo school', where: `id = ${DEMO}`, read: EVERY_DEMO_MEMBER, update: ['admin'], delete: [] },
      { label: 'Northside School', where: `id = ${NORTH}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: [] },
      {
        label: "the demo school's settings",
        where: `id = ${DEMO}`,
        set: 'retention_days = 30, present_sms_confidence = 0.9, keep_face_crops = true, late_after_minutes = 5',
        read: EVERY_DEMO_MEMBER,
        update: ['admin'],
        delete: [],
      },
      {
        label: "Northside's settings",
        where: `id = ${NORTH}`,
        set: 'auto_mark_confidence = 0.6, sync_face_templates = false',
        read: ['otherAdmin'],
        update: ['otherAdmin'],
        delete: [],
      },
    ],
    inserts: [{ label: 'a new school', sql: "insert into public.schools (name) values ('Another School')", allowed: [] }],
  },
  {
    table: 'memberships',
    set: "role = 'admin'",
    targets: [
      { label: "Tomas's teacher membership", where: "id = 'e0000000-0000-4000-8000-000000000002'", read: ['admin', 'teacher7B'], update: ['admin'], delete: ['admin'] },
      { label: "Nadia's membership at Northside", where: "id = 'e0000000-0000-4000-8000-000000000012'", read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      {
        label: 'an admin membership in the demo school',
        sql: `insert into public.memberships (user_id, school_id, role) values (${q(USERS.priya.id)}, ${DEMO}, 'admin')`,
        allowed: ['admin'],
      },
      {
        label: 'a membership in Northside School',
        sql: `insert into public.memberships (user_id, school_id, role) values (${q(USERS.pat.id)}, ${NORTH}, 'parent')`,
        allowed: ['otherAdmin'],
      },
    ],
  },
  {
    table: 'classes',
    set: 'late_after_minutes = 15',
    targets: [
      { label: 'class 7B', where: `id = ${q(CLASSES['7B'])}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: 'class 8A', where: `id = ${q(CLASSES['8A'])}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: "Northside's class 9C", where: `id = ${q(CLASSES['9C'])}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a class in the demo school', sql: `insert into public.classes (school_id, name) values (${DEMO}, '9D')`, allowed: ['admin'] },
      { label: 'a class in Northside School', sql: `insert into public.classes (school_id, name) values (${NORTH}, '10A')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'class_teachers',
    set: 'created_at = now()',
    targets: [
      { label: "Tomas's assignment to 7B", where: `class_id = ${q(CLASSES['7B'])} and user_id = ${q(USERS.tomas.id)}`, read: ['admin', 'teacher7B'], update: ['admin'], delete: ['admin'] },
      { label: "Priya's assignment to 8A", where: `class_id = ${q(CLASSES['8A'])} and user_id = ${q(USERS.priya.id)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: "Nadia's assignment to 9C", where: `class_id = ${q(CLASSES['9C'])} and user_id = ${q(USERS.nadia.id)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'an assignment of Priya to 7B', sql: `insert into public.class_teachers (class_id, user_id) values (${q(CLASSES['7B'])}, ${q(USERS.priya.id)})`, allowed: ['admin'] },
      { label: 'an assignment of Xavier to 9C', sql: `insert into public.class_teachers (class_id, user_id) values (${q(CLASSES['9C'])}, ${q(USERS.xavier.id)})`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'students',
    set: "full_name = full_name || ' (edited)'",
    targets: [
      { label: 'Aarav (7B)', where: `id = ${q(STUDENTS.aarav)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: "Bela, Aarav's classmate in 7B", where: `id = ${q(STUDENTS.bela)}`, read: ['admin', 'teacher7B'], update: ['admin'], delete: ['admin'] },
      { label: 'Farah (8A)', where: `id = ${q(STUDENTS.farah)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: 'Zoe (Northside)', where: `id = ${q(STUDENTS.zoe)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a student in 7B', sql: `insert into public.students (school_id, class_id, roll_no, full_name) values (${DEMO}, ${q(CLASSES['7B'])}, '6', 'New Student')`, allowed: ['admin'] },
      { label: 'a student in 8A', sql: `insert into public.students (school_id, class_id, roll_no, full_name) values (${DEMO}, ${q(CLASSES['8A'])}, '5', 'New Student')`, allowed: ['admin'] },
      { label: "a student in Northside's 9C", sql: `insert into public.students (school_id, class_id, roll_no, full_name) values (${NORTH}, ${q(CLASSES['9C'])}, '3', 'New Student')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'guardians',
    set: "email = 'changed@rollcall.example'",
    targets: [
      { label: "Pat, Aarav's guardian", where: `id = ${q(GUARDIANS.pat)}`, read: ['admin', 'teacher7B', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: "Rosa, Farah's guardian (8A)", where: `id = ${q(GUARDIANS.rosa)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: 'Leo (Northside)', where: `id = ${q(GUARDIANS.leo)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a guardian in the demo school', sql: `insert into public.guardians (school_id, full_name, phone) values (${DEMO}, 'New Guardian', '+447700900199')`, allowed: ['admin'] },
      { label: 'a guardian in Northside School', sql: `insert into public.guardians (school_id, full_name, phone) values (${NORTH}, 'New Guardian', '+447700900199')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'student_guardians',
    set: "relationship = 'grandparent'",
    targets: [
      { label: "Pat's link to Aarav", where: `student_id = ${q(STUDENTS.aarav)} and guardian_id = ${q(GUARDIANS.pat)}`, read: ['admin', 'teacher7B', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: "Rosa's link to Farah (8A)", where: `student_id = ${q(STUDENTS.farah)} and guardian_id = ${q(GUARDIANS.rosa)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: "Leo's link to Zoe (Northside)", where: `student_id = ${q(STUDENTS.zoe)} and guardian_id = ${q(GUARDIANS.leo)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a link from Pat to Chen (7B)', sql: `insert into public.student_guardians (student_id, guardian_id, school_id) values (${q(STUDENTS.chen)}, ${q(GUARDIANS.pat)}, ${DEMO})`, allowed: ['admin'] },
      { label: 'a link from Leo to Yusuf (Northside)', sql: `insert into public.student_guardians (student_id, guardian_id, school_id) values (${q(STUDENTS.yusuf)}, ${q(GUARDIANS.leo)}, ${NORTH})`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'guardian_notification_preferences',
    set: "notify_on = 'every-mark'",
    targets: [
      { label: "Pat's notification preferences for Aarav", where: `guardian_id = ${q(GUARDIANS.pat)} and student_id = ${q(STUDENTS.aarav)}`, read: ['admin', 'parent'], update: ['admin', 'parent'], delete: ['admin', 'parent'] },
      { label: "Rosa's notification preferences for Farah", where: `guardian_id = ${q(GUARDIANS.rosa)} and student_id = ${q(STUDENTS.farah)}`, read: ['admin'], update: ['admin'], delete: ['admin'] },
      { label: "Leo's notification preferences for Zoe", where: `guardian_id = ${q(GUARDIANS.leo)} and student_id = ${q(STUDENTS.zoe)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ["Pat's notification preferences for Aarav", GUARDIANS.pat, STUDENTS.aarav, SCHOOLS.demo, ['admin', 'parent']],
        ["Rosa's notification preferences for Farah", GUARDIANS.rosa, STUDENTS.farah, SCHOOLS.demo, ['admin']],
        ["Leo's notification preferences for Zoe", GUARDIANS.leo, STUDENTS.zoe, SCHOOLS.northside, ['otherAdmin']],
        ["Marta's notification preferences for Bela, Aarav's classmate", GUARDIANS.marta, STUDENTS.bela, SCHOOLS.demo, ['admin']],
      ] as const
    ).map(([label, guardian, student, school, allowed]) => ({
      label,
      prepare: `delete from public.guardian_notification_preferences where guardian_id = ${q(guardian)} and student_id = ${q(student)}`,
      sql: `insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on) values (${q(guardian)}, ${q(student)}, ${q(school)}, 'off')`,
      allowed: [...allowed],
    })),
  },
  {
    table: 'sessions',
    set: 'finalised_at = now()',
    targets: [
      { label: "7B's finalised session", where: `id = ${q(SESSIONS.finalised7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: "7B's open session", where: `id = ${q(SESSIONS.open7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "8A's open session", where: `id = ${q(SESSIONS.open8A)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Northside's 9C session", where: `id = ${q(SESSIONS.open9C)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a session in 7B', sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['7B'])}, now(), 'test')`, allowed: ['admin', 'teacher7B'] },
      { label: 'a session in 8A', sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['8A'])}, now(), 'test')`, allowed: ['admin', 'teacher8A'] },
      { label: "a session in Northside's 9C", sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${NORTH}, ${q(CLASSES['9C'])}, now(), 'test')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'attendance_marks',
    set: "status = 'excused', source = 'manual'",
    targets: [
      { label: "Aarav's mark in 7B's finalised session", where: `id = ${q(MARKS.aaravFinalised7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "Bela's mark in 7B's open session", where: `id = ${q(MARKS.belaOpen7B)}`, read: ['admin', 'teacher7B'], update: ['admin', 'teacher7B'], delete: ['admin', 'teacher7B'] },
      { label: "Farah's mark in 8A's open session", where: `id = ${q(MARKS.farahOpen8A)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin', 'teacher8A'] },
      { label: "Zoe's mark in Northside's 9C", where: `id = ${q(MARKS.zoeOpen9C)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ["Aarav's mark in 7B's open session", SCHOOLS.demo, SESSIONS.open7B, STUDENTS.aarav, ['admin', 'teacher7B']],
        ["Hana's mark in 8A's open session", SCHOOLS.demo, SESSIONS.open8A, STUDENTS.hana, ['admin', 'teacher8A']],
        ["an 8A student's mark in 7B's open session", SCHOOLS.demo, SESSIONS.open7B, STUDENTS.farah, ['admin']],
        ["Yusuf's mark in Northside's 9C", SCHOOLS.northside, SESSIONS.open9C, STUDENTS.yusuf, ['otherAdmin']],
      ] as const
    ).map(([label, school, session, student, allowed]) => ({
      label,
      sql: `insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, device)
            values (gen_random_uuid(), ${q(school)}, ${q(session)}, ${q(student)}, 'present', 'manual', 'test')`,
      allowed: [...allowed],
    })),
  },
  {
    table: 'recognition_events',
    set: "reason = 'reviewed'",
    targets: [
      { label: 'a recognition event in 7B', where: `id = ${q(RECOGNITION_EVENTS.aarav7B)}`, read: ['admin', 'teacher7B'], update: ['admin'], delete: ['admin'] },
      { label: 'a recognition event in 8A', where: `id = ${q(RECOGNITION_EVENTS.farah8A)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: "a recognition event in Northside's 9C", where: `id = ${q(RECOGNITION_EVENTS.zoe9C)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a recognition event in 7B', SCHOOLS.demo, SESSIONS.open7B, ['admin', 'teacher7B']],
        ['a recognition event in 8A', SCHOOLS.demo, SESSIONS.open8A, ['admin', 'teacher8A']],
        ["a recognition event in Northside's 9C", SCHOOLS.northside, SESSIONS.open9C, ['otherAdmin']],
      ] as const
    ).map(([label, school, session, allowed]) => ({
      label,
      sql: `insert into public.recognition_events (id, school_id, session_id, at, confidence, reason)
            values (gen_random_uuid(), ${q(school)}, ${q(session)}, now(), 0.3, 'unknown face')`,
      allowed: [...allowed],
    })),
  },
  {
    table: 'disputes',
    set: "status = 'resolved', resolution = 'Checked the photos', resolved_by = auth.uid(), resolved_at = now()",
    targets: [
      { label: "Aarav's dispute of his 7B mark", where: `id = ${q(DISPUTES.aarav)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "Zoe's dispute at Northside", where: `id = ${q(DISPUTES.zoe)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      {
        label: "a dispute of Aarav's mark, in the caller's name",
        prepare: `delete from public.disputes where id = ${q(DISPUTES.aarav)}`,
        sql: `insert into public.disputes (school_id, mark_id, reason, requested_status) values (${DEMO}, ${q(MARKS.aaravFinalised7B)}, 'I was there', 'present')`,
        allowed: ['admin', 'student', 'parent'],
      },
      {
        label: "an already resolved dispute of Aarav's mark",
        prepare: `delete from public.disputes where id = ${q(DISPUTES.aarav)}`,
        sql: `insert into public.disputes (school_id, mark_id, reason, status, corrected_status, resolved_by, resolved_at)
              values (${DEMO}, ${q(MARKS.aaravFinalised7B)}, 'I was there', 'resolved', 'present', auth.uid(), now())`,
        allowed: ['admin'],
      },
      {
        label: "a dispute of Bela's mark",
        sql: `insert into public.disputes (school_id, mark_id, reason) values (${DEMO}, ${q(MARKS.belaFinalised7B)}, 'I was there')`,
        allowed: ['admin'],
      },
      {
        label: "a dispute of Zoe's mark",
        prepare: `delete from public.disputes where id = ${q(DISPUTES.zoe)}`,
        sql: `insert into public.disputes (school_id, mark_id, reason) values (${NORTH}, ${q(MARKS.zoeOpen9C)}, 'I was there')`,
        allowed: ['otherAdmin'],
      },
    ],
  },
  {
    table: 'model_artifacts',
    set: "status = 'inactive'",
    targets: [
      { label: "7B's model", where: `id = ${q(MODEL_ARTIFACTS['7B'])}`, read: ['admin', 'teacher7B'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "8A's model", where: `id = ${q(MODEL_ARTIFACTS['8A'])}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Northside's 9C model", where: `id = ${q(MODEL_ARTIFACTS['9C'])}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a new model for 7B', SCHOOLS.demo, CLASSES['7B'], ['admin', 'teacher7B']],
        ['a new model for 8A', SCHOOLS.demo, CLASSES['8A'], ['admin', 'teacher8A']],
        ["a new model for Northside's 9C", SCHOOLS.northside, CLASSES['9C'], ['otherAdmin']],
      ] as const
    ).map(([label, school, klass, allowed]) => ({
      label,
      sql: `insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes)
            select ${q(school)}, ${q(klass)}, 'test', 'faceapi-128-v1', encode(sha256(b), 'hex'), octet_length(b), b
            from (select convert_to('model bytes', 'UTF8') as b) as artifact`,
      allowed: [...allowed],
    })),
  },
  {
    table: 'notifications',
    set: "status = 'failed', last_error = 'test'",
    targets: [
      { label: 'the late notice about Aarav to Pat', where: `id = ${q(NOTIFICATIONS.aaravToPat)}`, read: ['admin', 'teacher7B', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: 'the notice about Farah (8A) to Rosa', where: `id = ${q(NOTIFICATIONS.farahToRosa)}`, read: ['admin', 'teacher8A'], update: ['admin'], delete: ['admin'] },
      { label: "Northside's notice about Zoe", where: `id = ${q(NOTIFICATIONS.zoeToLeo)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a notice about Aarav', sql: `insert into public.notifications (school_id, student_id, channel, recipient, template) values (${DEMO}, ${q(STUDENTS.aarav)}, 'sms', '+447700900101', 'absent')`, allowed: ['admin'] },
      { label: 'a notice about Zoe', sql: `insert into public.notifications (school_id, student_id, channel, recipient, template) values (${NORTH}, ${q(STUDENTS.zoe)}, 'sms', '+447700900111', 'absent')`, allowed: ['otherAdmin'] },
    ],
  },
  {
    table: 'consents',
    set: 'withdrawn_at = now()',
    targets: [
      { label: "Pat's consent for Aarav", where: `id = ${q(CONSENTS.aaravByPat)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B', 'parent'], delete: ['admin'] },
      { label: "Rosa's consent for Farah (8A)", where: `id = ${q(CONSENTS.farahByRosa)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Northside's consent for Zoe", where: `id = ${q(CONSENTS.zoeOnPaper)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a consent for Aarav', SCHOOLS.demo, STUDENTS.aarav, ['admin', 'parent']],
        ['a consent for Farah (8A)', SCHOOLS.demo, STUDENTS.farah, ['admin']],
        ['a consent for Zoe', SCHOOLS.northside, STUDENTS.zoe, ['otherAdmin']],
      ] as const
    ).map(([label, school, student, allowed]) => ({
      label,
      sql: `insert into public.consents (school_id, student_id, method, notice_version) values (${q(school)}, ${q(student)}, 'app', '2026-11')`,
      allowed: [...allowed],
    })).concat(
      (
        [
          ['a paper consent for Aarav', SCHOOLS.demo, STUDENTS.aarav, ['admin', 'teacher7B']],
          ['a paper consent for Farah (8A)', SCHOOLS.demo, STUDENTS.farah, ['admin', 'teacher8A']],
          ['a paper consent for Zoe', SCHOOLS.northside, STUDENTS.zoe, ['otherAdmin']],
        ] as const
      ).map(([label, school, student, allowed]) => ({
        label,
        sql: `insert into public.consents (school_id, student_id, method, notice_version) values (${q(school)}, ${q(student)}, 'paper', '2026-11')`,
        allowed: [...allowed],
      })),
    ),
  },
  {
    table: 'excuse_requests',
    set: "status = 'rejected', decision_note = 'No note from the doctor'",
    targets: [
      { label: "Pat's excuse for Aarav (7B)", where: `id = ${q(EXCUSE_REQUESTS.aaravByPat)}`, read: ['admin', 'teacher7B', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "Rosa's excuse for Farah (8A)", where: `id = ${q(EXCUSE_REQUESTS.farahByRosa)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Leo's excuse for Zoe (Northside)", where: `id = ${q(EXCUSE_REQUESTS.zoeByLeo)}`, read: ['otherAdmin'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ["an excuse for Bela's mark in 7B", SCHOOLS.demo, MARKS.belaFinalised7B, STUDENTS.bela, ['admin']],
        ["an excuse for Aarav's mark in 7B", SCHOOLS.demo, MARKS.aaravFinalised7B, STUDENTS.aarav, ['admin']],
        ["an excuse for Zoe's mark at Northside", SCHOOLS.northside, MARKS.zoeOpen9C, STUDENTS.zoe, ['otherAdmin']],
      ] as const
    ).map(([label, school, mark, student, allowed]) => ({
      label,
      prepare: `delete from public.excuse_requests where mark_id = ${q(mark)}`,
      sql: `insert into public.excuse_requests (school_id, mark_id, student_id, reason) values (${q(school)}, ${q(mark)}, ${q(student)}, 'sick')`,
      allowed: [...allowed],
    })),
  },
  {
    table: 'audit_log',
    set: "action = 'tampered'",
    // Members append only through public.record_audit (scenario 011), never directly.
    notGranted: ['insert', 'update', 'delete'],
    targets: [
      { label: "the demo school's audit entry", where: `id = ${q(AUDIT_ENTRIES.demo)}`, read: ['admin'], update: [], delete: [] },
      { label: "Northside's audit entry", where: `id = ${q(AUDIT_ENTRIES.northside)}`, read: ['otherAdmin'], update: [], delete: [] },
    ],
    inserts: [
      { label: "an entry in the demo school's audit log", sql: `insert into public.audit_log (school_id, action, entity) values (${DEMO}, 'test', 'test')`, allowed: [] },
      { label: "an entry in Northside's audit log", sql: `insert into public.audit_log (school_id, action, entity) values (${NORTH}, 'test', 'test')`, allowed: [] },
    ],
  },
];

interface Cell {
  name: string;
  actor: Actor;
  allowed: boolean;
  run: (db: TestDatabase) => Promise<void>;
}

function cellsOf(spec: TableSpec): Cell[] {
  const cells: Cell[] = [];
  const table = `public.${spec.table}`;
  const refusalError = (actor: Actor, op: Op) => (actor === 'anon' || spec.notGranted?.includes(op) ? PERMISSION_DENIED : RLS_VIOLATION);
  const name = (actor: Actor, allowed: boolean, op: Op, label: string) => `${ACTORS[actor].label} ${allowed ? 'can' : 'cannot'} ${op} ${label}`;
  const snapshot = async (db: TestDatabase, where: string) =>
    (await db.query<{ row: unknown }>(`select to_jsonb(t) as row from ${table} t where ${where}`)).rows[0]?.row ?? null;

  for (const target of spec.targets) {
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      const canRead = target.read.includes(actor);
      cells.push({
        name: name(actor, canRead, 'read', target.label),
        actor,
        allowed: canRead,
        run: (db) =>
          inTransaction(db, async (tx) => {
            await actAs(tx, ACTORS[actor].userId);
            const outcome = await attempt<{ n: number }>(tx, `select count(*)::int as n from ${table} where ${target.where}`);
            if (actor === 'anon') {
              expect(outcome.ok ? 'read succeeded' : outcome.error).toMatch(PERMISSION_DENIED);
              return;
            }
            if (!outcome.ok) throw new Error(outcome.error);
            expect(outcome.result.rows[0].n).toBe(canRead ? 1 : 0);
          }),
      });

      for (const op of ['update', 'delete'] as const) {
        const allowed = target[op].includes(actor);
        const sql = op === 'update' ? `update ${table} set ${target.set ?? spec.set} where ${target.where}` : `delete from ${table} where ${target.where}`;
        cells.push({
          name: name(actor, allowed, op, target.label),
          actor,
          allowed,
          run: (db) =>
            inTransaction(db, async (tx) => {
              const before = await snapshot(tx, target.where);
              expect(before, `the seed has ${target.label}`).not.toBeNull();
              await actAs(tx, ACTORS[actor].userId);
              const outcome = await attempt(tx, sql);
              await tx.query('reset role');
              const after = await snapshot(tx, target.where);
              if (allowed) {
                if (!outcome.ok) throw new Error(outcome.error);
                expect(outcome.result.affectedRows).toBe(1);
                if (op === 'delete') expect(after).toBeNull();
                return;
              }
              if (outcome.ok) {
                expect(refusalError(actor, op), `${op} should have failed`).toBe(RLS_VIOLATION);
                expect(outcome.result.affectedRows).toBe(0);
              } else {
                expect(outcome.error).toMatch(refusalError(actor, op));
              }
              expect(after).toEqual(before);
            }),
        });
      }
    }
  }

  for (const insert of spec.inserts) {
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      const allowed = insert.allowed.includes(actor);
      cells.push({
        name: name(actor, allowed, 'insert', insert.label),
        actor,
        allowed,
        run: (db) =>
          inTransaction(db, async (tx) => {
            if (insert.prepare) await tx.query(insert.prepare);
            await actAs(tx, ACTORS[actor].userId);
            const outcome = await attempt(tx, insert.sql);
            if (allowed) {
              if (!outcome.ok) throw new Error(outcome.error);
              expect(outcome.result.affectedRows).toBe(1);
            } else {
              expect(outcome.ok ? 'insert succeeded' : outcome.error).toMatch(refusalError(actor, 'insert'));
            }
          }),
      });
    }
  }
  return cells;
}

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`RLS matrix skipped: ${mode.reason}`);

describe.skipIf(mode.kind === 'unavailable')('row-level security matrix', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('covers every table in public, each with every operation', async () => {
    const { rows } = await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    );
    expect(SPECS.map((s) => s.table).sort()).toEqual(rows.map((r) => r.name));
    for (const spec of SPECS) {
      expect(spec.targets.some((t) => t.read.includes('otherAdmin')), `${spec.table} has a row of the other school`).toBe(true);
      expect(spec.inserts.length, `${spec.table} has an insert`).toBeGreaterThan(0);
    }
  });

  it('enables row-level security on every table in public', async () => {
    const { rows } = await db.query<{ name: string }>(
      "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity",
    );
    expect(rows).toEqual([]);
  });

  it('gives anon no privilege on any table in public', async () => {
    const { rows } = await db.query<{ name: string; privilege: string }>(
      "select table_name as name, privilege_type as privilege from information_schema.role_table_grants where table_schema = 'public' and grantee in ('anon', 'PUBLIC')",
    );
    expect(rows).toEqual([]);
  });

  it('lets service_role read every row of every table, past row-level security', async () => {
    for (const spec of SPECS) {
      const owner = await db.query<{ n: number }>(`select count(*)::int as n from public.${spec.table}`);
      const service = await inTransaction(db, async (tx) => {
        await actAs(tx, null, { role: 'service_role' });
        return tx.query<{ n: number }>(`select count(*)::int as n from public.${spec.table}`);
      });
      expect(service.rows[0].n, spec.table).toBe(owner.rows[0].n);
      expect(owner.rows[0].n, `${spec.table} is seeded`).toBeGreaterThan(0);
    }
  });

  for (const spec of SPECS) {
    describe(spec.table, () => {
      for (const cell of cellsOf(spec)) {
        it(cell.name, () => cell.run(db));
      }
    });
  }
});
