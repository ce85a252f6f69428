/**
 * What the notify tests share: fresh students with one guardian each
 * (a new phone number, so tests never see each other's texts), finalised
 * sessions, the queue as the database holds it, and the Twilio recorder's
 * view of what went out.
 */
import { callFunction, CLASSES, SCHOOLS, tokenFor, USERS, withDb } from './stackClient.ts';

export const twilio = {
  url: (Deno.env.get('TWILIO_API_BASE') ?? '').replace(/\/$/, ''),
  authToken: Deno.env.get('TWILIO_AUTH_TOKEN') ?? '',
};

export type Pref = 'absence' | 'every-mark' | 'off';
export type Status = 'present' | 'absent' | 'late' | 'excused';

export interface Kid {
  studentId: string;
  guardianId: string;
  phone: string;
}

export const randomPhone = () => `+4477${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** A class and the teacher who takes its sessions. */
export interface Room {
  classId: string;
  className: string;
  teacherId: string;
}

const SEVEN_B: Room = { classId: CLASSES['7B'], className: '7B', teacherId: USERS.tomas.id };

/**
 * A new class of the demo school with a new teacher of its own, for tests
 * that sync or review as the teacher many times: the seed teacher's rate
 * limits stay with the other tests.
 */
export async function freshClass(): Promise<Room> {
  return await withDb(async (sql) => {
    const classId = crypto.randomUUID();
    const teacherId = crypto.randomUUID();
    const className = `R-${classId.slice(0, 4)}`;
    await sql`insert into auth.users (id, aud, role, email)
      values (${teacherId}, 'authenticated', 'authenticated', ${`teacher-${teacherId.slice(0, 8)}@test.rollcall.example`})`;
    await sql`insert into public.memberships (user_id, school_id, role) values (${teacherId}, ${SCHOOLS.demo}, 'teacher')`;
    await sql`insert into public.classes (id, school_id, name) values (${classId}, ${SCHOOLS.demo}, ${className})`;
    await sql`insert into public.class_teachers (class_id, user_id) values (${classId}, ${teacherId})`;
    return { classId, className, teacherId };
  });
}

/** Students (in 7B unless a room is given), each with one guardian with a fresh number and the given preference. */
export async function kids(prefs: Pref[], room: Room = SEVEN_B): Promise<Kid[]> {
  return await withDb(async (sql) => {
    const out: Kid[] = [];
    for (const pref of prefs) {
      const studentId = crypto.randomUUID();
      const guardianId = crypto.randomUUID();
      const phone = randomPhone();
      await sql`insert into public.students (id, school_id, class_id, roll_no, full_name)
        values (${studentId}, ${SCHOOLS.demo}, ${room.classId}, ${'n-' + studentId.slice(0, 8)}, 'Kiran Test')`;
      await sql`insert into public.guardians (id, school_id, full_name, phone) values (${guardianId}, ${SCHOOLS.demo}, 'A Guardian', ${phone})`;
      await sql`insert into public.student_guardians (student_id, guardian_id, school_id) values (${studentId}, ${guardianId}, ${SCHOOLS.demo})`;
      await sql`insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on)
        values (${guardianId}, ${studentId}, ${SCHOOLS.demo}, ${pref})`;
      out.push({ studentId, guardianId, phone });
    }
    return out;
  });
}

export interface MarkInput {
  kid: Kid;
  status: Status;
  source?: 'auto' | 'manual';
  confidence?: number | null;
  /** The mark was taken back before Finish. */
  cleared?: boolean;
}

/** A finalised session (of 7B, taken by Tomas, unless a room is given) with these marks. */
export async function finalisedSession(marks: MarkInput[], room: Room = SEVEN_B): Promise<string> {
  const sessionId = crypto.randomUUID();
  await withDb(async (sql) => {
    await sql`insert into public.sessions (id, school_id, class_id, starts_at, taken_by, finalised_at)
      values (${sessionId}, ${SCHOOLS.demo}, ${room.classId}, '2026-11-23 08:30:00+00', ${room.teacherId}, now())`;
    for (const m of marks) {
      await sql`insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence, cleared_at)
        values (${crypto.randomUUID()}, ${SCHOOLS.demo}, ${sessionId}, ${m.kid.studentId}, ${m.status}, ${m.source ?? 'manual'},
                ${m.confidence ?? null}, ${m.cleared ? new Date() : null})`;
    }
  });
  return sessionId;
}

export const notify = async (token: string | null, body: unknown) => await callFunction<Record<string, unknown>>('notify', token, body);
export const asTomas = async () => await tokenFor(USERS.tomas.id);
export const asPriya = async () => await tokenFor(USERS.priya.id);
export const serviceKey = async () => await tokenFor(null, { role: 'service_role' });

/** The scheduler's call: follow the register, then send what is due. */
export async function sendDue(): Promise<Record<string, unknown>> {
  const reply = await notify(await serviceKey(), { action: 'send-due' });
  if (reply.status !== 200) throw new Error(`send-due: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function queued(phones: string[]) {
  return await withDb((sql) =>
    sql`select recipient, template, body, status::text as status, attempts, last_error, provider_id, next_attempt_at
        from public.notifications where recipient = any (${phones}) order by created_at`
  );
}

export async function smsTo(phones: string[]): Promise<{ to: string; body: string; sid: string; statusCallback: string | null }[]> {
  const res = await fetch(`${twilio.url}/__recorder/messages`);
  const { messages } = await res.json();
  return messages.filter((m: { to: string }) => phones.includes(m.to));
}

export async function failTwilioNext(status: number) {
  const res = await fetch(`${twilio.url}/__recorder/fail`, { method: 'POST', body: JSON.stringify({ count: 1, status }) });
  await res.body?.cancel();
}
