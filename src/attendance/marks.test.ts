import { describe, expect, it } from 'vitest';
import { applyAutoMarks, clearMark, countStatuses, faceLabel, finaliseMarks, rejectFace, setManualMark } from './marks';
import { DEFAULT_RULES, isLowLiveness, LOW_LIVENESS, type FaceVerdict, type Mark } from './types';

const startsAt = '2026-11-20T08:00:00.000Z';
const onTime = '2026-11-20T08:02:00.000Z';
const later = '2026-11-20T08:30:00.000Z';
const rules = { lateAfterMinutes: 10, autoMarkConfidence: 0.8 };

function seen(studentId: string, confidence = 0.95): FaceVerdict {
  return { studentId, candidateId: studentId, confidence };
}
const stranger: FaceVerdict = { studentId: null, candidateId: null, confidence: 0.2 };

function photo(marks: readonly Mark[], verdicts: FaceVerdict[], at = onTime) {
  return applyAutoMarks(marks, verdicts, { startsAt, at, rules });
}

describe('applyAutoMarks', () => {
  it('marks each confidently recognised student once, present or late by the photo time', () => {
    const first = photo([], [seen('asha', 0.9), seen('ben', 0.85), stranger]);
    expect(first.added).toEqual(['asha', 'ben']);
    expect(first.marks).toEqual([
      { studentId: 'asha', status: 'present', source: 'auto', confidence: 0.9, markedAt: onTime },
      { studentId: 'ben', status: 'present', source: 'auto', confidence: 0.85, markedAt: onTime },
    ]);
    expect(first.skipped).toEqual([]);

    const second = photo(first.marks, [seen('chen')], later);
    expect(second.marks[2]).toEqual({ studentId: 'chen', status: 'late', source: 'auto', confidence: 0.95, markedAt: later });
  });

  it('makes one mark for a student in two photos, keeping the first sighting and the highest confidence', () => {
    const first = photo([], [seen('asha', 0.82)], onTime);
    const second = photo(first.marks, [seen('asha', 0.97)], later);
    expect(second.marks).toEqual([{ studentId: 'asha', status: 'present', source: 'auto', confidence: 0.97, markedAt: onTime }]);
    expect(second.added).toEqual([]);
    expect(second.skipped).toEqual([{ studentId: 'asha', reason: 'already-marked' }]);
  });

  it('keeps a student first seen late as late when a later photo would say present', () => {
    // Photos can be processed out of order; the first one given is the first sighting.
    const late = photo([], [seen('asha', 0.9)], later);
    const again = photo(late.marks, [seen('asha', 0.8)], onTime);
    expect(again.marks).toEqual([{ studentId: 'asha', status: 'late', source: 'auto', confidence: 0.9, markedAt: later }]);
  });

  it('makes one mark when one photo names a student twice', () => {
    const result = photo([], [seen('asha', 0.85), seen('asha', 0.9)]);
    expect(result.marks).toHaveLength(1);
    expect(result.marks[0]!.confidence).toBe(0.9);
    expect(result.added).toEqual(['asha']);
  });

  it('marks nobody for low-confidence or rejected faces, and says who they might have been', () => {
    const result = photo([], [seen('asha', 0.79), { studentId: null, candidateId: 'ben', confidence: 0.6 }, stranger]);
    expect(result.marks).toEqual([]);
    expect(result.added).toEqual([]);
    expect(result.skipped).toEqual([
      { studentId: 'asha', reason: 'low-confidence' },
      { studentId: 'ben', reason: 'low-confidence' },
    ]);
  });

  it('marks at exactly the confidence threshold', () => {
    expect(photo([], [seen('asha', 0.8)]).added).toEqual(['asha']);
  });

  it('never changes a manual mark', () => {
    const manual = setManualMark([], 'asha', 'excused', onTime);
    const result = photo(manual, [seen('asha', 0.99)], later);
    expect(result.marks).toEqual([{ studentId: 'asha', status: 'excused', source: 'manual', confidence: null, markedAt: onTime }]);
    expect(result.skipped).toEqual([{ studentId: 'asha', reason: 'manual-mark' }]);
  });

  it('replaces an automatic absence when the student is seen after all', () => {
    const absent = finaliseMarks(['asha'], [], onTime);
    const result = photo(absent, [seen('asha', 0.9)], later);
    expect(result.marks).toEqual([{ studentId: 'asha', status: 'late', source: 'auto', confidence: 0.9, markedAt: later }]);
    expect(result.added).toEqual(['asha']);
  });

  it('does not change the marks it was given', () => {
    const marks: Mark[] = [{ studentId: 'asha', status: 'present', source: 'auto', confidence: 0.81, markedAt: onTime }];
    const frozen = structuredClone(marks);
    const result = photo(marks, [seen('asha', 0.99), seen('ben')]);
    expect(marks).toEqual(frozen);
    expect(result.marks).not.toBe(marks);
    expect(result.marks[0]!.confidence).toBe(0.99);
  });
});

