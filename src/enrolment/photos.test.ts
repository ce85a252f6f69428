import { describe, expect, it } from 'vitest';
import { DEFAULT_LOOKALIKE_THRESHOLD } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import { euclidean } from '@/ml/geometry';
import type { Face, Quality } from '@/ml/types';
import { checkEnrolmentConsent, checkEnrolmentFace, doubtAboutPhoto, doubtBadge, doubtQuestion, doubtSummary, judgeNewPhotos, matchFolderToStudent } from './photos';

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

describe('whether a new photo looks like the student it is added to', () => {
  // Photos of one person sit about 0.4 apart, different people about 1.0 (see syntheticFaces.ts).
  const people = syntheticPeople({ classes: 3, perClass: 3, seed: 11 });
  const photos = (label: string) => people.samples.filter((s) => s.label === label).map((s) => Array.from(s.descriptor));
  const classmates = (except: string) => people.samples.filter((s) => s.label !== except).map((s) => ({ studentId: s.label, descriptor: Array.from(s.descriptor) }));
  const [newOfP0] = people.draw(0, 1) as [number[]];
  const [newOfP1] = people.draw(1, 1) as [number[]];
  const [stranger] = people.draw(9, 1) as [number[]];

  it('a classmate’s photo, or a copy of one of their enrolment photos, looks like that classmate', () => {
    expect(doubtAboutPhoto(newOfP1, photos('p0'), classmates('p0'))).toMatchObject({ kind: 'looks-like', otherStudentId: 'p1' });
    expect(doubtAboutPhoto(photos('p2')[0]!, photos('p0'), classmates('p0'))).toMatchObject({ kind: 'looks-like', otherStudentId: 'p2' });
  });

  it('another photo of the student is not doubtful', () => {
    expect(doubtAboutPhoto(newOfP0, photos('p0'), classmates('p0'))).toBeNull();
  });

  it('a first photo is doubtful only when it looks like a classmate', () => {
    expect(doubtAboutPhoto(newOfP0, [], classmates('p0'))).toBeNull();
    expect(doubtAboutPhoto(newOfP1, [], classmates('p0'))).toMatchObject({ kind: 'looks-like', otherStudentId: 'p1' });
  });

  it('a face unlike the student’s photos and nobody else’s is doubtful as unlike', () => {
    expect(doubtAboutPhoto(stranger, photos('p0'), classmates('p0'))).toMatchObject({ kind: 'unlike' });
    expect(doubtAboutPhoto(stranger, photos('p0'), [])).toMatchObject({ kind: 'unlike' });
  });

  it('a look-alike classmate does not make a photo doubtful when it is nearer the student’s own photos', () => {
    const own = photos('p0');
    const nearest = [...own].sort((a, b) => euclidean(a, newOfP0) - euclidean(b, newOfP0))[0]!;
    const ownNearest = euclidean(nearest, newOfP0);
    // On the far side of the new photo from its nearest own photo, a little further away than that photo.
    const twin = [{ studentId: 'twin', descriptor: newOfP0.map((v, i) => v - (nearest[i]! - v) * 1.1) }];
    expect(euclidean(twin[0]!.descriptor, newOfP0)).toBeGreaterThan(ownNearest);
    expect(euclidean(twin[0]!.descriptor, newOfP0)).toBeLessThan(DEFAULT_LOOKALIKE_THRESHOLD);
    expect(doubtAboutPhoto(newOfP0, own, twin)).toBeNull();
  });

  it('ignores descriptors of another length or with holes, rather than calling them near', () => {
    expect(doubtAboutPhoto(newOfP0, photos('p0'), [{ studentId: 'p1', descriptor: [0.1, 0.2] }, { studentId: 'p1', descriptor: newOfP0.map(() => NaN) }])).toBeNull();
  });
});

describe('what the teacher is asked and told about a doubtful photo', () => {
  it('names both students in the question, and the other in the badge', () => {
    const doubt = { kind: 'looks-like' as const, otherStudentId: 'p', distance: 0.2 };
    expect(doubtQuestion(doubt, 'Howard Wu', 'Penny Hill')).toBe('This looks like Penny Hill, not Howard Wu. Keep it anyway?');
    expect(doubtBadge(doubt, 'Howard Wu', 'Penny Hill')).toBe('Doubtful: looks like Penny Hill');
    expect(doubtBadge(doubt, 'Howard Wu', null)).toBe('Doubtful: looks like another student');
  });

  it('says when a photo looks unlike the student', () => {
    const doubt = { kind: 'unlike' as const, distance: 0.9 };
    expect(doubtQuestion(doubt, 'Howard Wu', null)).toBe('This looks unlike Howard Wu’s other photos. Keep it anyway?');
    expect(doubtBadge(doubt, 'Howard Wu', null)).toBe('Doubtful: unlike Howard Wu’s other photos');
  });

  it('sums up a folder’s doubtful photos in one line', () => {
    expect(doubtSummary([])).toBe('');
    expect(doubtSummary(['looks-like'])).toBe('1 photo looks like another student: not kept — review it below.');
    expect(doubtSummary(['looks-like', 'looks-like', 'looks-like'])).toBe('3 photos look like other students: not kept — review them below.');
    expect(doubtSummary(['looks-like', 'unlike', 'looks-like'])).toBe('2 photos look like other students and 1 looks unlike its student’s other photos: not kept — review them below.');
    expect(doubtSummary(['unlike', 'unlike'])).toBe('2 photos look unlike their student’s other photos: not kept — review them below.');
  });
});

describe('a folder of new photos, judged together', () => {
  const people = syntheticPeople({ classes: 3, perClass: 3, seed: 12 });
  const photos = (label: string) => people.samples.filter((s) => s.label === label).map((s) => Array.from(s.descriptor));

  it('a classmate’s photo in a student’s folder looks like the classmate, whichever folder is read first', () => {
    const [h1, h2, h3] = photos('p0') as [number[], number[], number[]];
    const [p1, p2, p3] = photos('p1') as [number[], number[], number[]];
    const newPhotos = [
      { studentId: 'howard', descriptor: p3 },
      { studentId: 'howard', descriptor: h1 },
      { studentId: 'howard', descriptor: h2 },
      { studentId: 'howard', descriptor: h3 },
      { studentId: 'penny', descriptor: p1 },
      { studentId: 'penny', descriptor: p2 },
    ];
    const doubts = judgeNewPhotos(newPhotos, []);
    expect(doubts[0]).toMatchObject({ kind: 'looks-like', otherStudentId: 'penny' });
    expect(doubts.slice(1)).toEqual([null, null, null, null, null]);
  });

  it('weighs the photos already enrolled as well', () => {
    const [h1, h2] = photos('p0') as [number[], number[]];
    const [p1, p2, p3] = photos('p1') as [number[], number[], number[]];
    const stored = [{ studentId: 'penny', descriptor: p1 }, { studentId: 'penny', descriptor: p2 }, { studentId: 'howard', descriptor: h1 }];
    expect(judgeNewPhotos([{ studentId: 'howard', descriptor: p3 }, { studentId: 'howard', descriptor: h2 }], stored)).toEqual([
      expect.objectContaining({ kind: 'looks-like', otherStudentId: 'penny' }),
      null,
    ]);
  });
});
