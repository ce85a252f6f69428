/**
 * The analytics dashboard of one class or of every class on this device:
 * histories read from the database, the views over a chosen period, risk
 * flags, and the next-week forecast. The forecast (tfjs and all) is loaded and
 * trained only after the views are on screen, when the browser is idle; a
 * school's history is a few thousand rows, so training on the main thread
 * takes a second or two, and it waits for a frame every few epochs so
 * scrolling stays smooth.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { heatmap, lateHistogram, rateBucketFor, rateOverTime, sliceHistory, studentTrends, weekdayPattern } from '@/analytics/aggregate';
import { addDays } from '@/analytics/calendar';
import type { ForecastEvaluation, StudentOutlook } from '@/analytics/evaluateForecast';
import { buildClassHistory } from '@/analytics/history';
import { assessRisk } from '@/analytics/risk';
import { METHOD_LABELS, type ClassHistory } from '@/analytics/types';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass, listClasses, listStudents, type ClassRow } from '@/db/classes';
import { listMarksOfSessions, listSessions } from '@/db/sessions';
import { downloadBytes, exportFileName, XLSX_MIME } from '@/reports';

export type AnalyticsPeriod = '4w' | '12w' | 'all';
export const PERIOD_LABELS: Record<AnalyticsPeriod, string> = { '4w': 'Last 4 weeks', '12w': 'Last 12 weeks', all: 'All' };
const PERIOD_DAYS: Record<AnalyticsPeriod, number | null> = { '4w': 28, '12w': 84, all: null };
/** The heatmap shows this many of the latest school days; a phone cannot show more. */
export const HEATMAP_DAYS = 30;

export type ForecastState = 'waiting' | 'training' | 'ready' | 'failed';

const whenIdle = () =>
  new Promise<void>((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 0);
  });

export const useAnalyticsStore = defineStore('analytics', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  let waitForIdle = whenIdle;

  const classId = ref<string | null>(null);
  const scopeName = ref('');
  const histories = shallowRef<ClassHistory[]>([]);
  const period = ref<AnalyticsPeriod>('12w');
  const loading = ref(false);
  const forecastState = ref<ForecastState>('waiting');
  const forecastError = ref<string | null>(null);
  const evaluation = shallowRef<ForecastEvaluation | null>(null);
  const outlooks = shallowRef<StudentOutlook[]>([]);
  const exporting = ref(false);
  let generation = 0;

  /** Tests pass a database of their own, and may run the idle step at once. */
  function configure(options: { db: RollcallDb; whenIdle?: () => Promise<void> }) {
    dbRef.value = options.db;
    if (options.whenIdle) waitForIdle = options.whenIdle;
  }

  const lastDate = computed(() => histories.value.flatMap((h) => h.dates).sort().at(-1) ?? null);
  const from = computed(() => {
    const days = PERIOD_DAYS[period.value];
    return days && lastDate.value ? addDays(lastDate.value, -days + 1) : null;
  });
  const visible = computed(() => histories.value.map((h) => sliceHistory(h, from.value, null)));
  const hasSessions = computed(() => visible.value.some((h) => h.dates.length > 0));
  const students = computed(() => histories.value.reduce((a, h) => a + h.students.length, 0));
  const rate = computed(() => rateOverTime(visible.value, rateBucketFor(visible.value)));
  const rateBucket = computed(() => rateBucketFor(visible.value));
  const weekdays = computed(() => weekdayPattern(visible.value));
  const late = computed(() => lateHistogram(visible.value));
  const grid = computed(() => heatmap(visible.value, HEATMAP_DAYS));
  const trends = computed(() => Object.assign({}, ...visible.value.map((h) => studentTrends(h))) as Record<string, (number | null)[]>);
  const risks = computed(() => assessRisk(visible.value, outlooks.value));
  const atRisk = computed(() => risks.value.filter((r) => r.flags.length > 0));
  const method = computed(() => (evaluation.value ? METHOD_LABELS[evaluation.value.decision.use] : null));

  /** `id` null: every class on this device. Views are ready when this resolves; the forecast follows. */
  async function load(id: string | null): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    forecastState.value = 'waiting';
    forecastError.value = null;
    evaluation.value = null;
    outlooks.value = [];
    try {
      let classes: ClassRow[];
      if (id) {
        const cls = await getClass(db(), id);
        if (!cls) throw new Error('This class no longer exists.');
        classes = [cls];
      } else classes = await listClasses(db());
      const loaded = await Promise.all(classes.map((c) => readHistory(c)));
      if (mine !== generation) return;
      classId.value = id;
      scopeName.value = id ? classes[0]!.name : 'All classes';
      histories.value = loaded;
    } finally {
      if (mine === generation) loading.value = false;
    }
    void trainForecast(mine);
  }

  async function readHistory(cls: ClassRow): Promise<ClassHistory> {
    const [roster, sessions] = await Promise.all([listStudents(db(), cls.id), listSessions(db(), cls.id)]);
    const marks = await listMarksOfSessions(db(), sessions.map((s) => s.id));
    return buildClassHistory({
      classId: cls.id,
      className: cls.name,
      students: roster.map((s) => ({ id: s.id, rollNo: s.rollNo, fullName: s.fullName, addedAt: s.createdAt })),
      sessions,
      marks,
    });
  }

  async function trainForecast(mine: number) {
    if (!histories.value.some((h) => h.dates.length)) return;
    await waitForIdle();
    if (mine !== generation) return;
    forecastState.value = 'training';
    try {
      // tfjs comes in its own chunk, on the first visit that has history to learn from.
      const { forecastNextWeek } = await import('@/analytics/evaluateForecast');
      const result = await forecastNextWeek(histories.value, { forecast: { yieldEvery: 10 } });
      if (mine !== generation) return;
      evaluation.value = result.evaluation;
      outlooks.value = result.outlooks;
      forecastState.value = 'ready';
    } catch (err) {
      if (mine !== generation) return;
      forecastError.value = err instanceof Error ? err.message : String(err);
      forecastState.value = 'failed';
    }
  }

  /** The views as they are on screen, as an Excel file. */
  async function exportWorkbook() {
    exporting.value = true;
    try {
      const { buildAnalyticsWorkbook } = await import('@/reports/analyticsWorkbook');
      const bytes = buildAnalyticsWorkbook({
        scope: scopeName.value,
        from: from.value,
        to: lastDate.value,
        method: method.value ?? 'None yet',
        methodReason: evaluation.value?.decision.reason ?? (forecastError.value ? `The forecast failed: ${forecastError.value}` : 'The forecast had not finished.'),
        risks: risks.value,
        rateOverTime: rate.value,
        weekdays: weekdays.value,
        late: late.value,
        heatmap: grid.value,
      });
      downloadBytes(bytes, `${fileStem()}.xlsx`, XLSX_MIME);
    } finally {
      exporting.value = false;
    }
  }

  /** "analytics-7b-science-2025-03-14", for the Excel and PNG files. */
  const fileStem = (view?: string) =>
    exportFileName('summary', scopeName.value, lastDate.value ?? new Date()).replace(/^summary-/, view ? `analytics-${view}-` : 'analytics-');

  return {
    classId,
    scopeName,
    histories,
    period,
    loading,
    hasSessions,
    students,
    rate,
    rateBucket,
    weekdays,
    late,
    grid,
    trends,
    risks,
    atRisk,
    forecastState,
    forecastError,
    evaluation,
    outlooks,
    method,
    exporting,
    configure,
    load,
    exportWorkbook,
    fileStem,
  };
});
