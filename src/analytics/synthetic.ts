/**
 * Seeded school histories whose absences come from known processes, to test
 * the forecast and the flags against the truth:
 *
 * - a base rate per student (log-odds spread around ~5%);
 * - weekday effects: the whole school skips a little more on Mondays and
 *   Fridays, and some students habitually skip one particular weekday;
 * - illness as a two-state Markov chain: a healthy student falls ill now and
 *   then, and an ill one stays away for a few days in a row;
 * - term position: absences creep up towards the end of a term;
 * - drop-out drift: a few students' log-odds rise steadily from a day in the
 *   middle of the year until they have all but stopped coming.
 *
 * Days are Monday to Friday, with terms separated by a break and the odd
 * whole-school holiday. Lateness is a per-student habit, minutes after the
 * cut-off drawn from an exponential.
 */
import { gaussian, seededRandom } from '@/ml/classifier/random';
import { addDays, weekdayOf } from './calendar';
import type { ClassHistory, DayStatus, StudentHistory } from './types';

export interface SyntheticOptions {
  seed: number;
  classes: number;
  studentsPerClass: number;
  terms: number;
  weeksPerTerm: number;
  breakWeeks: number;
  /** A Monday. */
  start: string;
  /** Share of students who drift towards dropping out. */
  dropOutShare: number;
  /** Share of students with a weekday they habitually skip. */
  weekdaySkipperShare: number;
}

export const DEFAULT_SYNTHETIC_OPTIONS: SyntheticOptions = {
  seed: 1,
  classes: 2,
  studentsPerClass: 40,
  terms: 2,
  weeksPerTerm: 12,
  breakWeeks: 2,
  start: '2025-01-06',
  dropOutShare: 0.08,
  weekdaySkipperShare: 0.15,
};

/** The hidden truth behind one synthetic student. */
export interface SyntheticStudentTruth {
  studentId: string;
  baseRate: number;
  skipsWeekday: number | null;
  /** Index into the class's dates from which the drift starts; null when the student does not drift. */
  dropOutFrom: number | null;
  /** The chance of absence each day as the process set it (1 on a day of illness). */
  absenceChance: number[];
}

export interface SyntheticSchool {
  histories: ClassHistory[];
  truth: Map<string, SyntheticStudentTruth>;
}

const logistic = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));
const SCHOOL_WEEKDAY_EFFECT = [0, 0.35, 0, 0, 0.1, 0.45, 0];

export function syntheticSchool(options: Partial<SyntheticOptions> = {}): SyntheticSchool {
  const o = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
  if (weekdayOf(o.start) !== 1) throw new RangeError(`The first day must be a Monday, not ${o.start}.`);
  const random = seededRandom(o.seed);
  const truth = new Map<string, SyntheticStudentTruth>();

  const dates: string[] = [];
  const termFraction: number[] = [];
  for (let term = 0; term < o.terms; term++) {
    const termStart = addDays(o.start, term * (o.weeksPerTerm + o.breakWeeks) * 7);
    for (let week = 0; week < o.weeksPerTerm; week++) {
      for (let day = 0; day < 5; day++) {
        if (random() < 0.015) continue; // a holiday
        dates.push(addDays(termStart, week * 7 + day));
        termFraction.push((week * 5 + day) / (o.weeksPerTerm * 5));
      }
    }
  }

  const histories = Array.from({ length: o.classes }, (_, c): ClassHistory => {
    const classId = `class-${c + 1}`;
    const className = `Class ${c + 1}`;
    const students = Array.from({ length: o.studentsPerClass }, (_, k): StudentHistory => {
      const studentId = `${classId}-s${k + 1}`;
      const base = logit(0.045) + 0.75 * gaussian(random);
      const skipsWeekday = random() < o.weekdaySkipperShare ? [1, 5, 1, 5, 3][Math.floor(random() * 5)]! : null;
      const dropOutFrom = random() < o.dropOutShare ? Math.floor(dates.length * (0.35 + 0.5 * random())) : null;
      const fallIll = 0.004 + 0.02 * random();
      const stayIll = 0.55 + 0.25 * random();
      const lateHabit = random() < 0.3 ? 0.1 + 0.25 * random() : 0.02 * random();
      // A few students join a few weeks in; their days before that do not count.
      const joinsAt = random() < 0.04 ? Math.floor(dates.length * 0.2 * random()) : 0;
      let ill = false;
      const statuses: (DayStatus | null)[] = [];
      const lateMinutes: (number | null)[] = [];
      const absenceChance: number[] = [];
      dates.forEach((date, i) => {
        const weekday = weekdayOf(date);
        ill = ill ? random() < stayIll : random() < fallIll;
        let z = base + SCHOOL_WEEKDAY_EFFECT[weekday]! + 0.7 * termFraction[i]!;
        if (skipsWeekday === weekday) z += 2.2;
        if (dropOutFrom !== null && i >= dropOutFrom) z += Math.min(4, 0.14 * (i - dropOutFrom));
        const chance = ill ? 1 : logistic(z);
        absenceChance.push(chance);
        if (i < joinsAt) {
          statuses.push(null);
          lateMinutes.push(null);
          return;
        }
        if (random() < chance) {
          // A doctor's note now and then.
          statuses.push(ill && random() < 0.15 ? 'excused' : 'absent');
          lateMinutes.push(null);
        } else if (random() < lateHabit) {
          statuses.push('late');
          lateMinutes.push(11 + Math.round(-8 * Math.log(1 - random())));
        } else {
          statuses.push('present');
          lateMinutes.push(null);
        }
      });
      truth.set(studentId, { studentId, baseRate: logistic(base), skipsWeekday, dropOutFrom, absenceChance });
      return { studentId, rollNo: String(k + 1), fullName: `Student ${c + 1}-${k + 1}`, classId, className, statuses, lateMinutes };
    });
    return { classId, className, dates: [...dates], students };
  });
  return { histories, truth };
}
