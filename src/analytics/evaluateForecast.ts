/**
 * Trains the forecast on a school's own history and checks it on the weeks it
 * did not see, against the two baselines; then forecasts the next week with
 * whichever the decision keeps. Shared by the app and `npm run eval:forecast`.
 */
import { decideForecast, type ForecastDecision, type MethodMetrics } from './decideForecast';
import { labelledExamples, nextWeekExamples, type ForecastExample } from './features';
import { trainAndPredict, type ForecastOptions } from './forecast';
import { probabilityMetrics } from './metrics';
import type { ClassHistory, ForecastMethod } from './types';

export interface EvaluateOptions {
  /** Share of the weekly cutoffs (oldest first) to train on; the rest are held out. */
  trainShare: number;
  /** Below these, a check on held-out weeks would say nothing: no forecast is trained. */
  minExamples: number;
  minPositives: number;
  forecast: Partial<ForecastOptions>;
}

export const DEFAULT_EVALUATE_OPTIONS: EvaluateOptions = { trainShare: 0.6, minExamples: 150, minPositives: 10, forecast: {} };

export interface ForecastEvaluation {
  /** The first held-out cutoff date; null when there was too little history to split. */
  splitAt: string | null;
  train: { examples: number; positives: number };
  test: { examples: number; positives: number };
  /** Per student and school day; null when nothing was trained. */
  daily: MethodMetrics | null;
  /** Per student and week: "absent at least once", from the daily chances taken as independent. */
  weekly: MethodMetrics | null;
  decision: ForecastDecision;
}

const count = (xs: readonly ForecastExample[]) => ({ examples: xs.length, positives: xs.filter((x) => x.absent === 1).length });
const labels = (xs: readonly ForecastExample[]) => xs.map((x) => x.absent as 0 | 1);
const inputs = (xs: readonly ForecastExample[]) => ({ rows: xs.map((x) => x.features), offsets: xs.map((x) => x.offset), labels: labels(xs) });

export async function evaluateForecast(histories: readonly ClassHistory[], options: Partial<EvaluateOptions> = {}): Promise<ForecastEvaluation> {
  const o = { ...DEFAULT_EVALUATE_OPTIONS, ...options };
  const all = histories.flatMap((h) => labelledExamples(h));
  const cutoffs = [...new Set(all.map((x) => x.cutoff))].sort();
  const splitAt = cutoffs.length >= 2 ? cutoffs[Math.min(cutoffs.length - 1, Math.max(1, Math.floor(cutoffs.length * o.trainShare)))]! : null;
  // Training rows' outcomes are all known by the split; held-out rows are cut off at or after it.
  const train = splitAt ? all.filter((x) => x.target <= splitAt) : [];
  const test = splitAt ? all.filter((x) => x.cutoff >= splitAt) : [];
  const trainCount = count(train);
  const testCount = count(test);
  const tooLittle =
    trainCount.examples < o.minExamples ||
    testCount.examples < o.minExamples ||
    trainCount.positives < o.minPositives ||
    testCount.positives < o.minPositives ||
    trainCount.positives === trainCount.examples;
  if (tooLittle) {
    return {
      splitAt,
      train: trainCount,
      test: testCount,
      daily: null,
      weekly: null,
      decision: {
        keep: false,
        use: 'lastFourWeeks',
        reason: `There is not enough attendance history yet to test a forecast (${cutoffs.length} week${cutoffs.length === 1 ? '' : 's'}, ${trainCount.positives + testCount.positives} absences to learn from), so the last-4-weeks rate is used.`,
      },
    };
  }
  const { predictions } = await trainAndPredict(inputs(train), inputs(test), o.forecast);
  const scores: Record<ForecastMethod, number[]> = {
    forecast: predictions,
    lastFourWeeks: test.map((x) => x.baselines.lastFourWeeks),
    sameWeekdayLastWeek: test.map((x) => x.baselines.sameWeekdayLastWeek),
  };
  const y = labels(test);
  const daily = mapMethods((m) => probabilityMetrics(scores[m], y));
  const weeks = weeklyGroups(test);
  const weekly = mapMethods((m) =>
    probabilityMetrics(
      weeks.map((idx) => 1 - idx.reduce((a, i) => a * (1 - scores[m][i]!), 1)),
      weeks.map((idx) => (idx.some((i) => y[i] === 1) ? 1 : 0)),
    ),
  );
  return { splitAt, train: trainCount, test: testCount, daily, weekly, decision: decideForecast(daily) };
}

export interface StudentOutlook {
  classId: string;
  studentId: string;
  method: ForecastMethod;
  /** The school days expected next week and the chance of absence on each. */
  days: { date: string; chance: number }[];
  /** Sum of the daily chances: the days the student is expected to miss. */
  expectedAbsences: number;
}

export interface NextWeekForecast {
  evaluation: ForecastEvaluation;
  outlooks: StudentOutlook[];
}

/** The decision on held-out weeks, then next week's chances by the method it keeps (retrained on every week when it is the forecast). */
export async function forecastNextWeek(histories: readonly ClassHistory[], options: Partial<EvaluateOptions> = {}): Promise<NextWeekForecast> {
  const o = { ...DEFAULT_EVALUATE_OPTIONS, ...options };
  const evaluation = await evaluateForecast(histories, o);
  const next = histories.flatMap((h) => nextWeekExamples(h));
  const method = evaluation.decision.use;
  let chances: number[];
  if (method === 'forecast') {
    const all = histories.flatMap((h) => labelledExamples(h));
    chances = (await trainAndPredict(inputs(all), inputs(next), o.forecast)).predictions;
  } else {
    chances = next.map((x) => x.baselines[method]);
  }
  const byStudent = new Map<string, StudentOutlook>();
  next.forEach((x, i) => {
    const key = `${x.classId}\u0000${x.studentId}`;
    let outlook = byStudent.get(key);
    if (!outlook) byStudent.set(key, (outlook = { classId: x.classId, studentId: x.studentId, method, days: [], expectedAbsences: 0 }));
    outlook.days.push({ date: x.target, chance: chances[i]! });
    outlook.expectedAbsences += chances[i]!;
  });
  return { evaluation, outlooks: [...byStudent.values()] };
}

function mapMethods<T>(f: (m: ForecastMethod) => T): Record<ForecastMethod, T> {
  return { forecast: f('forecast'), lastFourWeeks: f('lastFourWeeks'), sameWeekdayLastWeek: f('sameWeekdayLastWeek') };
}

/** Indices of the rows of each (class, student, cutoff): one student's next week. */
function weeklyGroups(rows: readonly ForecastExample[]): number[][] {
  const groups = new Map<string, number[]>();
  rows.forEach((x, i) => {
    const key = `${x.classId}\u0000${x.studentId}\u0000${x.cutoff}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}
