/** The matrix's roster tables: schools, people, classes and who is linked to whom. */
import { CLASSES, GUARDIANS, SCHOOLS, STUDENTS, USERS } from '../../../local/seed-ids';
import { q, type Actor, type TableSpec } from './cells';

const DEMO = q(SCHOOLS.demo);
const NORTH = q(SCHOOLS.northside);
// A parent whose guardian record is deleted is still a member of the school, and
// an admin without a second factor is one too.
const EVERY_DEMO_MEMBER: Actor[] = ['admin', 'adminAtAal1', 'teacher7B', 'teacher8A', 'student', 'parent', 'deletedGuardian'];

export const ROSTER_SPECS: TableSpec[] = [
  {
    table: 'schools',
    set: "name = name || ' (renamed)'",
    targets: [
      { label: 'the demo school', where: `id = ${DEMO}`, read: EVERY_DEMO_MEMBER, update: ['admin'], delete: [] },
      { label: 'Northside School', where: `id = ${NORTH}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin'], delete: [] },
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
        read: ['otherAdmin', 'otherTeacher', 'otherStudent'],
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
      { label: "Nadia's membership at Northside", where: "id = 'e0000000-0000-4000-8000-000000000012'", read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: "Northside's class 9C", where: `id = ${q(CLASSES['9C'])}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: "Priya's assignment to 8A", where: `class_id = ${q(CLASSES['8A'])} and user_id = ${q(USERS.priya.id)}`, read: ['admin', 'teacher8A', 'removedTeacher'], update: ['admin'], delete: ['admin'] },
      { label: "Nadia's assignment to 9C", where: `class_id = ${q(CLASSES['9C'])} and user_id = ${q(USERS.nadia.id)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: 'Zoe (Northside)', where: `id = ${q(STUDENTS.zoe)}`, read: ['otherAdmin', 'otherTeacher', 'otherStudent'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: 'Leo (Northside)', where: `id = ${q(GUARDIANS.leo)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
      { label: "Leo's link to Zoe (Northside)", where: `student_id = ${q(STUDENTS.zoe)} and guardian_id = ${q(GUARDIANS.leo)}`, read: ['otherAdmin', 'otherTeacher'], update: ['otherAdmin'], delete: ['otherAdmin'] },
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
];