describe('setManualMark', () => {
  it('wins over an automatic mark made before it', () => {
    const auto = photo([], [seen('asha'), seen('ben')]).marks;
    const marks = setManualMark(auto, 'asha', 'absent', later);
    expect(marks).toEqual([
      { studentId: 'asha', status: 'absent', source: 'manual', confidence: null, markedAt: later },
      auto[1],
    ]);
  });

  it('wins over an automatic mark attempted after it', () => {
    const manual = setManualMark([], 'asha', 'absent', onTime);
    const afterPhoto = photo(manual, [seen('asha', 0.99)], later).marks;
    expect(afterPhoto).toEqual(manual);
  });

  it('replaces an earlier manual mark and leaves one mark', () => {
    const once = setManualMark([], 'asha', 'late', onTime);
    const twice = setManualMark(once, 'asha', 'present', later);
    expect(twice).toEqual([{ studentId: 'asha', status: 'present', source: 'manual', confidence: null, markedAt: later }]);
  });

  it('collapses duplicate marks merged from two devices into the one it sets', () => {
    const merged: Mark[] = [
      { studentId: 'asha', status: 'present', source: 'auto', confidence: 0.9, markedAt: onTime },
      { studentId: 'ben', status: 'present', source: 'auto', confidence: 0.9, markedAt: onTime },
      { studentId: 'asha', status: 'late', source: 'auto', confidence: 0.9, markedAt: later },
    ];
    const marks = setManualMark(merged, 'asha', 'excused', later);
    expect(marks.map((m) => [m.studentId, m.status])).toEqual([
      ['asha', 'excused'],
      ['ben', 'present'],
    ]);
  });
});

describe('clearMark', () => {
  const auto = photo([], [seen('asha'), seen('ben')]).marks;

  it('removes an automatic mark after "not this student"', () => {
    expect(clearMark(auto, 'asha').map((m) => m.studentId)).toEqual(['ben']);
  });

  it('keeps a manual mark unless asked to clear it too', () => {
    const marks = setManualMark(auto, 'asha', 'present', later);
    expect(clearMark(marks, 'asha')).toEqual(marks);
    expect(clearMark(marks, 'asha', { includeManual: true }).map((m) => m.studentId)).toEqual(['ben']);
  });

  it('leaves the student unmarked, so finalising makes them absent', () => {
    const finalised = finaliseMarks(['asha', 'ben'], clearMark(auto, 'asha'), later);
    expect(finalised[0]).toEqual({ studentId: 'asha', status: 'absent', source: 'auto', confidence: null, markedAt: later });
  });
});

describe('finaliseMarks', () => {
  it('gives exactly one mark per roster student, in roster order, absent when unmarked', () => {
    let marks = photo([], [seen('chen'), seen('asha')]).marks;
    marks = setManualMark(marks, 'dev', 'excused', onTime);
    const finalised = finaliseMarks(['asha', 'ben', 'chen', 'dev'], marks, later);
    expect(finalised.map((m) => [m.studentId, m.status, m.source])).toEqual([
      ['asha', 'present', 'auto'],
      ['ben', 'absent', 'auto'],
      ['chen', 'present', 'auto'],
      ['dev', 'excused', 'manual'],
    ]);
    expect(finalised[1]).toEqual({ studentId: 'ben', status: 'absent', source: 'auto', confidence: null, markedAt: later });
  });

  it('never duplicates, even when finalised twice or given a repeated roster id', () => {
    const once = finaliseMarks(['asha', 'ben'], photo([], [seen('asha')]).marks, onTime);
    const twice = finaliseMarks(['asha', 'ben', 'asha'], once, later);
    expect(twice).toEqual(once);
  });

  it('drops marks of students who are no longer on the roster', () => {
    const marks = photo([], [seen('asha'), seen('left-school')]).marks;
    expect(finaliseMarks(['asha'], marks, later).map((m) => m.studentId)).toEqual(['asha']);
  });

  it('keeps the manual mark when two devices left two marks for one student', () => {
    const merged: Mark[] = [
      { studentId: 'asha', status: 'present', source: 'auto', confidence: 0.9, markedAt: onTime },
      { studentId: 'asha', status: 'excused', source: 'manual', confidence: null, markedAt: later },
    ];
    expect(finaliseMarks(['asha'], merged, later)).toEqual([merged[1]]);
  });
});

