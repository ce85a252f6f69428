/**
 * Property: whatever the network does to their requests, two or three
 * devices of one teacher and the server end with the same register once
 * they can sync again, every acknowledged change is there (as the merge
 * rules combine it), and no student has two marks.
 *
 * Real local stack (PGlite, the sync function under Deno), one Dexie per
 * device on fake-indexeddb, edits made with the app's attendance rules and
 * db functions (so the outbox is written as the app writes it). Faults are
 * injected by wrapping the FunctionsClient: failure before sending, a busy
 * server, a reply lost after the server committed, timeouts whose request
 * still arrives later, the same request delivered twice at once, requests
 * held back and released in another order, and restarts (the Dexie
 * instance closed and opened again, in-flight work lost).
 *
 * SYNC_SCHEDULES sets the number of schedules (200 by default); a failure
 * prints fast-check's seed and path, which SYNC_SEED and SYNC_PATH replay.
 * SYNC_REPORT names a JSON file for the counts (the bench reads it).
 * Held requests keep the order of their release fixed, but requests that
 * are not held race on the loopback, so a replay may take another path.
 */
import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollcallClient } from '@/api/supabase';
import { applyAutoMarks, clearMark, DEFAULT_RULES, finaliseMarks, rejectFace, setManualMark, type AttendanceStatus, type Mark } from '@/attendance';
import { RollcallDb } from '@/db/db';
import { createSession, getSession, listMarks, markOfRow, saveMarks, updateSession } from '@/db/sessions';
import { CLASSES, STUDENTS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import type { FunctionsClient } from '@/api/callFunction';
import type { SyncRequestBody } from './callSync';
import { PULL_CURSOR_KEY } from './pullChanges';
import { syncIfPossible } from './syncIfPossible';
import { NoRealtime } from '@/api/noRealtime';

const SCHEDULES = Number(process.env.SYNC_SCHEDULES ?? 200);
const ROSTER = [STUDENTS.aarav, STUDENTS.bela, STUDENTS.chen, STUDENTS.dina, STUDENTS.emil];
/** Edits go to the first three students, so devices often disagree about the same one. */
const EDITED = 3;

type Fault = 'ok' | 'failBeforeSend' | 'serverBusy' | 'lostReply' | 'timeout' | 'duplicate' | 'hold';
const FAULTS: readonly Fault[] = ['ok', 'failBeforeSend', 'serverBusy', 'lostReply', 'timeout', 'duplicate', 'hold'];

type Op =
  | { kind: 'see'; device: number; student: number; confidence: number }
  | { kind: 'mark'; device: number; student: number; status: AttendanceStatus }
  | { kind: 'finalise'; device: number }
  /** The teacher clears the student's mark by hand (back to unmarked). */
  | { kind: 'clear'; device: number; student: number }
  /** "Not this student" on the face this device last saw them on. */
  | { kind: 'reject'; device: number; student: number }
  /** A reviewer's decision on the server (an accepted dispute, an approved excuse) corrects the student's mark. */
  | { kind: 'review'; student: number; status: AttendanceStatus }
  /** One sync, its requests meeting `faults` in turn (then none); it runs until it ends or a request is held. */
  | { kind: 'sync'; device: number; faults: Fault[] }
  /** Sends the held requests, rotated and maybe reversed, one after another. */
  | { kind: 'release'; rotate: number; reverse: boolean }
  | { kind: 'restart'; device: number };

interface Schedule {
  devices: number;
  /** Each device's clock error, in minutes. */
  skews: number[];
  ops: Op[];
}

const faultArb = fc.oneof({ weight: 4, arbitrary: fc.constant<Fault>('ok') }, { weight: 6, arbitrary: fc.constantFrom(...FAULTS.filter((f) => f !== 'ok')) });
const deviceArb = fc.nat(2);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('see' as const), device: deviceArb, student: fc.nat(EDITED - 1), confidence: fc.integer({ min: 80, max: 99 }).map((n) => n / 100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('mark' as const), device: deviceArb, student: fc.nat(EDITED - 1), status: fc.constantFrom<AttendanceStatus>('present', 'absent', 'late', 'excused') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('finalise' as const), device: deviceArb }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sync' as const), device: deviceArb, faults: fc.array(faultArb, { maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), rotate: fc.nat(5), reverse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), device: deviceArb }) },
);
const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  devices: fc.integer({ min: 2, max: 3 }),
  skews: fc.array(fc.integer({ min: -15, max: 15 }), { minLength: 3, maxLength: 3 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 12 }),
});

