import { describe, expect, it } from 'vitest';
import { finaliseMarks, setManualMark, applyAutoMarks } from './marks';
import { isReviewMark, markOrigin, markOriginLabel, markOriginWords, NAME_NOT_RECORDED, SOMEONE_AT_SCHOOL, takenByName, teacherNameFor } from './origin';
import { DEFAULT_RULES } from './types';

const AT = '2026-03-04T09:00:00.000Z';

describe('markOrigin', () => {
  it('tells the camera, a teacher and the absence Finish gives apart, from marks the rules made', () => {
    const seen = applyAutoMarks([], [{ studentId: 'ana', candidateId: 'ana', confidence: 0.93 }], { startsAt: AT, at: AT, rules: DEFAULT_RULES }).marks;
    const marked = setManualMark(seen, 'ben', 'late', AT);
    const [ana, ben, cleo] = finaliseMarks(['ana', 'ben', 'cleo'], marked, AT);
    expect(markOrigin(ana!)).toBe('camera');
    expect(markOrigin(ben!)).toBe('teacher');
    expect(markOrigin(cleo!)).toBe('not-seen');
    expect([ana, ben, cleo].map((m) => markOriginLabel(m!))).toEqual(['Camera', 'Teacher', 'Finish: not seen']);
  });

  it('says a reviewer corrected the mark, and why when the server says', () => {
    const review = { status: 'excused', source: 'manual', confidence: null };
    expect(markOriginLabel({ ...review, device: 'server:dispute' })).toBe('Dispute');
    expect(markOriginLabel({ ...review, device: 'server:excuse' })).toBe('Excuse');
    expect(markOriginLabel({ ...review, device: 'server' })).toBe('Review');
    expect(markOriginLabel({ ...review, device: 'server:something-new' })).toBe('Review');
    expect(isReviewMark({ ...review, device: 'server:excuse' })).toBe(true);
  });

  it('counts a phone whose id only starts with "server" as a teacher, and a missing device as a teacher', () => {
    const manual = { status: 'present', source: 'manual', confidence: null };
    expect(markOrigin({ ...manual, device: 'serverroom-tablet' })).toBe('teacher');
    expect(markOrigin({ ...manual, device: 'device-1a2b3c4d' })).toBe('teacher');
    expect(markOrigin(manual)).toBe('teacher');
    expect(isReviewMark({ ...manual, device: 'device-1a2b3c4d' })).toBe(false);
  });

  it('never calls an automatic absence the camera, even with a confidence', () => {
    expect(markOrigin({ status: 'absent', source: 'auto', confidence: 0.4 })).toBe('not-seen');
    expect(markOrigin({ status: 'late', source: 'auto', confidence: 0.81 })).toBe('camera');
  });
});

describe('takenByName', () => {
  const me = { id: '0b6c1a2e-3f4d-4c5b-9a8e-7d6c5b4a3f2e', name: 'Priya Rao' };

  it('shows the name a phone recorded as it is', () => {
    expect(takenByName('Ms Okafor', me)).toBe('Ms Okafor');
    expect(takenByName('  Ms Okafor ', null)).toBe('Ms Okafor');
  });

  it('turns an account id from the server into the signed-in teacher’s name, and never shows anyone’s id', () => {
    expect(takenByName(me.id, me)).toBe('Priya Rao');
    expect(takenByName(me.id.toUpperCase(), me)).toBe('Priya Rao');
    expect(takenByName('9a9a9a9a-1111-4222-8333-444455556666', me)).toBe(SOMEONE_AT_SCHOOL);
    expect(takenByName(me.id, null)).toBe(SOMEONE_AT_SCHOOL);
  });

  it('says “You” for the signed-in teacher’s own sessions when their account has no name', () => {
    expect(takenByName(me.id, { id: me.id, name: ' ' })).toBe('You');
  });

  it('says the name was not recorded for sessions that stored only the word Teacher, or nothing', () => {
    expect(takenByName('Teacher')).toBe(NAME_NOT_RECORDED);
    expect(takenByName('')).toBe(NAME_NOT_RECORDED);
    expect(takenByName(null)).toBe(NAME_NOT_RECORDED);
  });

  it('names the kiosk', () => {
    expect(takenByName('Kiosk')).toBe('Self check-in kiosk');
  });
});

describe('teacherNameFor', () => {
  it('takes the signed-in account’s name first, then the phone’s, and asks when there is neither', () => {
    expect(teacherNameFor('Priya Rao', 'Ms R')).toBe('Priya Rao');
    expect(teacherNameFor(undefined, ' Ms R ')).toBe('Ms R');
    expect(teacherNameFor('', '')).toBe('');
  });
});

describe('markOriginWords', () => {
  it('tells a family who decided the mark, and never calls Finish’s absence the camera’s', () => {
    expect(markOriginWords({ status: 'absent', source: 'auto', confidence: null })).toBe('Not seen when the teacher finished the register');
    expect(markOriginWords({ status: 'present', source: 'auto', confidence: 0.93 })).toBe('Recognised by the camera');
    expect(markOriginWords({ status: 'excused', source: 'manual', confidence: null, device: 'server:excuse' })).toBe('Excused by the teacher after a message');
    expect(markOriginWords({ status: 'late', source: 'manual', confidence: null, device: 'phone-1' })).toBe('Marked by the teacher');
  });
});
