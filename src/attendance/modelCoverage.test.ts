import { describe, expect, it } from 'vitest';
import { decideActivation } from '@/ml/classifier/versioning';
import { explainVersion, listWords, missingReasonWords, shortNames, studentsMissingFromModel, unmarkedMissing, type CoverageInput, type VersionFacts } from './modelCoverage';

const roster = [
  { id: 'ana', fullName: 'Ana Lima' },
  { id: 'bea', fullName: 'Bea Costa' },
  { id: 'howard', fullName: 'Howard Wolowitz' },
  { id: 'raj', fullName: 'Raj Koothrappali' },
  { id: 'eli', fullName: 'Eli Park' },
];

const version = (id: string, createdAt: string, status: VersionFacts['status'], students: string[] | null, extra: Partial<VersionFacts> = {}): VersionFacts => ({
  id,
  createdAt,
  status,
  statusReason: status === 'active' ? 'first model for this class' : 'trained',
  accuracy: 0.97,
  students,
  photos: students && new Map(students.map((s) => [s, 3])),
  ...extra,
});

const input = (over: Partial<CoverageInput>): CoverageInput => ({
  roster,
  photos: new Map([['ana', 3], ['bea', 3], ['howard', 3], ['raj', 3]]),
  versions: [],
  retrainPending: false,
  minPhotos: 2,
  ...over,
});

