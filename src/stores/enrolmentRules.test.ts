import { describe, expect, it } from 'vitest';
import type { Face, Quality } from '@/ml/types';
import { checkEnrolmentConsent, checkEnrolmentFace, matchFolderToStudent } from './enrolmentRules';

const students = [
  { rollNo: '2', fullName: 'Priya Shah' },
  { rollNo: '12', fullName: 'José Núñez' },
  { rollNo: '7A', fullName: 'Sam Lee' },
  { rollNo: '8', fullName: 'Sam Lee' },
];

const good: Quality = { sizePx: 120, sharpness: 60, brightness: 120, yaw: 2, pitch: 1, roll: 0, ok: true, issues: [] };
const face = (quality: Partial<Quality> = {}, descriptor: number[] | undefined = [0.1, 0.2]): Face => ({
  box: { x: 0, y: 0, width: 100, height: 100 },
  score: 0.9,
  landmarks: [],
  quality: { ...good, ...quality },
  descriptor,
});

describe('which student a folder of photos belongs to', () => {
  it('matches a roll number, with or without a name or a "Roll" prefix', () => {
    expect(matchFolderToStudent('12', students)?.fullName).toBe('José Núñez');
    expect(matchFolderToStudent('Roll-12', students)?.fullName).toBe('José Núñez');
    expect(matchFolderToStudent('2 - Priya Shah', students)?.fullName).toBe('Priya Shah');
    expect(matchFolderToStudent('7a', students)?.rollNo).toBe('7A');
  });

  it('matches a full name regardless of case and accents, but never guesses between two students', () => {
    expect(matchFolderToStudent('jose nunez', students)?.rollNo).toBe('12');
    expect(matchFolderToStudent('PRIYA_SHAH', students)?.rollNo).toBe('2');
    expect(matchFolderToStudent('Sam Lee', students)).toBeNull();
    expect(matchFolderToStudent('Nobody', students)).toBeNull();
    expect(matchFolderToStudent('', students)).toBeNull();
  });
});

describe('whether a photo can be enrolled', () => {
  it('takes exactly one good face', () => {
    expect(checkEnrolmentFace([face()])).toBeNull();
  });

  it('refuses no face, two faces and poor quality, saying why', () => {
    expect(checkEnrolmentFace([])?.kind).toBe('no-face');
    expect(checkEnrolmentFace([face(), face()])).toMatchObject({ kind: 'several-faces', message: expect.stringContaining('2 faces') });
    const dark = checkEnrolmentFace([face({ ok: false, issues: ['too-dark', 'blurry'] })]);
    expect(dark?.kind).toBe('poor-quality');
    expect(dark?.message).toMatch(/too dark.*blurred/);
    expect(checkEnrolmentFace([{ ...face(), descriptor: undefined }])?.kind).toBe('no-face');
  });
});

describe('consent before enrolment', () => {
  it('refuses photos of a student without consent in force, saying what to do', () => {
    expect(checkEnrolmentConsent({ fullName: 'Ana Lima' }, 'given')).toBeNull();
    expect(checkEnrolmentConsent({ fullName: 'Ana Lima' }, 'none')).toMatchObject({ kind: 'no-consent', message: expect.stringMatching(/No consent is recorded for Ana Lima’s face data.*Record the guardian’s consent first/) });
    expect(checkEnrolmentConsent({ fullName: 'Ana Lima' }, 'withdrawn')?.message).toMatch(/was withdrawn/);
  });
});
