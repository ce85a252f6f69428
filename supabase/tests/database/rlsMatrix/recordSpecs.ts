/** The matrix's record tables: models, notifications, consents, the audit log. */
import { AUDIT_ENTRIES, CLASSES, CONSENTS, MODEL_ARTIFACTS, NOTIFICATIONS, SCHOOLS, STUDENTS } from '../../../local/seed-ids';
import { q, type Insert, type TableSpec } from './cells';

const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);

export const RECORD_SPECS: TableSpec[] = [
  {
    table: 'model_artifacts',
    set: "status = 'inactive'",
    targets: [
      { label: "7B's model", where: `id = ${q(MODEL_ARTIFACTS['7B'])}`, read: ['admin', 'teacher7B'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "8A's model", where: `id = ${q(MODEL_ARTIFACTS['8A'])}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Northside's 9C model", where: `id = ${q(MODEL_ARTIFACTS['9C'])}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a new model for 7B', SCHOOLS.demo, CLASSES['7B'], ['admin', 'teacher7B']],
        ['a new model for 8A', SCHOOLS.demo, CLASSES['8A'], ['admin', 'teacher8A']],
        ["a new model for Northside's 9C", SCHOOLS.northside, CLASSES['9C'], ['otherAdmin', 'otherTeacher']],
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
      { label: "Northside's notice about Zoe", where: `id = ${q(NOTIFICATIONS.zoeToLeo)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: "Northside's consent for Zoe", where: `id = ${q(CONSENTS.zoeOnPaper)}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a consent for Aarav', SCHOOLS.demo, STUDENTS.aarav, ['admin', 'parent']],
        ['a consent for Farah (8A)', SCHOOLS.demo, STUDENTS.farah, ['admin']],
        ['a consent for Zoe', SCHOOLS.northside, STUDENTS.zoe, ['otherAdmin']],
      ] as const
    ).map(([label, school, student, allowed]): Insert => ({
      label,
      sql: `insert into public.consents (school_id, student_id, method, notice_version) values (${q(school)}, ${q(student)}, 'app', '2026-11')`,
      allowed: [...allowed],
    })).concat(
      (
        [
          ['a paper consent for Aarav', SCHOOLS.demo, STUDENTS.aarav, ['admin', 'teacher7B']],
          ['a paper consent for Farah (8A)', SCHOOLS.demo, STUDENTS.farah, ['admin', 'teacher8A']],
          ['a paper consent for Zoe', SCHOOLS.northside, STUDENTS.zoe, ['otherAdmin', 'otherTeacher']],
        ] as const
      ).map(([label, school, student, allowed]) => ({
        label,
        sql: `insert into public.consents (school_id, student_id, method, notice_version) values (${q(school)}, ${q(student)}, 'paper', '2026-11')`,
        allowed: [...allowed],
      })),
    ),
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
