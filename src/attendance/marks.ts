/**
 * Who is marked in one session. Every function returns a new array and leaves
 * its input (and the marks in it) untouched, so a store can keep the previous
 * array for undo and Vue sees a new value.
 *
 * The invariants: at most one mark per student, and a mark made by a person is
 * never changed by recognition.
 */
import { statusOnArrival } from './late';
import type { AttendanceRules, AttendanceStatus, FaceLabelKind, FaceVerdict, Mark, MarkEvidence } from './types';

export type AutoMarkSkipReason = 'manual-mark' | 'low-confidence' | 'already-marked';

export interface AutoMarkResult {
  marks: Mark[];
  /** Students marked by this call, in the order their faces came. */
  added: string[];
  /** Faces that named (or nearly named) someone but changed no status, with why. */
  skipped: { studentId: string; reason: AutoMarkSkipReason }[];
}

export interface AutoMarkContext {
  /** When the session started, for the late cut-off. */
  startsAt: string;
  /** When the faces were seen (the photo's time or the frame's). */
  at: string;
  rules: AttendanceRules;
}

/**
 * Marks the students whose faces were recognised with enough confidence.
 *
 * - A face below `rules.autoMarkConfidence`, or one the recogniser rejected,
 *   marks nobody; it is listed as 'low-confidence' when it had a candidate.
 * - A manual mark is left as it is ('manual-mark').
 * - A student already marked keeps the first sighting's time and present/late
 *   status, so arriving on time and being photographed again later is not late;
 *   the mark's confidence becomes the highest seen ('already-marked').
 * - An automatic 'absent' (left by `finaliseMarks`) gives way: the face is
 *   proof the student came, and the sighting is their arrival.
 */
export function applyAutoMarks(marks: readonly Mark[], verdicts: readonly FaceVerdict[], ctx: AutoMarkContext): AutoMarkResult {
  const next = marks.map((m) => ({ ...m }));
  const added: string[] = [];
  const skipped: AutoMarkResult['skipped'] = [];

  for (const verdict of verdicts) {
    if (faceLabel(verdict, ctx.rules) !== 'named') {
      const candidate = verdict.studentId ?? verdict.candidateId;
      if (candidate !== null) skipped.push({ studentId: candidate, reason: 'low-confidence' });
      continue;
    }
    const studentId = verdict.studentId!;
    const i = indexOfMark(next, studentId);
    const existing = i >= 0 ? next[i]! : undefined;
    if (existing?.source === 'manual') {
      skipped.push({ studentId, reason: 'manual-mark' });
    } else if (existing && existing.status !== 'absent') {
      existing.confidence = Math.max(existing.confidence ?? 0, verdict.confidence);
      // A mark pulled from another phone names none of this phone's faces: this face is the first it knows of.
      if (verdict.face !== undefined && !existing.evidence?.some((e) => e.face === verdict.face)) {
        existing.evidence = [...(existing.evidence ?? []), evidenceOf(verdict, ctx.at)];
      }
      skipped.push({ studentId, reason: 'already-marked' });
    } else {
      const mark: Mark = {
        studentId,
        status: statusOnArrival(ctx.startsAt, ctx.at, ctx.rules.lateAfterMinutes),
        source: 'auto',
        confidence: verdict.confidence,
        markedAt: ctx.at,
        ...(verdict.liveness !== undefined ? { liveness: verdict.liveness } : {}),
        ...(verdict.face !== undefined ? { evidence: [evidenceOf(verdict, ctx.at)] } : {}),
      };
      if (existing) next[i] = mark;
      else next.push(mark);
      added.push(studentId);
    }
  }
  return { marks: next, added, skipped };
}

function evidenceOf(verdict: FaceVerdict, at: string): MarkEvidence {
  return { face: verdict.face!, confidence: verdict.confidence, at };
}

export interface RejectFaceContext {
  /** When the session started, for the late cut-off of what remains. */
  startsAt: string;
  rules: AttendanceRules;
}

/**
 * "This face is not X": takes back only what rested on that face. X's
 * automatic mark stays while another face still shows X (its time, status
 * and confidence then come from what is left); it goes when that face was
 * all it rested on. A manual mark stays: a person decided it, and so does
 * an automatic mark that names none of this phone's faces (another phone's
 * sighting, pulled): what this face says takes nothing from it.
 */
