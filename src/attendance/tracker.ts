/**
 * Follows faces from frame to frame in live camera mode so that one steady
 * face marks one student, once. A single frame's verdict is not enough: a
 * blurred or half-turned face can be named wrongly for a frame or two, so a
 * track must name the same student in most of its recent frames, with no
 * real rival, before the student is reported.
 *
 * Pure and deterministic: the same frames give the same tracks and reports.
 */
import { iou } from '@/ml/geometry';
import type { Box } from '@/ml/types';
import type { FaceVerdict } from './types';

export interface TrackerOptions {
  /** Least overlap (intersection over union) for a face to continue a track. */
  iouMatch: number;
  /** A track not seen in this many frames in a row is forgotten. */
  maxMissedFrames: number;
  /** How many of a track's latest verdicts are weighed. */
  window: number;
  /** Votes for one student in the window needed to confirm them. */
  confirmFrames: number;
  /** Least confidence for a verdict to count as a vote (use the rules' autoMarkConfidence). */
  minConfidence: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  iouMatch: 0.3,
  maxMissedFrames: 8,
  window: 6,
  confirmFrames: 4,
  minConfidence: 0.8,
};

export interface FaceInFrame {
  box: Box;
  verdict: FaceVerdict;
}

/** 'confirmed': the track has named its student; 'tentative': it leans to one; 'unknown': no votes. */
export type TrackKind = 'confirmed' | 'tentative' | 'unknown';

export interface TrackView {
  /** Increasing from 1 over the tracker's life; never reused. */
  id: number;
  box: Box;
  /** The confirmed student, or else the one with the most votes in the window, or null. */
  studentId: string | null;
  kind: TrackKind;
  /** Votes for `studentId` in the current window. */
  votes: number;
  /** Frames this track has been seen in, over its life. */
  seenFrames: number;
  /** Another face in this frame is confirmed as the same student. */
  conflict: boolean;
}

export interface TrackConfirmation {
  trackId: number;
  studentId: string;
  /** The frame time given to `update`. */
  at: number;
  /** Ready for `applyAutoMarks`: the student, with the highest confidence of their votes in the window. */
  verdict: FaceVerdict;
}

/** Two faces in one frame confirmed as the same student: at most one of them is. */
export interface TrackConflict {
  studentId: string;
  trackIds: [number, number];
}

export interface TrackerUpdate {
  /** `tracks[i]` is the track of `faces[i]`. */
  tracks: TrackView[];
  /** Students confirmed for the first time since the tracker was created or reset. */
  confirmed: TrackConfirmation[];
  /** Pairs of tracks newly found confirmed as the same student in one frame. */
  conflicts: TrackConflict[];
}

export interface FaceTracker {
  update(faces: readonly FaceInFrame[], at: number): TrackerUpdate;
  /** Forgets all tracks and who has been reported (for a new session). */
  reset(): void;
}

interface Track {
  id: number;
  box: Box;
  /** The latest verdicts, oldest first, at most `window` of them. */
  recent: FaceVerdict[];
  missed: number;
  seenFrames: number;
  /** Sticks once set, so a name stays on a face that turns away for a moment. */
  confirmedAs: string | null;
}

export function createFaceTracker(options: Partial<TrackerOptions> = {}): FaceTracker {
  const opts = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  checkOptions(opts);

  let tracks: Track[] = [];
  let nextId = 1;
  const reportedStudents = new Set<string>();
  const reportedConflicts = new Set<string>();

  function update(faces: readonly FaceInFrame[], at: number): TrackerUpdate {
    const matched = matchFacesToTracks(tracks, faces, opts.iouMatch);
    const faceTracks = faces.map((face, i) => {
      let track = matched[i];
      if (!track) {
        track = { id: nextId++, box: face.box, recent: [], missed: 0, seenFrames: 0, confirmedAs: null };
        tracks.push(track);
      }
      track.box = face.box;
      track.recent = [...track.recent, face.verdict].slice(-opts.window);
      track.missed = 0;
      track.seenFrames++;
      return track;
    });
    const seen = new Set(faceTracks);
    for (const track of tracks) if (!seen.has(track)) track.missed++;
    tracks = tracks.filter((t) => t.missed < opts.maxMissedFrames);

    const confirmed: TrackConfirmation[] = [];
    for (const track of faceTracks) {
      const votes = countVotes(track.recent, opts.minConfidence);
      const studentId = confirmableStudent(votes, opts.confirmFrames);
      if (studentId === null || studentId === track.confirmedAs) continue;
      track.confirmedAs = studentId;
      if (reportedStudents.has(studentId)) continue;
      reportedStudents.add(studentId);
      const liveness = medianLiveness(track.recent, studentId, opts.minConfidence);
      confirmed.push({
        trackId: track.id,
        studentId,
        at,
        verdict: { studentId, candidateId: studentId, confidence: votes.get(studentId)!.best, ...(liveness !== null ? { liveness } : {}) },
      });
    }

    const sameStudent = new Map<string, Track[]>();
    for (const track of faceTracks) {
      if (track.confirmedAs === null) continue;
      sameStudent.set(track.confirmedAs, [...(sameStudent.get(track.confirmedAs) ?? []), track]);
    }
    const conflicts: TrackConflict[] = [];
    for (const [studentId, group] of sameStudent) {
      const ids = group.map((t) => t.id).sort((a, b) => a - b);
      for (let a = 0; a < ids.length; a++) {
        for (let b = a + 1; b < ids.length; b++) {
          const key = `${ids[a]}:${ids[b]}`;
          if (reportedConflicts.has(key)) continue;
          reportedConflicts.add(key);
          conflicts.push({ studentId, trackIds: [ids[a]!, ids[b]!] });
        }
      }
    }

    const views = faceTracks.map((track) => {
      const votes = countVotes(track.recent, opts.minConfidence);
      const studentId = track.confirmedAs ?? leadingStudent(votes);
      const kind: TrackKind = track.confirmedAs !== null ? 'confirmed' : studentId !== null ? 'tentative' : 'unknown';
      return {
        id: track.id,
        box: track.box,
        studentId,
        kind,
        votes: studentId === null ? 0 : (votes.get(studentId)?.count ?? 0),
        seenFrames: track.seenFrames,
        conflict: track.confirmedAs !== null && sameStudent.get(track.confirmedAs)!.length > 1,
      };
    });
    return { tracks: views, confirmed, conflicts };
  }

  function reset() {
    tracks = [];
    nextId = 1;
    reportedStudents.clear();
    reportedConflicts.clear();
  }

  return { update, reset };
}

