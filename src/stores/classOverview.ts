/** A class at a glance: its sessions, and each student's attendance over a date range with a trend. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { addDays, localDay } from '@/analytics/calendar';
import { rollingRate, summariseClass } from '@/attendance';
import type { ClassSummary } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass, listStudents } from '@/db/classes';
import { listMarksOfSessions, listSessions, type SessionRow } from '@/db/sessions';

const today = () => localDay(new Date().toISOString());

export const useClassOverviewStore = defineStore('classOverview', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const sessions = ref<SessionRow[]>([]);
  const summary = ref<ClassSummary | null>(null);
  const trends = ref<Record<string, (number | null)[]>>({});
  const db = () => dbRef.value ?? getDb();

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  /** Sessions newest first, and the summary of [from, to] (dates, inclusive). */
  async function load(classId: string, from = addDays(today(), -29), to = today()): Promise<ClassSummary> {
    const [cls, students, all] = await Promise.all([getClass(db(), classId), listStudents(db(), classId), listSessions(db(), classId)]);
    if (!cls) throw new Error('This class no longer exists.');
    sessions.value = all;
    const marks = await listMarksOfSessions(db(), all.map((s) => s.id));
    const result = summariseClass({
      className: cls.name,
      from,
      to,
      students: students.map((s) => ({ id: s.id, rollNo: s.rollNo, fullName: s.fullName, addedAt: s.createdAt })),
      sessions: all,
      marks,
    });
    summary.value = result;
    trends.value = Object.fromEntries(result.students.map((s) => [s.studentId, rollingRate(s.statuses)]));
    return result;
  }

  return { sessions, summary, trends, configure, load };
});
