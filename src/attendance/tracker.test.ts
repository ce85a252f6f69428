import { describe, expect, it } from 'vitest';
import { createFaceTracker, type FaceInFrame, type TrackerUpdate } from './tracker';
import type { FaceVerdict } from './types';

function box(x: number, y = 0, size = 100) {
  return { x, y, width: size, height: size };
}
function named(studentId: string, confidence = 0.9): FaceVerdict {
  return { studentId, candidateId: studentId, confidence };
}
const nobody: FaceVerdict = { studentId: null, candidateId: null, confidence: 0.1 };

function face(x: number, verdict: FaceVerdict, y = 0): FaceInFrame {
  return { box: box(x, y), verdict };
}

/** Feeds frames 40 ms apart and returns every update. */
function run(tracker: ReturnType<typeof createFaceTracker>, frames: FaceInFrame[][], startAt = 0): TrackerUpdate[] {
  return frames.map((faces, i) => tracker.update(faces, startAt + i * 40));
}
const allConfirmed = (updates: TrackerUpdate[]) => updates.flatMap((u) => u.confirmed);

describe('createFaceTracker', () => {
  it('confirms a student only after four steady frames, not after one', () => {
    const tracker = createFaceTracker();
    const updates = run(tracker, [
      [face(0, named('asha', 0.85))],
      [face(2, named('asha', 0.99))],
      [face(4, named('asha', 0.9))],
      [face(6, named('asha', 0.88))],
    ]);
    expect(updates.slice(0, 3).map((u) => u.confirmed)).toEqual([[], [], []]);
    expect(updates.slice(0, 3).map((u) => [u.tracks[0]!.kind, u.tracks[0]!.studentId, u.tracks[0]!.votes])).toEqual([
      ['tentative', 'asha', 1],
      ['tentative', 'asha', 2],
      ['tentative', 'asha', 3],
    ]);
    expect(updates[3]!.confirmed).toEqual([
      { trackId: 1, studentId: 'asha', at: 120, verdict: { studentId: 'asha', candidateId: 'asha', confidence: 0.99 } },
    ]);
    expect(updates[3]!.tracks).toEqual([
      { id: 1, box: box(6), studentId: 'asha', kind: 'confirmed', votes: 4, seenFrames: 4, conflict: false },
    ]);
  });

  it('does not confirm on low-confidence verdicts', () => {
    const tracker = createFaceTracker();
    const updates = run(tracker, Array.from({ length: 10 }, () => [face(0, named('asha', 0.79))]));
    expect(allConfirmed(updates)).toEqual([]);
    expect(updates.at(-1)!.tracks[0]).toMatchObject({ kind: 'unknown', studentId: null, votes: 0, seenFrames: 10 });
  });

  it('confirms neither student when a face flickers between two', () => {
    const tracker = createFaceTracker();
    const updates = run(tracker, Array.from({ length: 20 }, (_, i) => [face(0, named(i % 2 ? 'ben' : 'asha'))]));
    expect(allConfirmed(updates)).toEqual([]);
    expect(updates.at(-1)!.tracks[0]!.kind).toBe('tentative');
  });

  it('confirms despite a single stray vote for someone else, but not two', () => {
    const oneStray = run(createFaceTracker(), ['asha', 'asha', 'ben', 'asha', 'asha'].map((s) => [face(0, named(s))]));
    expect(allConfirmed(oneStray).map((c) => c.studentId)).toEqual(['asha']);
    expect(oneStray[4]!.confirmed).toHaveLength(1);

    const twoStrays = run(createFaceTracker(), ['asha', 'ben', 'asha', 'ben', 'asha', 'asha'].map((s) => [face(0, named(s))]));
    expect(allConfirmed(twoStrays)).toEqual([]);
  });

  it('keeps the name on a confirmed face that turns away for a while', () => {
    const tracker = createFaceTracker();
    run(tracker, Array.from({ length: 4 }, () => [face(0, named('asha'))]));
    const away = run(tracker, Array.from({ length: 10 }, () => [face(0, nobody)]));
    expect(away.at(-1)!.tracks[0]).toMatchObject({ id: 1, kind: 'confirmed', studentId: 'asha', votes: 0 });
    expect(allConfirmed(away)).toEqual([]);
  });

  it('does not report a student again when their face leaves and comes back', () => {
    const tracker = createFaceTracker();
    const first = run(tracker, Array.from({ length: 5 }, () => [face(0, named('asha'))]));
    const gone = run(tracker, Array.from({ length: 8 }, () => []));
    const back = run(tracker, Array.from({ length: 6 }, () => [face(500, named('asha'))]));
    expect(allConfirmed(first).map((c) => c.studentId)).toEqual(['asha']);
    expect(allConfirmed([...gone, ...back])).toEqual([]);
    expect(back.at(-1)!.tracks[0]).toMatchObject({ id: 2, kind: 'confirmed', studentId: 'asha', conflict: false });
    expect(back.flatMap((u) => u.conflicts)).toEqual([]);
  });

  it('continues a track missed for fewer than maxMissedFrames and forgets it after', () => {
    const tracker = createFaceTracker({ maxMissedFrames: 3 });
    tracker.update([face(0, nobody)], 0);
    run(tracker, [[], []]);
    expect(tracker.update([face(0, nobody)], 200).tracks[0]!.id).toBe(1);
    run(tracker, [[], [], []]);
    expect(tracker.update([face(0, nobody)], 400).tracks[0]!.id).toBe(2);
  });

  it('keeps two faces apart when they cross paths', () => {
    // Asha walks right, Ben left, a little lower; they meet at x = 200 on
    // frame 10, where each hides part of the other and neither is recognised.
    const tracker = createFaceTracker();
    const frames = Array.from({ length: 21 }, (_, i) => {
      const ashaX = i * 20;
      const benX = 400 - i * 20;
      const overlapping = Math.abs(ashaX - benX) < 100;
      return [face(ashaX, overlapping ? nobody : named('asha')), face(benX, overlapping ? nobody : named('ben'), 30)];
    });
    const updates = run(tracker, frames);
    expect(allConfirmed(updates).map((c) => [c.trackId, c.studentId])).toEqual([
      [1, 'asha'],
      [2, 'ben'],
    ]);
    for (const u of updates) expect(u.tracks.map((t) => t.id)).toEqual([1, 2]);
    expect(updates.at(-1)!.tracks.map((t) => [t.box.x, t.studentId, t.kind])).toEqual([
      [400, 'asha', 'confirmed'],
      [0, 'ben', 'confirmed'],
    ]);
    expect(updates.flatMap((u) => u.conflicts)).toEqual([]);
  });

  it('reports two faces confirmed as one student as a conflict, once', () => {
    const tracker = createFaceTracker();
    const updates = run(tracker, Array.from({ length: 8 }, () => [face(0, named('asha', 0.9)), face(300, named('asha', 0.85))]));
    expect(allConfirmed(updates)).toEqual([
      { trackId: 1, studentId: 'asha', at: 120, verdict: { studentId: 'asha', candidateId: 'asha', confidence: 0.9 } },
    ]);
    expect(updates.flatMap((u) => u.conflicts)).toEqual([{ studentId: 'asha', trackIds: [1, 2] }]);
    expect(updates[3]!.conflicts).toHaveLength(1);
    expect(updates.at(-1)!.tracks.map((t) => t.conflict)).toEqual([true, true]);
  });

  it('gives a track to the face that overlaps it most, and a new track to the other', () => {
    const tracker = createFaceTracker();
    tracker.update([face(0, nobody)], 0);
    // Both overlap track 1 (IoU 0.54 and 0.67); the listed order must not matter.
    const update = tracker.update([face(30, nobody), face(20, nobody)], 40);
    expect(update.tracks.map((t) => [t.id, t.box.x])).toEqual([
      [2, 30],
      [1, 20],
    ]);
  });

  it('starts no track for a face overlapping less than iouMatch', () => {
    const tracker = createFaceTracker({ iouMatch: 0.5 });
    tracker.update([face(0, nobody)], 0);
    // IoU of boxes 40 px apart: 60·100 / (2·10000 − 6000) ≈ 0.43.
    expect(tracker.update([face(40, nobody)], 40).tracks[0]!.id).toBe(2);
  });

  it('reports again and numbers from 1 after a reset', () => {
    const tracker = createFaceTracker();
    const frames = Array.from({ length: 4 }, () => [face(0, named('asha'))]);
    expect(allConfirmed(run(tracker, frames))).toHaveLength(1);
    tracker.reset();
    const again = run(tracker, frames);
    expect(allConfirmed(again).map((c) => [c.trackId, c.studentId])).toEqual([[1, 'asha']]);
  });

  it('gives the same output for the same frames', () => {
    const frames = Array.from({ length: 12 }, (_, i) => [face(i * 5, named(i % 3 ? 'asha' : 'ben')), face(300 - i * 5, named('chen'))]);
    expect(run(createFaceTracker(), frames)).toEqual(run(createFaceTracker(), frames));
  });

  it('rejects options that could never confirm anyone or would match everything', () => {
    expect(() => createFaceTracker({ confirmFrames: 7 })).toThrow(/confirmFrames/);
    expect(() => createFaceTracker({ iouMatch: 0 })).toThrow(RangeError);
    expect(() => createFaceTracker({ window: 0 })).toThrow(/window/);
    expect(() => createFaceTracker({ maxMissedFrames: 1.5 })).toThrow(/maxMissedFrames/);
    expect(() => createFaceTracker({ minConfidence: Number.NaN })).toThrow(/minConfidence/);
  });
});

describe('liveness on confirmation', () => {
  it('carries the median passive liveness of the votes, and none when no frame was scored', () => {
    const tracker = createFaceTracker();
    const scored = (x: number, liveness: number): FaceInFrame => ({ box: box(x), verdict: { ...named('asha'), liveness } });
    const updates = run(tracker, [[scored(0, 0.9)], [scored(2, 0.1)], [scored(4, 0.8)], [scored(6, 0.7)]]);
    expect(allConfirmed(updates)[0]!.verdict.liveness).toBeCloseTo(0.75);

    const plain = createFaceTracker();
    const unscored = allConfirmed(run(plain, [[face(0, named('ben'))], [face(2, named('ben'))], [face(4, named('ben'))], [face(6, named('ben'))]]));
    expect(unscored[0]!.verdict).not.toHaveProperty('liveness');
  });
});
