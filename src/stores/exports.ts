/**
 * Excel and CSV downloads. The spreadsheet writer is large, so it is loaded
 * only when a teacher first exports; the PWA precaches it for offline use.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { finishedAutomatically } from '@/attendance/closeOfDay';
import { takenByName } from '@/attendance/origin';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass, listStudents } from '@/db/classes';
import { getSession, listMarks } from '@/db/sessions';
import { useAccountStore } from './account';
import { useClassOverviewStore } from './classOverview';
// The Excel writer inside is loaded on the first export only (see reports/export/loadWorkbooks.ts).
import { classSummaryCsv, CSV_MIME, downloadBytes, exportClassSummaryWorkbook, exportFileName, exportSessionWorkbook, sessionCsv, XLSX_MIME } from '@/reports';

export const useExportsStore = defineStore('exports', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const progress = ref<string | null>(null);
  const db = () => dbRef.value ?? getDb();

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function sessionInput(sessionId: string) {
    const session = await getSession(db(), sessionId);
    if (!session) throw new Error('This session no longer exists.');
    const [cls, students, marks] = await Promise.all([getClass(db(), session.classId), listStudents(db(), session.classId), listMarks(db(), sessionId)]);
    const byStudent = new Map(marks.map((m) => [m.studentId, m]));
    return {
      className: cls?.name ?? 'Class',
      session: {
        startsAt: session.startsAt,
        takenBy: takenByName(session.takenBy, useAccountStore().user),
        facesDetected: session.facesDetected,
        finalisedAt: session.finalisedAt,
        finishedAutomatically: finishedAutomatically(session),
      },
      rows: students.map((s) => {
        const m = byStudent.get(s.id);
        return { rollNo: s.rollNo, fullName: s.fullName, status: m?.status ?? null, markedAt: m?.markedAt ?? null, confidence: m?.confidence ?? null, source: m?.source ?? null, device: m?.device ?? null };
      }),
    };
  }

  async function withProgress(message: string, work: () => Promise<void>) {
    progress.value = message;
    try {
      await work();
    } finally {
      progress.value = null;
    }
  }

  function exportSession(sessionId: string, format: 'xlsx' | 'csv') {
    return withProgress('Preparing the file…', async () => {
      const input = await sessionInput(sessionId);
      const name = exportFileName('attendance', input.className, input.session.startsAt.slice(0, 10));
      if (format === 'xlsx') downloadBytes(await exportSessionWorkbook(input), `${name}.xlsx`, XLSX_MIME);
      else downloadBytes(sessionCsv(input), `${name}.csv`, CSV_MIME);
    });
  }

  /** Students × sessions over [from, to] (dates), with counts and percentages. */
  function exportSummary(classId: string, from: string, to: string, format: 'xlsx' | 'csv') {
    return withProgress('Preparing the summary…', async () => {
      const summary = await useClassOverviewStore().load(classId, from, to);
      const name = exportFileName('summary', summary.className, `${from}_${to}`);
      if (format === 'xlsx') downloadBytes(await exportClassSummaryWorkbook(summary), `${name}.xlsx`, XLSX_MIME);
      else downloadBytes(classSummaryCsv(summary), `${name}.csv`, CSV_MIME);
    });
  }

  return { progress, configure, sessionInput, exportSession, exportSummary };
});