/**
 * Greedy association: every (track, face) pair overlapping at least
 * `iouMatch`, best overlap first, each track and face used once. Ties go to
 * the older track and the earlier face, so the result does not depend on
 * anything but the input. Returns, per face, its track or undefined.
 */
function matchFacesToTracks(tracks: readonly Track[], faces: readonly FaceInFrame[], iouMatch: number): (Track | undefined)[] {
  const pairs: { track: Track; face: number; overlap: number }[] = [];
  for (const track of tracks) {
    faces.forEach((f, face) => {
      const overlap = iou(track.box, f.box);
      if (overlap >= iouMatch) pairs.push({ track, face, overlap });
    });
  }
  pairs.sort((a, b) => b.overlap - a.overlap || a.track.id - b.track.id || a.face - b.face);
  const out = new Array<Track | undefined>(faces.length).fill(undefined);
  const used = new Set<Track>();
  for (const { track, face } of pairs) {
    if (used.has(track) || out[face]) continue;
    used.add(track);
    out[face] = track;
  }
  return out;
}

interface Votes {
  count: number;
  /** Highest confidence among the votes. */
  best: number;
  /** Position of the newest vote in the window, for breaking ties towards the latest. */
  newest: number;
}

function countVotes(recent: readonly FaceVerdict[], minConfidence: number): Map<string, Votes> {
  const votes = new Map<string, Votes>();
  recent.forEach((v, i) => {
    if (v.studentId === null || v.confidence < minConfidence) return;
    const prev = votes.get(v.studentId);
    votes.set(v.studentId, { count: (prev?.count ?? 0) + 1, best: Math.max(prev?.best ?? 0, v.confidence), newest: i });
  });
  return votes;
}

/**
 * The median passive liveness of the votes for `studentId`, or null when none
 * was scored. A median, so one odd frame neither hides a photo nor flags a person.
 */
function medianLiveness(recent: readonly FaceVerdict[], studentId: string, minConfidence: number): number | null {
  const scores = recent
    .filter((v) => v.studentId === studentId && v.confidence >= minConfidence && typeof v.liveness === 'number')
    .map((v) => v.liveness!)
    .sort((a, b) => a - b);
  if (!scores.length) return null;
  const mid = Math.floor(scores.length / 2);
  return scores.length % 2 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2;
}

/** The student with `confirmFrames` votes or more, when no other student has more than one. */
function confirmableStudent(votes: ReadonlyMap<string, Votes>, confirmFrames: number): string | null {
  const leader = leadingStudent(votes);
  if (leader === null || votes.get(leader)!.count < confirmFrames) return null;
  for (const [studentId, v] of votes) if (studentId !== leader && v.count > 1) return null;
  return leader;
}

/** Most votes; between equals, the one voted for most recently. */
function leadingStudent(votes: ReadonlyMap<string, Votes>): string | null {
  let leader: string | null = null;
  let top: Votes | null = null;
  for (const [studentId, v] of votes) {
    if (!top || v.count > top.count || (v.count === top.count && v.newest > top.newest)) {
      leader = studentId;
      top = v;
    }
  }
  return leader;
}

function checkOptions(o: TrackerOptions) {
  if (!(o.iouMatch > 0 && o.iouMatch <= 1)) throw new RangeError(`iouMatch must be above 0 and at most 1, not ${o.iouMatch}.`);
  if (!Number.isInteger(o.maxMissedFrames) || o.maxMissedFrames < 1) {
    throw new RangeError(`maxMissedFrames must be a whole number of at least 1, not ${o.maxMissedFrames}.`);
  }
  if (!Number.isInteger(o.window) || o.window < 1) throw new RangeError(`window must be a whole number of at least 1, not ${o.window}.`);
  if (!Number.isInteger(o.confirmFrames) || o.confirmFrames < 1 || o.confirmFrames > o.window) {
    throw new RangeError(`confirmFrames must be a whole number from 1 to window (${o.window}), not ${o.confirmFrames}.`);
  }
  if (!(o.minConfidence >= 0 && o.minConfidence <= 1)) throw new RangeError(`minConfidence must be from 0 to 1, not ${o.minConfidence}.`);
}
