/**
 * How many different faces a session's photos showed. A photo added twice,
 * a face boxed twice where detection tiles meet, or a student in three
 * photos is one face each, not a tally of boxes.
 */

/** One face of a photo: who it was taken for (if anyone) and its descriptor. */
export interface SeenFace {
  studentId: string | null;
  descriptor: ArrayLike<number> | null;
}

/**
 * Descriptors of one face seen twice (the same photo again, two boxes of
 * one face) are far closer than this; two photos of one person are mostly
 * closer too, and two different people mostly farther. A stranger in two
 * photos may still count twice: the figure is "at least".
 */
export const SAME_FACE_DISTANCE = 0.45;

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - (b[i] ?? 0)) ** 2;
  return Math.sqrt(sum);
}

/**
 * The faces of `incoming` not already among `seen` (nor earlier in
 * `incoming`): a named face is new when its student was not named before;
 * any face is new when no face seen has a descriptor within
 * SAME_FACE_DISTANCE of its own. A face with no descriptor counts as new.
 */
export function newFaces(seen: readonly SeenFace[], incoming: readonly SeenFace[]): SeenFace[] {
  const known = [...seen];
  const out: SeenFace[] = [];
  for (const face of incoming) {
    const sameStudent = face.studentId !== null && known.some((k) => k.studentId === face.studentId);
    const sameFace = face.descriptor !== null && known.some((k) => k.descriptor !== null && distance(k.descriptor, face.descriptor!) < SAME_FACE_DISTANCE);
    if (sameStudent || sameFace) continue;
    known.push(face);
    out.push(face);
  }
  return out;
}