/** Clocks minutes to days off, either way: a phone's date set wrong by hand, a time zone taken for UTC. */
const BAD_CLOCKS = [-2 * 1440, -3 * 60, -10, 0, 10, 3 * 60, 2 * 1440];
const correctionOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: opArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), device: deviceArb, student: fc.nat(EDITED - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), device: deviceArb, student: fc.nat(EDITED - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('review' as const), student: fc.nat(EDITED - 1), status: fc.constantFrom<AttendanceStatus>('present', 'excused') }) },
);
const correctionScheduleArb: fc.Arbitrary<Schedule> = fc.record({
  devices: fc.integer({ min: 2, max: 3 }),
  skews: fc.array(fc.constantFrom(...BAD_CLOCKS), { minLength: 3, maxLength: 3 }),
  ops: fc.array(correctionOpArb, { minLength: 1, maxLength: 14 }),
});

interface Device {
  name: string;
  db: RollcallDb;
  skew: number;
}

interface Held {
  device: Device | null;
  send(): Promise<void>;
}

const counts = { schedules: 0, requests: 0, bytes: 0, ops: {} as Record<string, number>, faults: Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number> };

/** The wire, with faults: every request of every device goes through here. */
class Network {
  held: Held[] = [];
  private listeners: (() => void)[] = [];

  constructor(private readonly real: FunctionsClient) {}

  private send(name: string, body: SyncRequestBody) {
    counts.requests += 1;
    counts.bytes += JSON.stringify(body).length;
    return this.real.functions.invoke(name, { body });
  }

  private hold(entry: Held) {
    this.held.push(entry);
    for (const l of this.listeners.splice(0)) l();
  }

  /** Resolves when a request is next held. */
  nextHold(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  isBlocked(device: Device): boolean {
    return this.held.some((h) => h.device === device);
  }

  client(device: Device, faults: readonly Fault[]): FunctionsClient {
    let i = 0;
    return {
      functions: {
        invoke: async (name, { body }) => {
          const fault = faults[i++] ?? 'ok';
          counts.faults[fault] += 1;
          switch (fault) {
            case 'failBeforeSend':
              throw new TypeError('fetch failed');
            case 'serverBusy':
              return { data: null, error: { name: 'FunctionsHttpError', message: 'Service Unavailable', context: { status: 503 } } };
            case 'lostReply':
              await this.send(name, body);
              throw new TypeError('network connection lost');
            case 'timeout':
              // The device gives up; its request is still on the way and arrives when released.
              this.hold({ device: null, send: () => this.send(name, body).then(() => {}) });
              throw new Error('request timed out');
            case 'duplicate': {
              const [, second] = await Promise.all([this.send(name, body), this.send(name, body)]);
              return second;
            }
            case 'hold':
              return new Promise((resolve, reject) => this.hold({ device, send: () => this.send(name, body).then(resolve, reject) }));
            case 'ok':
              return this.send(name, body);
          }
        },
      },
    };
  }
}

let stack: Stack;
let realClient: FunctionsClient;
/** Where the school's changes stood when a schedule began: its devices start there. */
let schoolCursor: string | null = null;
let day = 0;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {}, functionsEnv: { SYNC_RATE_LIMIT_PER_MINUTE: '1000000' } });
  realClient = createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime });
});
afterAll(async () => {
  await stack?.stop();
  console.log(`fault injection: ${JSON.stringify(counts)}`);
  if (process.env.SYNC_REPORT) writeFileSync(process.env.SYNC_REPORT, JSON.stringify(counts, null, 2));
});

