/**
 * The self check-in kiosk's flow, one camera frame at a time: one close face,
 * named in most recent frames, starts a random liveness challenge; the
 * challenge passes or fails. Pure: the kiosk store feeds it frames and does
 * the writing.
 */
import { advanceChallenge, planChallenge, startChallenge, type ChallengeFailure, type ChallengeState } from '@/ml/liveness/challenge';
import type { Box, Point } from '@/ml/types';
import { LOW_LIVENESS } from './types';

/** One face of a camera frame, as recognised with a liveness score. */
export interface KioskFace {
  box: Box;
  landmarks: readonly Point[];
  /** The student recognised with enough confidence, or null. */
  studentId: string | null;
  confidence: number;
  liveness: number | null;
}

export interface KioskFrame {
  at: number;
  width: number;
  faces: readonly KioskFace[];
}

export type KioskFailure = 'not-recognised' | ChallengeFailure | 'looks-like-photo' | 'someone-else';

export type KioskState =
  | { kind: 'waiting'; message: string; votes: (string | null)[]; unknownFrames: number }
  | { kind: 'challenge'; studentId: string; challenge: ChallengeState; votes: (string | null)[]; liveness: number[] }
  | { kind: 'passed'; studentId: string; liveness: number | null }
  | { kind: 'failed'; studentId: string | null; reason: KioskFailure };

export interface KioskRules {
  /** Recognition votes, among the last `voteWindow` frames, that pick the student. */
  votesToRecognise: number;
  voteWindow: number;
  /** Frames with one face and no name before the kiosk says it does not know the person. */
  unknownFrames: number;
  /** Faces narrower than this share of the frame are people passing by, not at the kiosk. */
  minFaceShare: number;
  /** The median passive liveness over the challenge must reach this. */
  minLiveness: number;
}

export const KIOSK_RULES: KioskRules = { votesToRecognise: 3, voteWindow: 4, unknownFrames: 8, minFaceShare: 0.12, minLiveness: LOW_LIVENESS };

export const WAITING = { kind: 'waiting', message: 'Step up to the camera', votes: [], unknownFrames: 0 } as const satisfies KioskState;
const waiting = (message: string): KioskState => ({ kind: 'waiting', message, votes: [], unknownFrames: 0 });

const median = (xs: readonly number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const mostVoted = (votes: readonly (string | null)[]) => {
  const counts = new Map<string, number>();
  for (const v of votes) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0] ?? null;
};

/**
 * The kiosk's next state after one frame. Waiting: one close face, named in
 * most recent frames, starts a random challenge. Challenge: the landmarks
 * must do what is asked, the face must stay the same student, and the
 * passive liveness of its frames must not say "photo". Passed and failed
 * states stay until the store resets to WAITING.
 */
export function stepKiosk(state: KioskState, frame: KioskFrame, random: () => number = Math.random, rules: KioskRules = KIOSK_RULES): KioskState {
  const near = frame.faces.filter((f) => f.box.width >= frame.width * rules.minFaceShare);
  if (state.kind === 'waiting') {
    if (!frame.faces.length) return WAITING;
    if (near.length > 1) return waiting('One person at a time, please');
    if (!near.length) return waiting('Come closer to the camera');
    const face = near[0]!;
    const votes = [...state.votes, face.studentId].slice(-rules.voteWindow);
    const unknownFrames = face.studentId ? 0 : state.unknownFrames + 1;
    if (unknownFrames >= rules.unknownFrames) return { kind: 'failed', studentId: null, reason: 'not-recognised' };
    const top = mostVoted(votes);
    if (top && top[1] >= rules.votesToRecognise) {
      const challenge = advanceChallenge(startChallenge(planChallenge(random)), { at: frame.at, faces: [face] });
      return { kind: 'challenge', studentId: top[0], challenge, votes: [face.studentId], liveness: face.liveness === null ? [] : [face.liveness] };
    }
    return { kind: 'waiting', message: 'Hold still…', votes, unknownFrames };
  }
  if (state.kind !== 'challenge') return state;

  // The person at the kiosk is the largest face; someone walking behind does not matter.
  const face = near.reduce<KioskFace | null>((a, f) => (!a || f.box.width > a.box.width ? f : a), null);
  const challenge = advanceChallenge(state.challenge, { at: frame.at, faces: face ? [face] : [] });
  const votes = face ? [...state.votes, face.studentId] : state.votes;
  const liveness = face?.liveness != null ? [...state.liveness, face.liveness] : state.liveness;
  const other = votes.filter((v) => v !== null && v !== state.studentId).length;
  if (other >= rules.votesToRecognise) return { kind: 'failed', studentId: state.studentId, reason: 'someone-else' };
  if (challenge.status === 'failed') return { kind: 'failed', studentId: state.studentId, reason: challenge.failure! };
  if (challenge.status === 'passed') {
    const score = median(liveness);
    if (score !== null && score < rules.minLiveness) return { kind: 'failed', studentId: state.studentId, reason: 'looks-like-photo' };
    return { kind: 'passed', studentId: state.studentId, liveness: score };
  }
  return { ...state, challenge, votes, liveness };
}

/** What the red screen says, in plain words. */
export const FAILURE_MESSAGES: Record<KioskFailure, string> = {
  'not-recognised': 'We could not recognise you.',
  timeout: 'We could not see you do it in time.',
  'face-lost': 'You stepped away from the camera.',
  'face-changed': 'Someone else stepped in.',
  'looks-like-photo': 'That looked like a photo or a screen.',
  'someone-else': 'That looked like someone else.',
};