describe('rejectFace', () => {
  const face = (studentId: string, key: string, confidence = 0.95): FaceVerdict => ({ ...seen(studentId, confidence), face: key });
  const ctx = { startsAt, rules };

  it('keeps a mark that a second, rejected face never made (a stranger labelled "Leonard? 4%")', () => {
    const first = photo([], [face('leonard', 'p1-0', 0.98)]);
    // The stranger's face in the second photo names nobody, so it adds no evidence to Leonard's mark.
    const second = photo(first.marks, [{ studentId: null, candidateId: 'leonard', confidence: 0.04, face: 'p2-0' }], later);
    const after = rejectFace(second.marks, 'leonard', 'p2-0', ctx);
    expect(after).toEqual(first.marks);
    expect(finaliseMarks(['leonard'], after, later)[0]).toMatchObject({ status: 'present', source: 'auto' });
  });

  it('takes back only the rejected face when another face still shows the student, with time and status from what is left', () => {
    const first = photo([], [face('asha', 'p1-3', 0.9)], onTime);
    const second = photo(first.marks, [face('asha', 'p2-1', 0.97)], later);
    expect(second.marks[0]!.evidence!.map((e) => e.face)).toEqual(['p1-3', 'p2-1']);
    const after = rejectFace(second.marks, 'asha', 'p1-3', ctx);
    expect(after).toEqual([{ studentId: 'asha', status: 'late', source: 'auto', confidence: 0.97, markedAt: later, evidence: [{ face: 'p2-1', confidence: 0.97, at: later }] }]);
  });

  it('clears a mark that rested on that face alone, and leaves manual marks and other students as they are', () => {
    const marks = [...photo([], [face('asha', 'p1-0'), face('ben', 'p1-1')]).marks, { studentId: 'chen', status: 'present' as const, source: 'manual' as const, confidence: null, markedAt: onTime }];
    expect(rejectFace(marks, 'asha', 'p1-0', ctx).map((m) => m.studentId)).toEqual(['ben', 'chen']);
    expect(rejectFace(marks, 'chen', 'p1-2', ctx)).toEqual(marks);
  });

  it("keeps an automatic mark that names none of this phone's faces (another phone's sighting, pulled)", () => {
    const pulled = photo([], [seen('asha')]).marks;
    expect(rejectFace(pulled, 'asha', 'p9-0', ctx)).toEqual(pulled);
    // A face here that names her again is the first this phone knows of; rejecting it leaves the other phone's sighting.
    const again = photo(pulled, [face('asha', 'p9-0')], later).marks;
    expect(again[0]!.evidence).toEqual([{ face: 'p9-0', confidence: 0.95, at: later }]);
    expect(rejectFace(again, 'asha', 'p9-0', ctx)).toEqual([{ ...pulled[0]!, evidence: [] }]);
  });
});

describe('faceLabel', () => {
  it('names a face only at or above the auto-mark confidence', () => {
    expect(faceLabel(seen('asha', 0.8), DEFAULT_RULES)).toBe('named');
    expect(faceLabel(seen('asha', 0.79), DEFAULT_RULES)).toBe('low-confidence');
  });

  it('calls a face the recogniser rejected unknown, whoever its nearest student was and however close', () => {
    // A stranger's nearest student is only the least unlike: naming them puts a wrong "Yes" one tap away.
    expect(faceLabel({ studentId: null, candidateId: 'asha', confidence: 0.66 }, DEFAULT_RULES)).toBe('unknown');
    expect(faceLabel({ studentId: null, candidateId: 'asha', confidence: 0.95 }, DEFAULT_RULES)).toBe('unknown');
    expect(faceLabel(stranger, DEFAULT_RULES)).toBe('unknown');
  });

  it('follows the rules it is given', () => {
    expect(faceLabel(seen('asha', 0.7), { ...DEFAULT_RULES, autoMarkConfidence: 0.6 })).toBe('named');
  });
});

describe('countStatuses', () => {
  const marks: Mark[] = [
    ...photo([], [seen('asha'), seen('ben')]).marks,
    ...photo([], [seen('chen')], later).marks,
    { studentId: 'dev', status: 'excused', source: 'manual', confidence: null, markedAt: onTime },
    { studentId: 'eli', status: 'absent', source: 'manual', confidence: null, markedAt: onTime },
  ];

  it('counts each status', () => {
    expect(countStatuses(marks)).toEqual({ present: 2, late: 1, absent: 1, excused: 1 });
  });

  it('with a roster, counts the unmarked and ignores marks of others', () => {
    expect(countStatuses(marks, ['asha', 'chen', 'fay', 'gus'])).toEqual({ present: 1, late: 1, absent: 0, excused: 0, unmarked: 2 });
  });

  it('counts a student with two marks once, by the manual one', () => {
    const merged: Mark[] = [marks[0]!, { ...marks[0]!, status: 'excused', source: 'manual', confidence: null }];
    expect(countStatuses(merged)).toEqual({ present: 0, late: 0, absent: 0, excused: 1 });
  });
});

describe('liveness', () => {
  it('is kept on the mark a sighting makes, and a later sighting does not change it', () => {
    const first = photo([], [{ ...seen('asha'), liveness: 0.12 }, seen('ben')]);
    expect(first.marks[0]).toMatchObject({ studentId: 'asha', liveness: 0.12 });
    expect(first.marks[1]).not.toHaveProperty('liveness');
    const again = photo(first.marks, [{ ...seen('asha', 0.99), liveness: 0.9 }], later);
    expect(again.marks[0]).toMatchObject({ liveness: 0.12, confidence: 0.99 });
  });

  it('is low only when a score was taken and is under the threshold', () => {
    expect(isLowLiveness(undefined)).toBe(false);
    expect(isLowLiveness(null)).toBe(false);
    expect(isLowLiveness(LOW_LIVENESS - 0.01)).toBe(true);
    expect(isLowLiveness(LOW_LIVENESS)).toBe(false);
  });
});