async function catchUpSchoolCursor() {
  for (;;) {
    const { data, error } = await realClient.functions.invoke('sync', { body: { pullSince: schoolCursor, limit: 1000 } });
    if (error) throw error;
    const page = data as { cursor: string; hasMore: boolean };
    schoolCursor = page.cursor;
    if (!page.hasMore) return;
  }
}

interface RegisterEntry {
  status: AttendanceStatus;
  source: Mark['source'];
  confidence: number | null;
  markedAt: string;
}
type Register = Record<string, RegisterEntry>;

async function serverRowCount(sessionId: string): Promise<{ rows: number; students: number; latest: number }> {
  return stack.db.run!(async (pg) => {
    const r = await pg.query<{ rows: number; students: number; latest: Date | null }>(
      'select count(*)::int as rows, count(distinct student_id)::int as students, max(greatest(marked_at, cleared_at)) as latest from public.attendance_marks where session_id = $1',
      [sessionId],
    );
    return { rows: r.rows[0]!.rows, students: r.rows[0]!.students, latest: r.rows[0]!.latest?.getTime() ?? 0 };
  });
}

async function serverRegister(sessionId: string): Promise<{ register: Register; rows: number }> {
  const rows = await stack.db.run!(async (pg) => {
    const result = await pg.query<{ student_id: string; status: AttendanceStatus; source: Mark['source']; confidence: string | null; marked_at: Date }>(
      'select student_id, status, source, confidence::text as confidence, marked_at from public.attendance_marks where session_id = $1 and cleared_at is null',
      [sessionId],
    );
    return result.rows;
  });
  const register: Register = {};
  for (const r of rows) {
    register[r.student_id] = { status: r.status, source: r.source, confidence: r.confidence === null ? null : Number(r.confidence), markedAt: r.marked_at.toISOString() };
  }
  return { register, rows: rows.length };
}

async function deviceRegister(db: RollcallDb, sessionId: string): Promise<{ register: Register; rows: number }> {
  const marks = await listMarks(db, sessionId);
  const register: Register = {};
  for (const m of marks) register[m.studentId] = { status: m.status, source: m.source, confidence: m.confidence, markedAt: m.markedAt };
  return { register, rows: marks.length };
}

const toMark = ({ studentId, status, source, confidence, markedAt }: Mark): Mark => ({ studentId, status, source, confidence, markedAt });

/** A mark as it was saved on a device: acknowledged, so the server must end up with it or with what beats it. */
interface Acknowledged extends Mark {
  device: number;
  /** The teacher took the mark back (by hand, or by rejecting its face). */
  cleared?: boolean;
}

/**
 * How a schedule is judged once the network heals. 'merge rules': the
 * server holds what the merge rules make of every acknowledged mark (clocks
 * within minutes, no clears). 'converge': clears, rejected faces and clocks
 * days off, whose arrival order decides, so the check is that every phone
 * holds the server's register, one mark per student, nothing left unsent,
 * no time past the server's clock, and a student's last change, when it was
 * made by hand with a clock the server trusts, stands.
 */
type Oracle = 'merge rules' | 'converge';

