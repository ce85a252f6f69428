/** The matrix's school-day tables: sessions, marks, recognition events, disputes and excuses. */
import { CLASSES, DISPUTES, EXCUSE_REQUESTS, MARKS, RECOGNITION_EVENTS, SCHOOLS, SESSIONS, STUDENTS } from '../../../local/seed-ids';
import { q, type TableSpec } from './cells';

const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);

export const ATTENDANCE_SPECS: TableSpec[] = [
  {
    table: 'sessions',
    set: 'finalised_at = now()',
    targets: [
      { label: "7B's finalised session", where: `id = ${q(SESSIONS.finalised7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin'], delete: ['admin'] },
      { label: "7B's open session", where: `id = ${q(SESSIONS.open7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "8A's open session", where: `id = ${q(SESSIONS.open8A)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Northside's 9C session", where: `id = ${q(SESSIONS.open9C)}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin'] },
    ],
    inserts: [
      { label: 'a session in 7B', sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['7B'])}, now(), 'test')`, allowed: ['admin', 'teacher7B'] },
      { label: 'a session in 8A', sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${DEMO}, ${q(CLASSES['8A'])}, now(), 'test')`, allowed: ['admin', 'teacher8A'] },
      { label: "a session in Northside's 9C", sql: `insert into public.sessions (id, school_id, class_id, starts_at, device) values (gen_random_uuid(), ${NORTH}, ${q(CLASSES['9C'])}, now(), 'test')`, allowed: ['otherAdmin', 'otherTeacher'] },
    ],
  },
  {
    table: 'attendance_marks',
    set: "status = 'excused', source = 'manual'",
    targets: [
      { label: "Aarav's mark in 7B's finalised session", where: `id = ${q(MARKS.aaravFinalised7B)}`, read: ['admin', 'teacher7B', 'student', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "Bela's mark in 7B's open session", where: `id = ${q(MARKS.belaOpen7B)}`, read: ['admin', 'teacher7B'], update: ['admin', 'teacher7B'], delete: ['admin', 'teacher7B'] },
      { label: "Farah's mark in 8A's open session", where: `id = ${q(MARKS.farahOpen8A)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin', 'teacher8A'] },
      { label: "Zoe's mark in Northside's 9C", where: `id = ${q(MARKS.zoeOpen9C)}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin', 'otherTeacher'] },
    ],
    inserts: (
      [
        ["Aarav's mark in 7B's open session", SCHOOLS.demo, SESSIONS.open7B, STUDENTS.aarav, ['admin', 'teacher7B']],
        ["Hana's mark in 8A's open session", SCHOOLS.demo, SESSIONS.open8A, STUDENTS.hana, ['admin', 'teacher8A']],
        // Nobody, not even an admin, marks a student in another class's session.
        ["an 8A student's mark in 7B's open session", SCHOOLS.demo, SESSIONS.open7B, STUDENTS.farah, []],
        ["Yusuf's mark in Northside's 9C", SCHOOLS.northside, SESSIONS.open9C, STUDENTS.yusuf, ['otherAdmin', 'otherTeacher']],
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
      { label: "a recognition event in Northside's 9C", where: `id = ${q(RECOGNITION_EVENTS.zoe9C)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
    ],
    inserts: (
      [
        ['a recognition event in 7B', SCHOOLS.demo, SESSIONS.open7B, ['admin', 'teacher7B']],
        ['a recognition event in 8A', SCHOOLS.demo, SESSIONS.open8A, ['admin', 'teacher8A']],
        ["a recognition event in Northside's 9C", SCHOOLS.northside, SESSIONS.open9C, ['otherAdmin', 'otherTeacher']],
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
      { label: "Zoe's dispute at Northside", where: `id = ${q(DISPUTES.zoe)}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin'] },
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
        allowed: ['otherAdmin', 'otherStudent'],
      },
    ],
  },
  {
    table: 'excuse_requests',
    set: "status = 'rejected', decision_note = 'No note from the doctor'",
    targets: [
      { label: "Pat's excuse for Aarav (7B)", where: `id = ${q(EXCUSE_REQUESTS.aaravByPat)}`, read: ['admin', 'teacher7B', 'parent'], update: ['admin', 'teacher7B'], delete: ['admin'] },
      { label: "Rosa's excuse for Farah (8A)", where: `id = ${q(EXCUSE_REQUESTS.farahByRosa)}`, read: ['admin', 'teacher8A'], update: ['admin', 'teacher8A'], delete: ['admin'] },
      { label: "Leo's excuse for Zoe (Northside)", where: `id = ${q(EXCUSE_REQUESTS.zoeByLeo)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin', 'otherTeacher'], delete: ['otherAdmin'] },
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
];
