/**
 * What the forecast knows about a student at a cutoff day, for one target
 * school day after it: recent absence rates over several windows, the current
 * absence streak, the target's weekday (one-hot, and the student's own rate on
 * that weekday), where the target falls in the term, and lateness. Every value
 * is computed from days up to the cutoff only.
 */
import { addDays, dayNumber, weekdayOf } from './calendar';
import { lastFourWeeksRate, sameWeekdayLastWeek } from './baselines';
import { buildTimeline, countsBetween, windowStart, type ClassTimeline } from './timeline';
import type { ClassHistory } from './types';

/** Rates go in as log-odds, so a linear model can follow a rate from 2% to 90% without bending. */
export const FEATURE_NAMES = [
  'absence rate, last week',
  'absence rate, last 2 weeks',
  'absence rate, last 4 weeks',
  'absence rate, so far',
  'class absence rate, last week',
  'absence streak (days, up to 10)',
  'absent on the cutoff day',
  'a current streak, fading with days ahead',
  'days since the last absence (up to 60)',
  'own absence rate on the target weekday',
  'late rate, last 4 weeks',
  'days ahead (weeks)',
  'weeks into the term (of 15)',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Pseudo-days that pull a short record towards the class's rate, so one absent day is not a 100% rate. */
const PRIOR_WEIGHT = 2;
const TERM_WEEKS = 15;
const logOdds = (p: number) => {
  const q = Math.min(0.99, Math.max(0.01, p));
  return Math.log(q / (1 - q));
};

/** One (student, cutoff, target day) row. `absent` is known for past targets only. */
export interface ForecastExample {
  classId: string;
  studentId: string;
  cutoff: string;
  target: string;
  features: number[];
  /**
   * Log-odds of the student's absence rate over the last four weeks (pulled a
   * little towards the class's rate): where the forecast starts from. It
   * learns how far weekday, streaks, trend and term move a student from
   * there, so a school whose absences rise or fall shifts it too.
   */
  offset: number;
  absent: 0 | 1 | null;
  baselines: { lastFourWeeks: number; sameWeekdayLastWeek: number };
}

export function featuresAt(t: ClassTimeline, student: number, cutoff: number, target: string): number[] {
  const s = t.students[student]!;
  const classRate = (from: number) => {
    const counted = t.counted[cutoff + 1]! - t.counted[from]!;
    return counted ? (t.absent[cutoff + 1]! - t.absent[from]!) / counted : 0.1;
  };
  const prior = classRate(0);
  const rate = (calendarDays: number) => {
    const c = countsBetween(s, calendarDays ? windowStart(t, cutoff, calendarDays) : 0, cutoff);
    return (c.absent + PRIOR_WEIGHT * prior) / (c.counted + PRIOR_WEIGHT);
  };
  const ownRate = rate(0);
  const targetDay = dayNumber(target);
  const ahead = targetDay - t.days[cutoff]!;
  const streak = s.streak[cutoff]!;
  const last = s.lastAbsence[cutoff]!;
  const sinceAbsence = last < 0 ? 60 : Math.min(60, t.days[cutoff]! - t.days[last]!);
  const weekday = weekdayOf(target);
  const wc = s.weekdayCounted[weekday]![cutoff + 1]!;
  const wa = s.weekdayAbsent[weekday]![cutoff + 1]!;
  const late = countsBetween(s, windowStart(t, cutoff, 28), cutoff);
  const termWeeks = (targetDay - t.days[t.termStart[cutoff]!]!) / 7;
  const absentAtCutoff = t.history.students[student]!.statuses[cutoff] === 'absent' ? 1 : 0;
  return [
    logOdds(rate(7)),
    logOdds(rate(14)),
    logOdds(rate(28)),
    logOdds(ownRate),
    logOdds(classRate(windowStart(t, cutoff, 7))),
    Math.min(streak, 10) / 10,
    absentAtCutoff,
    streak > 0 ? 0.5 ** (ahead - 1) : 0,
    sinceAbsence / 60,
    logOdds((wa + PRIOR_WEIGHT * ownRate) / (wc + PRIOR_WEIGHT)),
    late.counted ? late.late / late.counted : 0,
    ahead / 7,
    Math.min(termWeeks / TERM_WEEKS, 2),
    ...[1, 2, 3, 4, 5, 6].map((w) => (w === weekday ? 1 : 0)),
  ];
}

/**
 * Labelled rows from a history: a cutoff at the last school day of every
 * calendar week, and as targets the school days of the seven days after it on
 * which the student's day counted (excused and unmarked days are left out).
 * Cutoffs with fewer than `minDaysBefore` school days behind them are skipped:
 * there is nothing yet to learn a student from.
 */
export function labelledExamples(history: ClassHistory, options: { minDaysBefore?: number } = {}): ForecastExample[] {
  const minDaysBefore = options.minDaysBefore ?? 5;
  const t = buildTimeline(history);
  const out: ForecastExample[] = [];
  for (const cutoff of weeklyCutoffs(t)) {
    if (cutoff + 1 < minDaysBefore) continue;
    const targets: number[] = [];
    for (let j = cutoff + 1; j < t.days.length && t.days[j]! - t.days[cutoff]! <= 7; j++) targets.push(j);
    if (!targets.length) continue;
    history.students.forEach((st, si) => {
      if (!t.students[si]!.counted[cutoff + 1]) return;
      for (const j of targets) {
        const status = st.statuses[j];
        if (status !== 'present' && status !== 'late' && status !== 'absent') continue;
        out.push(example(t, si, cutoff, history.dates[j]!, status === 'absent' ? 1 : 0));
      }
    });
  }
  return out;
}

/**
 * Unlabelled rows for the week after the last school day: one per weekday on
 * which the class met in its last four weeks, on that weekday's next date.
 */
export function nextWeekExamples(history: ClassHistory): ForecastExample[] {
  const t = buildTimeline(history);
  const cutoff = t.days.length - 1;
  if (cutoff < 0) return [];
  const weekdays = new Set<number>();
  for (let i = windowStart(t, cutoff, 28); i <= cutoff; i++) weekdays.add(t.weekdays[i]!);
  const lastDate = history.dates[cutoff]!;
  const targets = [1, 2, 3, 4, 5, 6, 7].map((d) => addDays(lastDate, d)).filter((d) => weekdays.has(weekdayOf(d)));
  const out: ForecastExample[] = [];
  history.students.forEach((_, si) => {
    if (!t.students[si]!.counted[cutoff + 1]) return;
    for (const target of targets) out.push(example(t, si, cutoff, target, null));
  });
  return out;
}

function example(t: ClassTimeline, student: number, cutoff: number, target: string, absent: 0 | 1 | null): ForecastExample {
  return {
    classId: t.history.classId,
    studentId: t.history.students[student]!.studentId,
    cutoff: t.history.dates[cutoff]!,
    target,
    features: featuresAt(t, student, cutoff, target),
    offset: featuresAt(t, student, cutoff, target)[2]!,
    absent,
    baselines: { lastFourWeeks: lastFourWeeksRate(t, student, cutoff), sameWeekdayLastWeek: sameWeekdayLastWeek(t, student, cutoff, target) },
  };
}

/** The last school day of each calendar week (weeks start on Monday). */
export function weeklyCutoffs(t: ClassTimeline): number[] {
  const out: number[] = [];
  const week = (i: number) => Math.floor((t.days[i]! - 4) / 7); // day 4 (1970-01-05) was a Monday
  for (let i = 0; i < t.days.length; i++) if (i === t.days.length - 1 || week(i + 1) !== week(i)) out.push(i);
  return out;
}
