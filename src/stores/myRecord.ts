/**
 * A signed-in student's or parent's view: each record the school's server
 * shares with this account (their own, or their children's), one per class,
 * read from the device after a sync so it also opens offline; the evidence
 * of each automatic mark; and "this is wrong" disputes, written to the
 * device with their outbox change and sent at the next sync.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AttendanceStatus } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { openDispute as writeDispute, readStudentRecords } from '@/db/disputes';
import { getSchool, type SchoolRow } from '@/db/schools';
import { describeError } from './errors';
import { useAccountStore } from './account';
import { useSyncStore } from './sync';
import {
  canDispute,
  disputeProblems,
  recordCalendar,
  recordTrend,
  summariseRecord,
  type CalendarMonth,
  type RecordDay,
  type RecordSummary,
  type Trend,
} from '@/analytics/studentRecord';

export interface StudentRecord extends RecordSummary {
  studentId: string;
  fullName: string;
  classId: string;
  className: string;
  /** Newest first. */
  days: RecordDay[];
  calendar: CalendarMonth[];
  trend: { trend: Trend; recent: number; before: number } | null;
  openDisputes: number;
}

export const useMyRecordStore = defineStore('myRecord', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const account = useAccountStore();
  const records = ref<StudentRecord[]>([]);
  const school = ref<SchoolRow | null>(null);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const busy = ref(false);

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function load() {
    const rows = await readStudentRecords(db());
    const out: StudentRecord[] = [];
    for (const r of rows) {
      const days: RecordDay[] = r.marks
        .filter((m) => r.sessions.has(m.sessionId))
        .map((m) => ({
          markId: m.id,
          sessionId: m.sessionId,
          startsAt: r.sessions.get(m.sessionId)!.startsAt,
          status: m.status,
          source: m.source,
          confidence: m.confidence,
          markedAt: m.markedAt,
          device: m.device,
          disputes: r.disputes.filter((d) => d.markId === m.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
          excuses: r.excuses.filter((e) => e.markId === m.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        }))
        .sort((a, b) => b.startsAt.localeCompare(a.startsAt));
      out.push({
        studentId: r.student.id,
        fullName: r.student.fullName,
        classId: r.student.classId,
        className: r.klass?.name ?? '',
        days,
        calendar: recordCalendar(days),
        trend: recordTrend(days),
        openDisputes: days.filter((d) => !canDispute(d)).length,
        ...summariseRecord(days),
      });
    }
    records.value = out.sort((a, b) => a.fullName.localeCompare(b.fullName) || a.className.localeCompare(b.className));
    const schoolId = account.schoolId;
    school.value = (schoolId ? await getSchool(db(), schoolId) : undefined) ?? null;
    loaded.value = true;
  }

  const recordOf = (studentId: string) => records.value.find((r) => r.studentId === studentId) ?? null;
  const dayOf = (studentId: string, sessionId: string) => recordOf(studentId)?.days.find((d) => d.sessionId === sessionId) ?? null;
  const keepFaceCrops = computed(() => school.value?.keepFaceCrops ?? null);

  /** Saved on this phone at once; it reaches the teacher with the next sync (now, when online). */
  async function openDispute(studentId: string, sessionId: string, input: { reason: string; requestedStatus: AttendanceStatus | null }): Promise<boolean> {
    error.value = null;
    const day = dayOf(studentId, sessionId);
    if (!day) {
      error.value = 'That day is no longer on this phone.';
      return false;
    }
    const problems = disputeProblems(input, day.status);
    if (problems.length) {
      error.value = problems.join(' ');
      return false;
    }
    busy.value = true;
    try {
      await writeDispute(db(), { markId: day.markId, reason: input.reason, requestedStatus: input.requestedStatus });
      await load();
      void useSyncStore().syncNow();
      return true;
    } catch (err) {
      error.value = describeError(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { records, school, loaded, error, busy, keepFaceCrops, configure, load, recordOf, dayOf, openDispute };
});
