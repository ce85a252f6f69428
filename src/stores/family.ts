/**
 * What a signed-in parent or student sees: the records of the students the
 * school's server shared with this account (their own, or their children's),
 * read from the device after a sync, so they also open offline.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AttendanceStatus } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass } from '@/db/classes';
import { listMarksOfStudent } from '@/db/sessions';

export interface RecordDay {
  sessionId: string;
  startsAt: string;
  status: AttendanceStatus;
  source: string;
  confidence: number | null;
  markedAt: string;
}

export interface StudentRecord {
  studentId: string;
  fullName: string;
  className: string;
  days: RecordDay[];
  /** Present or late, of the marked days; null before the first one. */
  rate: number | null;
  late: number;
}

export function summariseRecord(days: readonly RecordDay[]): Pick<StudentRecord, 'rate' | 'late'> {
  const counted = days.filter((d) => d.status !== 'excused');
  const attended = counted.filter((d) => d.status === 'present' || d.status === 'late').length;
  return { rate: counted.length ? attended / counted.length : null, late: days.filter((d) => d.status === 'late').length };
}

export const useFamilyStore = defineStore('family', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const records = ref<StudentRecord[]>([]);
  const loaded = ref(false);

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function load() {
    const students = (await db().students.toArray()).filter((s) => !s.deletedAt);
    const out: StudentRecord[] = [];
    for (const s of students) {
      const cls = await getClass(db(), s.classId);
      const marks = await listMarksOfStudent(db(), s.id);
      const sessions = new Map((await db().sessions.bulkGet(marks.map((m) => m.sessionId))).filter((x) => !!x).map((x) => [x!.id, x!]));
      const days = marks
        .filter((m) => sessions.has(m.sessionId) && !sessions.get(m.sessionId)!.deletedAt)
        .map((m) => ({
          sessionId: m.sessionId,
          startsAt: sessions.get(m.sessionId)!.startsAt,
          status: m.status,
          source: m.source,
          confidence: m.confidence,
          markedAt: m.markedAt,
        }))
        .sort((a, b) => b.startsAt.localeCompare(a.startsAt));
      out.push({ studentId: s.id, fullName: s.fullName, className: cls?.name ?? '', days, ...summariseRecord(days) });
    }
    records.value = out.sort((a, b) => a.fullName.localeCompare(b.fullName));
    loaded.value = true;
  }

  return { records, loaded, configure, load };
});
