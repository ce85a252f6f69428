/**
 * Fresh classes, students and guardians for the tests that erase, purge or
 * decide things, written as the database owner, so no test touches the
 * seed's rows that other tests read.
 */
import type postgres from 'postgres';
import { SCHOOLS, USERS, withDb } from './stackClient.ts';

export const randomPhone = () => `+4477${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

export interface Pupil {
  schoolId: string;
  /** A teacher of the demo school who teaches only this pupil's class. */
  teacherId: string;
  /** A parent of the demo school whose only child is this pupil. */
  parentId: string;
  parentGuardianId: string;
  classId: string;
  studentId: string;
  /** A guardian with only this child, and a phone. */
  guardianId: string;
  phone: string;
  sessionId: string;
  markId: string;
  eventId: string;
  notificationId: string;
  consentId: string;
  modelId: string;
}

/** A model of `classId`, `ageDays` old. */
export async function insertModel(sql: postgres.Sql, schoolId: string, classId: string, ageDays = 0): Promise<string> {
  const id = crypto.randomUUID();
  await sql`
    insert into public.model_artifacts (id, school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, status, created_by, created_at)
    select ${id}, ${schoolId}, ${classId}, ${'v-' + id.slice(0, 8)}, 'faceapi-128-v1', encode(sha256(b), 'hex'), octet_length(b), b, 'inactive',
           ${USERS.tomas.id}, now() - make_interval(days => ${ageDays})
    from (select convert_to(${'model ' + id}, 'UTF8') as b) as artifact`;
  return id;
}

/** A signed-up person with one role in the demo school. */
async function member(sql: postgres.Sql, role: 'teacher' | 'parent'): Promise<string> {
  const id = crypto.randomUUID();
  await sql`insert into auth.users (id, aud, role, email) values (${id}, 'authenticated', 'authenticated', ${`${role}-${
    id.slice(0, 8)
  }@test.rollcall.example`})`;
  await sql`insert into public.memberships (user_id, school_id, role) values (${id}, ${SCHOOLS.demo}, ${role})`;
  return id;
}

/**
 * A new class of the demo school with its own teacher, and one student who
 * has everything the server can hold: two guardians (a parent with an
 * account, and one with a phone only), a preference, a consent, an
 * automatic absence in a finalised session, a recognition event, a sent
 * absence SMS, and the class's model. Fresh people, so the pulls of the
 * seed's users (and their rate limits) are left alone.
 */
export async function pupilWithEverything(options: { status?: string } = {}): Promise<Pupil> {
  return await withDb(async (sql) => {
    const schoolId = SCHOOLS.demo;
    const [classId, studentId, guardianId, parentGuardianId, sessionId, markId, eventId, notificationId, consentId] = Array.from(
      { length: 9 },
      () => crypto.randomUUID(),
    );
    const phone = randomPhone();
    const teacherId = await member(sql, 'teacher');
    const parentId = await member(sql, 'parent');
    await sql`insert into public.classes (id, school_id, name) values (${classId}, ${schoolId}, ${'P-' + classId.slice(0, 6)})`;
    await sql`insert into public.class_teachers (class_id, user_id) values (${classId}, ${teacherId})`;
    await sql`insert into public.students (id, school_id, class_id, roll_no, full_name, email)
      values (${studentId}, ${schoolId}, ${classId}, '1', 'Kiran Test', 'kiran@example.org')`;
    await sql`insert into public.guardians (id, school_id, full_name, phone, email) values (${guardianId}, ${schoolId}, 'Sam Test', ${phone}, 'sam@example.org')`;
    await sql`insert into public.guardians (id, school_id, full_name, phone, user_id)
      values (${parentGuardianId}, ${schoolId}, 'Alex Test', ${randomPhone()}, ${parentId})`;
    for (const g of [guardianId, parentGuardianId]) {
      await sql`insert into public.student_guardians (student_id, guardian_id, school_id) values (${studentId}, ${g}, ${schoolId})`;
    }
    await sql`insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on)
      values (${guardianId}, ${studentId}, ${schoolId}, 'absence')`;
    await sql`insert into public.consents (id, school_id, student_id, guardian_id, given_by, method, notice_version)
      values (${consentId}, ${schoolId}, ${studentId}, ${guardianId}, ${USERS.asha.id}, 'paper', '2026-09')`;
    await sql`insert into public.sessions (id, school_id, class_id, starts_at, taken_by, finalised_at)
      values (${sessionId}, ${schoolId}, ${classId}, '2026-11-23 08:30:00+00', ${teacherId}, now())`;
    await sql`insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence)
      values (${markId}, ${schoolId}, ${sessionId}, ${studentId}, ${options.status ?? 'absent'}, 'auto', 0.97)`;
    await sql`insert into public.recognition_events (id, school_id, session_id, at, student_id, confidence, reason)
      values (${eventId}, ${schoolId}, ${sessionId}, now(), ${studentId}, 0.97, 'accepted')`;
    await sql`insert into public.notifications (id, school_id, session_id, student_id, channel, recipient, template, mark_status, body, status, provider_id, attempts)
      values (${notificationId}, ${schoolId}, ${sessionId}, ${studentId}, 'sms', ${phone}, 'absent', 'absent',
              'Rollcall: Kiran was marked absent in P on Mon 23 Nov. Reply 1 sick, 2 family, 3 other.', 'sent', ${
      'SM' + notificationId.replaceAll('-', '')
    }, 1)`;
    const modelId = await insertModel(sql, schoolId, classId);
    return {
      schoolId,
      teacherId,
      parentId,
      parentGuardianId,
      classId,
      studentId,
      guardianId,
      phone,
      sessionId,
      markId,
      eventId,
      notificationId,
      consentId,
      modelId,
    };
  });
}