async function runSchedule(schedule: Schedule, oracle: Oracle = 'merge rules'): Promise<void> {
  counts.schedules += 1;
  await catchUpSchoolCursor();
  // In the past, so the server's clock bound leaves every time within minutes of the right one as it is.
  const base = Date.parse('2026-01-05T08:00:00.000Z') - day++ * 86_400_000;
  const realStart = Date.now();
  let minute = 0;
  const net = new Network(realClient);
  const devices: Device[] = [];
  for (let i = 0; i < schedule.devices; i++) {
    const name = `fi-${crypto.randomUUID()}`;
    const db = new RollcallDb(name);
    await db.syncState.put({ key: PULL_CURSOR_KEY, value: schoolCursor });
    devices.push({ name, db, skew: schedule.skews[i]! });
  }
  // A converge schedule happens now: a clock ahead of the server's must meet the bound.
  const origin = oracle === 'converge' ? realStart - 60 * 60_000 : base;
  const clockOf = (d: Device) => new Date(origin + (minute + d.skew) * 60_000);
  const session = await createSession(devices[0]!.db, { classId: CLASSES['7B'], startsAt: new Date(origin).toISOString(), takenBy: 'Tomas', mode: 'live', device: devices[0]!.name }, clockOf(devices[0]!));
  const acknowledged: Acknowledged[] = [];
  /** Syncs under way, by device. */
  const syncs = new Map<Promise<void>, Device>();
  const syncsOf = (device: Device) => Promise.all([...syncs].filter(([, d]) => d === device).map(([p]) => p)).then(() => {});

  /** Lets a sync run until it ends or one of its device's requests is held. */
  const untilDoneOrBlocked = async (device: Device, done: Promise<void>) => {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished && !net.isBlocked(device)) await Promise.race([done, net.nextHold()]);
  };

  const startSync = (device: Device, faults: readonly Fault[]) => {
    // A sync that fails (offline, or its database closed by a restart) leaves its work in the outbox.
    const run = syncIfPossible(device.db, net.client(device, faults), { retries: 1, sleep: async () => {}, random: () => 0 }).then(
      () => {},
      () => {},
    );
    syncs.set(run, device);
    void run.then(() => syncs.delete(run));
    return run;
  };

  const edit = async (
    device: Device,
    index: number,
    change: (marks: Mark[], at: string, startsAt: string, finalised: boolean) => Mark[],
    finalise?: (db: RollcallDb, at: Date) => Promise<void>,
    byHand = false,
  ) => {
    const db = device.db;
    const s = await getSession(db, session.id);
    // The app opens a session it has (one not pulled yet cannot be marked here), and finalises an unfinished one.
    if (!s || (finalise && s.finalisedAt)) return;
    const now = clockOf(device);
    // As the session screen reads them, with the faces each mark rests on.
    const marks = (await listMarks(db, s.id)).map(markOfRow);
    const next = change(marks, now.toISOString(), s.startsAt, !!s.finalisedAt);
    const clear = marks.filter((m) => !next.some((x) => x.studentId === m.studentId)).map((m) => m.studentId);
    await saveMarks(db, s.id, next, device.name, now, { byHand, clear });
    await finalise?.(db, now);
    for (const m of next) {
      const before = marks.find((x) => x.studentId === m.studentId);
      if (!before || JSON.stringify(toMark(before)) !== JSON.stringify(toMark(m))) acknowledged.push({ ...toMark(m), device: index });
    }
    for (const m of marks) {
      if (next.some((x) => x.studentId === m.studentId)) continue;
      acknowledged.push({ ...toMark(m), ...(byHand || m.source === 'manual' ? { source: 'manual' as const, confidence: null, markedAt: now.toISOString() } : {}), device: index, cleared: true });
    }
  };
  /** The face each device last saw each student on, for "not this student". */
  const lastFace = new Map<string, string>();
  /** In a finished session the app marks a student whose mark was taken back absent (stores/attendance.ts). */
  const refinalise = (marks: Mark[], at: string, finalised: boolean) => (finalised ? finaliseMarks(ROSTER, marks, at) : marks);

  try {
    for (const op of schedule.ops) {
      minute += 1;
      counts.ops[op.kind] = (counts.ops[op.kind] ?? 0) + 1;
      const index = 'device' in op ? op.device % devices.length : 0;
      const device = devices[index]!;
      switch (op.kind) {
        case 'see': {
          const face = `f-${index}-${minute}`;
          lastFace.set(`${index}|${op.student}`, face);
          await edit(device, index, (marks, at, startsAt) =>
            applyAutoMarks(marks, [{ studentId: ROSTER[op.student]!, candidateId: ROSTER[op.student]!, confidence: op.confidence, face }], { startsAt, at, rules: DEFAULT_RULES }).marks,
          );
          break;
        }
        case 'clear':
          await edit(device, index, (marks, at, _startsAt, finalised) => refinalise(clearMark(marks, ROSTER[op.student]!, { includeManual: true }), at, finalised), undefined, true);
          break;
        case 'reject': {
          const face = lastFace.get(`${index}|${op.student}`) ?? `f-${index}-none`;
          await edit(device, index, (marks, at, startsAt, finalised) => refinalise(rejectFace(marks, ROSTER[op.student]!, face, { startsAt, rules: DEFAULT_RULES }), at, finalised));
          break;
        }
        case 'mark':
          await edit(device, index, (marks, at) => setManualMark(marks, ROSTER[op.student]!, op.status, at));
          break;
        case 'finalise':
          await edit(
            device,
            index,
            (marks, at) => finaliseMarks(ROSTER, marks, at),
            (db, at) => updateSession(db, session.id, { finalisedAt: at.toISOString() }, at),
          );
          break;
        case 'review': {
          // As the reviews function does it (correct_mark_by_review), on a mark the server has.
          const reviewed = await stack.db.run!(async (pg) => {
            const key = [session.id, ROSTER[op.student]!];
            const found = await pg.query<{ id: string }>('select id from public.attendance_marks where session_id = $1 and student_id = $2', key);
            if (found.rows.length === 0) return null;
            await pg.query(`select public.correct_mark_by_review($1, $2::public.attendance_status, 'correct the mark')`, [found.rows[0]!.id, op.status]);
            const back = await pg.query<{ marked_at: Date }>('select marked_at from public.attendance_marks where session_id = $1 and student_id = $2', key);
            return back.rows[0]!.marked_at.toISOString();
          });
          if (reviewed) acknowledged.push({ studentId: ROSTER[op.student]!, status: op.status, source: 'manual', confidence: null, markedAt: reviewed, device: -1 });
          break;
        }
        case 'sync':
          await untilDoneOrBlocked(device, startSync(device, op.faults));
          break;
        case 'release': {
          const batch = net.held.splice(0);
          if (op.reverse) batch.reverse();
          const k = batch.length ? op.rotate % batch.length : 0;
          for (const h of [...batch.slice(k), ...batch.slice(0, k)]) await h.send().catch(() => {});
          await Promise.all(devices.map((d) => untilDoneOrBlocked(d, syncsOf(d))));
          break;
        }
        case 'restart':
          device.db.close({ disableAutoOpen: true });
          device.db = new RollcallDb(device.name);
          await device.db.open();
          break;
      }
    }

    // The network heals: everything held arrives, every sync under way ends.
    for (;;) {
      if (net.held.length > 0) {
        for (const h of net.held.splice(0)) await h.send().catch(() => {});
        continue;
      }
      if (syncs.size === 0) break;
      await Promise.race([Promise.all([...syncs.keys()]), net.nextHold()]);
    }
    // Then every device syncs, without faults, until a round changes nothing anywhere.
    for (let round = 0; ; round++) {
      if (round === 6) throw new Error('the devices were still exchanging changes after 6 fault-free rounds');
      let quiet = true;
      for (const d of devices) {
        const s = await syncIfPossible(d.db, net.client(d, []), { retries: 0 });
        if (s.pushed.applied + s.pushed.duplicate + s.pushed.rejected + s.pulled.rows > 0) quiet = false;
      }
      if (quiet) break;
    }

    const server = await serverRegister(session.id);
    const stored = await serverRowCount(session.id);
    expect(stored.rows, 'one server mark per student').toBe(stored.students);
    expect(stored.latest, 'no time past the server’s clock').toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    for (const [i, d] of devices.entries()) {
      const local = await deviceRegister(d.db, session.id);
      expect(local.rows, `device ${i}: one mark per student`).toBe(Object.keys(local.register).length);
      expect(local.register, `device ${i} holds the server's register`).toEqual(server.register);
      // Two devices may finalise the session offline; the server keeps the first and refuses the other,
      // which stays in that device's outbox for the teacher to see. Nothing else may be left.
      const left = (await d.db.outbox.toArray()).filter((m) => !(m.table === 'sessions' && m.rejectedReason === 'not allowed' && m.row.finalised_at));
      expect(left, `device ${i}: nothing left unsent or refused`).toEqual([]);
    }
    if (oracle === 'merge rules') expectAcknowledgedKept(acknowledged, server.register);
    else expectLastManualChangeKept(acknowledged, server.register, realStart);
  } finally {
    for (const d of devices) await d.db.delete().catch(() => {});
  }
}

