/**
 * Excel and CSV downloads. The spreadsheet writer is large, so it is loaded
 * only when a teacher first exports; the PWA precaches it for offline use.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass, listStudents } from '@/db/classes';
import { getSession, listMarks } from '@/db/sessions';
import { useClassOverviewStore } from './classOverview';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_MIME = 'text/csv;charset=utf-8';

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
      session: { startsAt: session.startsAt, takenBy: session.takenBy, facesDetected: session.facesDetected, finalisedAt: session.finalisedAt },
      rows: students.map((s) => {
        const m = byStudent.get(s.id);
        return { rollNo: s.rollNo, fullName: s.fullName, status: m?.status ?? null, markedAt: m?.markedAt ?? null, confidence: m?.confidence ?? null, source: m?.source ?? null };
      }),
    };
  }

  async function exportSession(sessionId: string, format: 'xlsx' | 'csv') {
    progress.value = 'Preparing the file…';
    try {
      const input = await sessionInput(sessionId);
      const { downloadBytes, exportFileName } = await import('@/reports/export/download');
      const name = exportFileName('attendance', input.className, input.session.startsAt.slice(0, 10));
      if (format === 'xlsx') {
        const { buildSessionWorkbook } = await import('@/reports/export/sessionSheet');
        downloadBytes(buildSessionWorkbook(input), `${name}.xlsx`, XLSX_MIME);
      } else {
        const { sessionCsv } = await import('@/reports/export/csv');
        downloadBytes(new TextEncoder().encode(sessionCsv(input)), `${name}.csv`, CSV_MIME);
      }
    } finally {
      progress.value = null;
    }
  }

  /** Students × sessions over [from, to] (dates), with counts and percentages. */
  async function exportSummary(classId: string, from: string, to: string, format: 'xlsx' | 'csv') {
    progress.value = 'Preparing the summary…';
    try {
      const summary = await useClassOverviewStore().load(classId, from, to);
      const { downloadBytes, exportFileName } = await import('@/reports/export/download');
      const name = exportFileName('summary', summary.className, `${from}_${to}`);
      if (format === 'xlsx') {
        const { buildClassSummaryWorkbook } = await import('@/reports/export/classSummarySheet');
        downloadBytes(buildClassSummaryWorkbook(summary), `${name}.xlsx`, XLSX_MIME);
      } else {
        const { classSummaryCsv } = await import('@/reports/export/csv');
        downloadBytes(new TextEncoder().encode(classSummaryCsv(summary)), `${name}.csv`, CSV_MIME);
      }
    } finally {
      progress.value = null;
    }
  }

  return { progress, configure, sessionInput, exportSession, exportSummary };
});