export function rejectFace(marks: readonly Mark[], studentId: string, face: string, ctx: RejectFaceContext): Mark[] {
  const i = indexOfMark(marks, studentId);
  const mark = i >= 0 ? marks[i]! : undefined;
  if (!mark || mark.source === 'manual' || mark.status === 'absent') return [...marks];
  if (!mark.evidence) return [...marks];
  const left = mark.evidence.filter((e) => e.face !== face);
  if (left.length === mark.evidence.length) return [...marks];
  // A mark timed by none of its faces came from a sighting elsewhere (another phone's), which still stands.
  if (left.length === 0) return mark.evidence.some((e) => e.at === mark.markedAt) ? clearMark(marks, studentId) : marks.map((m, j) => (j === i ? { ...mark, evidence: [] } : m));
  const first = left.reduce((a, b) => (b.at < a.at ? b : a));
  const kept: Mark = {
    ...mark,
    evidence: left,
    confidence: Math.max(...left.map((e) => e.confidence)),
    markedAt: first.at,
    status: statusOnArrival(ctx.startsAt, first.at, ctx.rules.lateAfterMinutes),
  };
  return marks.map((m, j) => (j === i ? kept : m));
}

/** A person's mark: replaces whatever the student had, and recognition will not change it. */
export function setManualMark(marks: readonly Mark[], studentId: string, status: AttendanceStatus, at: string): Mark[] {
  const mark: Mark = { studentId, status, source: 'manual', confidence: null, markedAt: at };
  const i = indexOfMark(marks, studentId);
  if (i < 0) return [...marks, mark];
  return marks.flatMap((m, j) => (j === i ? [mark] : m.studentId === studentId ? [] : [m]));
}

export interface ClearMarkOptions {
  /**
   * Also remove a manual mark. Leave false for a "not this student" correction
   * in photo review, which is about what recognition got wrong and so must not
   * undo what a person decided; set true when a person clears the student's
   * mark directly (back to unmarked).
   */
  includeManual?: boolean;
}

/**
 * Removes a student's automatic mark, e.g. after "this face is not X". The
 * student is then unmarked (and absent when the session is finalised) until
 * seen again or marked by hand; storing the face as a negative for X is what
 * keeps the next photo from marking X again.
 */
export function clearMark(marks: readonly Mark[], studentId: string, options: ClearMarkOptions = {}): Mark[] {
  return marks.filter((m) => m.studentId !== studentId || (m.source === 'manual' && !options.includeManual));
}

/**
 * The marks a finished session is saved with: exactly one per roster student,
 * in roster order. Students not seen and not marked are 'absent' (automatic,
 * so a later photo or a person can still change it); marks of students no
 * longer on the roster are dropped.
 */
export function finaliseMarks(rosterIds: readonly string[], marks: readonly Mark[], at: string): Mark[] {
  const out: Mark[] = [];
  const done = new Set<string>();
  for (const studentId of rosterIds) {
    if (done.has(studentId)) continue;
    done.add(studentId);
    const i = indexOfMark(marks, studentId);
    out.push(i >= 0 ? { ...marks[i]! } : { studentId, status: 'absent', source: 'auto', confidence: null, markedAt: at });
  }
  return out;
}

/**
 * How a face is labelled for the teacher: 'named' when it would be marked,
 * 'low-confidence' when the recogniser accepted it as someone but not surely
 * enough to mark ("Priya? 72%"), 'unknown' when it accepted it as no one.
 * A face the recogniser rejected is a stranger until a person says who it
 * is: showing its nearest student's name would put a "Yes" one tap away
 * from marking the wrong child.
 */
export function faceLabel(verdict: FaceVerdict, rules: AttendanceRules): FaceLabelKind {
  if (verdict.studentId === null) return 'unknown';
  return verdict.confidence >= rules.autoMarkConfidence ? 'named' : 'low-confidence';
}

export interface StatusCounts {
  present: number;
  late: number;
  absent: number;
  excused: number;
  /** Roster students with no mark yet; present only when a roster was given. */
  unmarked?: number;
}

/**
 * Counts for a session header ("18 present · 2 late · 3 to go"). With a roster,
 * marks of students not on it are left out and the students without a mark are
 * counted as `unmarked`.
 */
export function countStatuses(marks: readonly Mark[], rosterIds?: readonly string[]): StatusCounts {
  const counts: StatusCounts = { present: 0, late: 0, absent: 0, excused: 0 };
  const roster = rosterIds ? new Set(rosterIds) : null;
  const counted = new Set<string>();
  for (const m of marks) {
    if (counted.has(m.studentId) || (roster && !roster.has(m.studentId))) continue;
    counted.add(m.studentId);
    counts[markOf(marks, m.studentId).status]++;
  }
  if (roster) counts.unmarked = roster.size - counted.size;
  return counts;
}

/**
 * The index of a student's mark. The functions here never leave two marks for
 * one student, but marks merged from two devices might; then the manual one is
 * the student's mark, or else the first.
 */
function indexOfMark(marks: readonly Mark[], studentId: string): number {
  const manual = marks.findIndex((m) => m.studentId === studentId && m.source === 'manual');
  return manual >= 0 ? manual : marks.findIndex((m) => m.studentId === studentId);
}

function markOf(marks: readonly Mark[], studentId: string): Mark {
  return marks[indexOfMark(marks, studentId)]!;
}
