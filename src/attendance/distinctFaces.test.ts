import { describe, expect, it } from 'vitest';
import { newFaces, SAME_FACE_DISTANCE, type SeenFace } from './distinctFaces';

/** A unit vector along one axis, scaled: two of them on different axes are far apart. */
function along(axis: number, jitter = 0): number[] {
  const v = new Array<number>(128).fill(0);
  v[axis] = 1;
  v[(axis + 1) % 128] = jitter;
  return v;
}

describe('newFaces', () => {
  const asha: SeenFace = { studentId: 'asha', descriptor: along(0) };
  const stranger: SeenFace = { studentId: null, descriptor: along(5) };

  it('counts every face of a first photo', () => {
    expect(newFaces([], [asha, stranger])).toHaveLength(2);
  });

  it('counts nothing when the same photo is added again', () => {
    expect(newFaces([asha, stranger], [asha, stranger])).toEqual([]);
  });

  it('counts one face boxed twice in one photo once', () => {
    const twice = { studentId: null, descriptor: along(5, SAME_FACE_DISTANCE / 2) };
    expect(newFaces([], [stranger, twice])).toEqual([stranger]);
  });

  it('counts a student named in two photos once, however different the photos', () => {
    expect(newFaces([asha], [{ studentId: 'asha', descriptor: along(9) }])).toEqual([]);
  });

  it('counts different strangers apart, and faces with no descriptor as new', () => {
    const other = { studentId: null, descriptor: along(20) };
    const blind = { studentId: null, descriptor: null };
    expect(newFaces([stranger], [other, blind])).toEqual([other, blind]);
  });
});