describe('studentsMissingFromModel', () => {
  it('names nobody when the model in use knows every enrolled student, and quietly the ones never enrolled', () => {
    const missing = studentsMissingFromModel(input({ versions: [version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea', 'howard', 'raj'])] }));
    expect(missing).toEqual([{ studentId: 'eli', fullName: 'Eli Park', shortName: 'Eli P.', reason: 'no photos', photos: 0, photosNeeded: 2 }]);
  });

  it('says a student was rolled back when a newer version knew them and was not used', () => {
    const rejected = decideActivation({ id: 'v2', accuracy: 0.93 }, { id: 'v1', accuracy: 0.97 });
    expect(rejected.activate).toBe(false);
    const missing = studentsMissingFromModel(
      input({
        versions: [
          version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea']),
          version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea', 'howard', 'raj'], { statusReason: rejected.reason, accuracy: 0.93 }),
        ],
      }),
    );
    expect(missing.map((m) => [m.studentId, m.reason, m.versionId])).toEqual([
      ['howard', 'rolled back', 'v2'],
      ['raj', 'rolled back', 'v2'],
      ['eli', 'no photos', undefined],
    ]);
  });

  it('counts a version left behind by choosing an older one by hand as rolled back too, but not an older version', () => {
    const missing = studentsMissingFromModel(
      input({
        versions: [
          version('v0', '2026-02-01T08:00:00Z', 'inactive', ['ana', 'bea', 'howard']),
          version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'], { statusReason: 'rolled back by hand' }),
          version('v2', '2026-03-02T08:00:00Z', 'inactive', ['ana', 'bea', 'raj']),
        ],
      }),
    );
    expect(missing.filter((m) => m.reason !== 'no photos').map((m) => [m.studentId, m.reason])).toEqual([
      ['howard', 'retrain pending'],
      ['raj', 'rolled back'],
    ]);
  });

  it('says retrain pending while a training is scheduled, even when an earlier attempt was rolled back', () => {
    const versions = [version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea']), version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea', 'howard'])];
    const missing = studentsMissingFromModel(input({ versions, retrainPending: true }));
    expect(missing.find((m) => m.studentId === 'howard')!.reason).toBe('retrain pending');
    expect(missing.find((m) => m.studentId === 'raj')!.reason).toBe('retrain pending');
  });

  it('says too few photos below the training minimum, whatever the versions hold', () => {
    const missing = studentsMissingFromModel(
      input({
        photos: new Map([['ana', 3], ['bea', 3], ['howard', 1], ['raj', 3]]),
        versions: [version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea', 'raj']), version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea', 'howard', 'raj'])],
      }),
    );
    expect(missing.map((m) => [m.studentId, m.reason, m.photos])).toEqual([
      ['howard', 'too few photos', 1],
      ['eli', 'no photos', 0],
    ]);
    expect(missingReasonWords(missing[0]!)).toBe('1 photo, needs 1 more to be recognised');
  });

  it('lists every student before any model exists', () => {
    const missing = studentsMissingFromModel(input({ photos: new Map([['ana', 1]]) }));
    expect(missing.map((m) => m.reason)).toEqual(['too few photos', 'no photos', 'no photos', 'no photos', 'no photos']);
  });

  it('says nothing when the model in use cannot be read, rather than listing the whole class', () => {
    expect(studentsMissingFromModel(input({ versions: [version('v1', '2026-03-01T08:00:00Z', 'active', null)] }))).toEqual([]);
  });

  it('leaves out the ones already marked, for the question at Finish', () => {
    const missing = studentsMissingFromModel(input({ versions: [version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'])] }));
    expect(unmarkedMissing(missing, new Set(['howard'])).map((m) => m.studentId)).toEqual(['raj', 'eli']);
  });
});

describe('shortNames and listWords', () => {
  it('gives first name and initial, and the full name where two classmates would read the same', () => {
    const names = shortNames([
      { id: '1', fullName: 'Howard Wolowitz' },
      { id: '2', fullName: 'Raj  Koothrappali' },
      { id: '3', fullName: 'Priya' },
      { id: '4', fullName: 'Sam Lee' },
      { id: '5', fullName: 'Sam Li' },
      { id: '6', fullName: 'José Ángel Núñez' },
    ]);
    expect([...names.values()]).toEqual(['Howard W.', 'Raj K.', 'Priya', 'Sam Lee', 'Sam Li', 'José N.']);
    expect(listWords(['Howard W.', 'Raj K.'])).toBe('Howard W. and Raj K.');
    expect(listWords(['A', 'B', 'C'])).toBe('A, B and C');
    expect(listWords([])).toBe('');
  });
});

describe('explainVersion', () => {
  const names = new Map(roster.map((s) => [s.id, s.fullName]));
  const nameOf = (id: string) => names.get(id);

  it('says a version rolled back after a new student made it worse, whose photo to remove, and who the model in use lacks', () => {
    const decision = decideActivation({ id: 'v2', accuracy: 0.93 }, { id: 'v1', accuracy: 0.97 });
    const v1 = version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'], { accuracy: 0.97 });
    const v2 = version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea', 'howard'], { accuracy: 0.93, statusReason: decision.reason });
    const e = explainVersion(v2, [v1, v2], nameOf);
    expect(e.text).toBe('Rolled back: it recognised the class worse (93% vs 97%). New in it: photos of Howard Wolowitz.');
    expect(e.advice).toBe(
      'Remove the doubtful photo of Howard Wolowitz (Students tab), or tap “Use this” to use it anyway. Until then today’s face model does not know Howard Wolowitz: mark them by hand.',
    );
  });

  it('finds the student whose added photo made it worse when nobody new was enrolled', () => {
    const decision = decideActivation({ id: 'v2', accuracy: 0.9 }, { id: 'v1', accuracy: 1 });
    const v1 = version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'], { accuracy: 1 });
    const v2 = version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea'], { accuracy: 0.9, statusReason: decision.reason, photos: new Map([['ana', 3], ['bea', 4]]) });
    const e = explainVersion(v2, [v1, v2], nameOf);
    expect(e.text).toBe('Rolled back: it recognised the class worse (90% vs 100%). New in it: photos of Bea Costa.');
    expect(e.advice).toBe('Remove the doubtful photo of Bea Costa (Students tab), or tap “Use this” to use it anyway.');
  });

  it('measures a rolled-back version against the one that was in use, not an earlier rejected one', () => {
    const first = decideActivation({ id: 'v2', accuracy: 0.9 }, { id: 'v1', accuracy: 0.97 });
    const second = decideActivation({ id: 'v3', accuracy: 0.92 }, { id: 'v1', accuracy: 0.97 });
    const v1 = version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'], { accuracy: 0.97 });
    const v2 = version('v2', '2026-03-02T08:00:00Z', 'rejected', ['ana', 'bea', 'howard'], { accuracy: 0.9, statusReason: first.reason });
    const v3 = version('v3', '2026-03-03T08:00:00Z', 'rejected', ['ana', 'bea', 'howard', 'raj'], { accuracy: 0.92, statusReason: second.reason });
    const e = explainVersion(v3, [v1, v2, v3], nameOf);
    expect(e.text).toContain('(92% vs 97%). New in it: photos of Howard Wolowitz and Raj Koothrappali.');
    expect(e.advice).toMatch(/^Check the new photos of Howard Wolowitz and Raj Koothrappali and remove any that is doubtful/);
  });

  it('explains the active version and one left behind by choosing an older one by hand', () => {
    const accepted = decideActivation({ id: 'v2', accuracy: 0.98 }, { id: 'v1', accuracy: 0.97 });
    expect(explainVersion(version('v1', '2026-03-01T08:00:00Z', 'active', ['ana']), [], nameOf).text).toBe('In use: the first model for this class.');
    expect(explainVersion(version('v2', '2026-03-02T08:00:00Z', 'active', ['ana'], { statusReason: accepted.reason }), [], nameOf).text).toBe(
      'In use: it recognised 98% of the held-out photos (the one before: 97%).',
    );
    const noFigures = decideActivation({ id: 'v2', accuracy: null }, { id: 'v1', accuracy: 0.97 });
    expect(explainVersion(version('v2', '2026-03-02T08:00:00Z', 'active', ['ana'], { statusReason: noFigures.reason }), [], nameOf).advice).toMatch(/Three photos or more/);

    const v1 = version('v1', '2026-03-01T08:00:00Z', 'active', ['ana', 'bea'], { statusReason: 'rolled back by hand' });
    const v2 = version('v2', '2026-03-02T08:00:00Z', 'inactive', ['ana', 'bea', 'raj'], { statusReason: 'replaced by v1: rolled back by hand' });
    expect(explainVersion(v1, [v1, v2], nameOf)).toEqual({ text: 'In use: chosen by hand.', advice: null });
    expect(explainVersion(v2, [v1, v2], nameOf)).toEqual({
      text: 'Set aside: another model was chosen by hand.',
      advice: 'Tap “Use this” to go back to it. It knows Raj Koothrappali, whom today’s face model does not.',
    });
  });

  it('passes an unknown reason through rather than hiding it', () => {
    expect(explainVersion(version('v9', '2026-03-02T08:00:00Z', 'rejected', ['ana'], { statusReason: 'descriptor changed' }), [], nameOf).text).toBe('Not used: descriptor changed.');
  });
});