/**
 * What the merge rules make of every acknowledged mark: a manual mark beats
 * any automatic one; of automatic marks a sighting beats an automatic
 * absence, and the earliest sighting's status and time stand, with the
 * highest confidence seen; of manual marks the latest marked stands.
 */
function expectAcknowledgedKept(acknowledged: readonly Acknowledged[], server: Register) {
  const students = new Set(acknowledged.map((a) => a.studentId));
  expect(Object.keys(server).sort(), 'every student marked on a device is marked on the server').toEqual([...students].sort());
  for (const studentId of students) {
    const mine = acknowledged.filter((a) => a.studentId === studentId);
    const final = server[studentId]!;
    const manual = mine.filter((a) => a.source === 'manual');
    if (manual.length > 0) {
      expect(final.source, `${studentId}: a manual mark beats automatic ones`).toBe('manual');
      // The latest marked stands (on a tie, one of those marked then).
      const latest = manual.reduce((a, b) => (b.markedAt > a.markedAt ? b : a)).markedAt;
      const candidates = manual.filter((a) => a.markedAt === latest).map((a) => a.status);
      expect(final.markedAt, `${studentId}: the latest manual mark stands`).toBe(latest);
      expect(candidates, `${studentId}: the latest manual mark stands`).toContain(final.status);
      continue;
    }
    const sightings = mine.filter((a) => a.status !== 'absent');
    const pool = sightings.length > 0 ? sightings : mine;
    const earliest = pool.reduce((a, b) => (b.markedAt < a.markedAt ? b : a));
    const confidences = pool.map((a) => a.confidence).filter((c): c is number => c !== null);
    expect(final, `${studentId}: the automatic marks merged`).toEqual({
      status: earliest.status,
      source: 'auto',
      confidence: confidences.length > 0 ? Math.max(...confidences) : null,
      markedAt: earliest.markedAt,
    });
  }
}

