/**
 * Which students need a look, and why, in words a teacher can check against
 * the register: a forecast of many absences next week, attendance under 75%,
 * a sudden drop against the student's own usual attendance, or a run of
 * absences up to the last school day. Pure.
 */
import type { StudentOutlook } from './evaluateForecast';
import { METHOD_LABELS, type ClassHistory, type DayStatus } from './types';

export type RiskKind = 'forecast' | 'low-attendance' | 'drop' | 'streak';

export interface RiskFlag {
  kind: RiskKind;
  reason: string;
  /** Bigger is more urgent; used to order the list. */
  weight: number;
}

export interface StudentRisk {
  classId: string;
  className: string;
  studentId: string;
  rollNo: string;
  fullName: string;
  /** Attended share of counted days over the history given; null when none counted. */
  rate: number | null;
  expectedAbsences: number | null;
  flags: RiskFlag[];
}

export interface RiskThresholds {
  /** Attendance under this is flagged. */
  lowAttendance: number;
  /** Counted days needed before a rate is judged. */
  minDays: number;
  /** A forecast of this share of next week's days missed, or more, is flagged. */
  forecastShare: number;
  /** Days in the recent window of the drop test, and the baseline before it. */
  recentDays: number;
  baselineDays: number;
  /** The recent rate must be this much under the usual one… */
  minDrop: number;
  /** …and this many standard errors under it, so a one-day dip on a short window is not a "drop". */
  minZ: number;
  /** Absent school days in a row, up to the last, that are flagged. */
  streakDays: number;
}

export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  lowAttendance: 0.75,
  minDays: 5,
  forecastShare: 0.3,
  recentDays: 10,
  baselineDays: 40,
  minDrop: 0.25,
  minZ: 2,
  streakDays: 3,
};

const pct = (x: number) => `${Math.round(x * 100)}%`;
const counted = (s: DayStatus | null) => s === 'present' || s === 'late' || s === 'absent';
const attended = (s: DayStatus | null) => s === 'present' || s === 'late';

/** Every student of the histories with their flags; those with flags first, most urgent first. */
export function assessRisk(histories: readonly ClassHistory[], outlooks: readonly StudentOutlook[] = [], thresholds: Partial<RiskThresholds> = {}): StudentRisk[] {
  const t = { ...DEFAULT_RISK_THRESHOLDS, ...thresholds };
  const outlookOf = new Map(outlooks.map((o) => [`${o.classId}\u0000${o.studentId}`, o]));
  const out: StudentRisk[] = [];
  for (const h of histories) {
    for (const s of h.students) {
      // Only days that count, oldest first: the drop and streak tests read the register, not the calendar.
      const days = s.statuses.filter(counted) as DayStatus[];
      const came = days.filter(attended).length;
      const rate = days.length ? came / days.length : null;
      const flags: RiskFlag[] = [];
      const outlook = outlookOf.get(`${h.classId}\u0000${s.studentId}`);
      if (outlook && outlook.days.length) {
        const share = outlook.expectedAbsences / outlook.days.length;
        if (share >= t.forecastShare) {
          const missed = Math.round(outlook.expectedAbsences * 10) / 10;
          flags.push({
            kind: 'forecast',
            reason: `${METHOD_LABELS[outlook.method]}: likely to miss about ${missed} of next week's ${outlook.days.length} school days (${pct(share)} a day).`,
            weight: 2 + share,
          });
        }
      }
      if (rate !== null && days.length >= t.minDays && rate < t.lowAttendance) {
        flags.push({ kind: 'low-attendance', reason: `Attended ${came} of ${days.length} school days (${pct(rate)}), under ${pct(t.lowAttendance)}.`, weight: 2 + (t.lowAttendance - rate) });
      }
      const drop = suddenDrop(days, t);
      if (drop) flags.push(drop);
      let streak = 0;
      while (streak < days.length && days[days.length - 1 - streak] === 'absent') streak++;
      if (streak >= t.streakDays) flags.push({ kind: 'streak', reason: `Absent the last ${streak} school days in a row.`, weight: 1.5 + streak / 10 });
      out.push({
        classId: h.classId,
        className: h.className,
        studentId: s.studentId,
        rollNo: s.rollNo,
        fullName: s.fullName,
        rate,
        expectedAbsences: outlook ? outlook.expectedAbsences : null,
        flags: flags.sort((a, b) => b.weight - a.weight),
      });
    }
  }
  const score = (r: StudentRisk) => r.flags.reduce((a, f) => a + f.weight, 0);
  return out.sort((a, b) => score(b) - score(a) || (a.rate ?? 1) - (b.rate ?? 1) || a.fullName.localeCompare(b.fullName));
}

/**
 * The last `recentDays` counted days against the `baselineDays` before them:
 * flagged when the recent rate is at least `minDrop` under the usual one and
 * that many days make it unlikely to be chance (a binomial z-score).
 */
export function suddenDrop(days: readonly DayStatus[], t: RiskThresholds = DEFAULT_RISK_THRESHOLDS): RiskFlag | null {
  if (days.length < t.recentDays + t.minDays * 2) return null;
  const recent = days.slice(-t.recentDays);
  const before = days.slice(Math.max(0, days.length - t.recentDays - t.baselineDays), days.length - t.recentDays);
  const usual = before.filter(attended).length / before.length;
  const came = recent.filter(attended).length;
  const now = came / recent.length;
  const p = Math.min(0.98, Math.max(0.02, usual));
  const z = (now - p) / Math.sqrt((p * (1 - p)) / recent.length);
  if (usual - now < t.minDrop || z > -t.minZ) return null;
  return {
    kind: 'drop',
    reason: `Came on ${came} of the last ${recent.length} school days (${pct(now)}); usually ${pct(usual)}.`,
    weight: 2.5 + (usual - now),
  };
}