/**
 * A student whose last change (by its time) was made by hand, on a clock
 * the server did not have to bound, ends with that change: the status, or
 * no mark after a clear, unless a later sighting brought them back.
 */
function expectLastManualChangeKept(acknowledged: readonly Acknowledged[], server: Register, realStart: number) {
  const bounded = (a: Acknowledged) => Date.parse(a.markedAt) > realStart + 5 * 60_000;
  for (const studentId of new Set(acknowledged.map((a) => a.studentId))) {
    const mine = acknowledged.filter((a) => a.studentId === studentId);
    if (mine.some(bounded)) continue;
    const last = mine.reduce((a, b) => (b.markedAt >= a.markedAt ? b : a));
    if (last.source !== 'manual' || mine.filter((a) => a.markedAt === last.markedAt).length > 1) continue;
    if (last.cleared) {
      const final = server[studentId];
      if (final) expect(final.source, `${studentId}: after a clear by hand only a later sighting or Finish marks the student`).toBe('auto');
    } else {
      expect(server[studentId], `${studentId}: the last manual mark stands`).toMatchObject({ status: last.status, source: 'manual', markedAt: last.markedAt });
    }
  }
}

describe('sync under injected network faults', () => {
  it('agrees with the server on which of two manual marks stands when the earlier one reaches it last', async () => {
    await runSchedule({
      devices: 3,
      skews: [0, 0, 0],
      ops: [
        { kind: 'sync', device: 0, faults: [] },
        { kind: 'sync', device: 2, faults: [] },
        { kind: 'mark', device: 2, student: 1, status: 'present' },
        { kind: 'mark', device: 0, student: 1, status: 'excused' },
      ],
    });
  });

  it('takes the server’s mark at once when its own earlier manual mark is refused as stale (no pull would bring it again)', async () => {
    await runSchedule({
      devices: 3,
      skews: [0, 0, -4],
      ops: [
        { kind: 'mark', device: 0, student: 2, status: 'present' },
        { kind: 'sync', device: 0, faults: [] },
        { kind: 'sync', device: 2, faults: [] },
        { kind: 'mark', device: 2, student: 2, status: 'present' },
        { kind: 'sync', device: 0, faults: [] },
      ],
    });
  });

  it('keeps a sighting over an automatic absence left by finalising, on one device or two', async () => {
    await runSchedule({ devices: 2, skews: [0, 0, 0], ops: [{ kind: 'finalise', device: 0 }, { kind: 'see', device: 0, student: 0, confidence: 0.8 }] });
    await runSchedule({
      devices: 2,
      skews: [0, 0, 0],
      ops: [
        { kind: 'sync', device: 0, faults: [] },
        { kind: 'sync', device: 1, faults: [] },
        { kind: 'see', device: 1, student: 1, confidence: 0.91 },
        { kind: 'finalise', device: 0 },
        { kind: 'sync', device: 0, faults: [] },
        { kind: 'sync', device: 1, faults: ['lostReply'] },
      ],
    });
  });

  it('sends a clear, "not this student" and a clock two days ahead to the server, and every phone agrees', async () => {
    await runSchedule(
      {
        devices: 2,
        skews: [0, 2 * 1440, 0],
        ops: [
          { kind: 'sync', device: 0, faults: [] },
          { kind: 'sync', device: 1, faults: [] },
          { kind: 'see', device: 0, student: 0, confidence: 0.95 },
          { kind: 'mark', device: 1, student: 1, status: 'absent' },
          { kind: 'sync', device: 0, faults: [] },
          { kind: 'sync', device: 1, faults: ['lostReply'] },
          { kind: 'reject', device: 0, student: 0 },
          { kind: 'mark', device: 0, student: 1, status: 'present' },
          { kind: 'clear', device: 1, student: 2 },
          { kind: 'finalise', device: 0 },
        ],
      },
      'converge',
    );
  });

  it(
    `converges on ${SCHEDULES} random schedules with clears, rejected faces, re-marks and clocks hours or days off`,
    async () => {
      const seed = process.env.SYNC_SEED ? Number(process.env.SYNC_SEED) : undefined;
      await fc.assert(
        fc.asyncProperty(correctionScheduleArb, (schedule) => runSchedule(schedule, 'converge')),
        { numRuns: SCHEDULES, seed, path: process.env.SYNC_PATH, endOnFailure: process.env.SYNC_SHRINK === '0' },
      );
    },
    SCHEDULES * 2_000 + 60_000,
  );

  it(
    `converges on ${SCHEDULES} random schedules of edits, failures, duplicates, reorderings and restarts`,
    async () => {
      const seed = process.env.SYNC_SEED ? Number(process.env.SYNC_SEED) : undefined;
      await fc.assert(
        fc.asyncProperty(scheduleArb, (schedule) => runSchedule(schedule)),
        { numRuns: SCHEDULES, seed, path: process.env.SYNC_PATH, endOnFailure: process.env.SYNC_SHRINK === '0' },
      );
    },
    SCHEDULES * 2_000 + 60_000,
  );
});
