/**
 * The active liveness challenge of the kiosk: the person is asked, in a random
 * order, to close their eyes and open them again and to turn their head, and
 * the 68 landmarks of the frames that follow must show it. A photo or a
 * screen held up to the camera does not blink or turn, so it runs out of time.
 *
 * The cues are ratios of landmark distances, so moving, tilting or bending a
 * flat picture (which scales it along one axis) does not fake them:
 * - eye openness: lid gap over the distance from the eyes to the mouth, both
 *   mostly vertical, so squashing the picture vertically scales both alike;
 * - yaw: where the nose tip sits between the jaw edges (quality.ts), which a
 *   sideways squash leaves where it was.
 *
 * Pure and deterministic: frames in, state out; the random order comes from
 * an injected generator.
 */
import { distance, iou, mean, poseFromLandmarks } from '../geometry';
import type { Box, Point } from '../types';

export type ChallengeKind = 'blink' | 'turn-left' | 'turn-right';

export const CHALLENGE_KINDS: readonly ChallengeKind[] = ['blink', 'turn-left', 'turn-right'];

/** What the person is told, in the person's own directions (the preview is a mirror). */
export const CHALLENGE_PROMPTS: Record<ChallengeKind, string> = {
  blink: 'Close your eyes, then open them',
  'turn-left': 'Turn your head to your left',
  'turn-right': 'Turn your head to your right',
};

export interface ChallengeOptions {
  /** Challenges asked in a row. */
  steps: number;
  /** Time for one challenge, from its first frame with a face. */
  stepTimeoutMs: number;
  /** A face missing for this long ends the challenge. */
  faceLostMs: number;
  /** Head turn needed, degrees, away from where the head was when the challenge began. */
  minTurnDegrees: number;
  /** Consecutive frames that must show the turn (one noisy frame is not a turn). */
  turnFrames: number;
  /** Eyes count as closed below this share of the most open they were in this challenge. */
  closedRatio: number;
  /** …and as open again above this share. */
  reopenRatio: number;
  /** Least overlap with the previous frame's face: less means someone else stepped in. */
  minTrackIou: number;
}

export const DEFAULT_CHALLENGE_OPTIONS: ChallengeOptions = {
  steps: 2,
  stepTimeoutMs: 8000,
  faceLostMs: 2000,
  minTurnDegrees: 20,
  turnFrames: 2,
  closedRatio: 0.45,
  reopenRatio: 0.8,
  minTrackIou: 0.2,
};

/** One camera frame as the challenge reads it: its time and the faces found in it. */
export interface ChallengeFrame {
  /** Milliseconds, any monotonic clock. */
  at: number;
  faces: readonly { box: Box; landmarks: readonly Point[] }[];
}

export type ChallengeFailure = 'timeout' | 'face-lost' | 'face-changed';

export interface ChallengeState {
  plan: readonly ChallengeKind[];
  /** Index in `plan` of the challenge being done; `plan.length` once passed. */
  step: number;
  status: 'running' | 'passed' | 'failed';
  failure: ChallengeFailure | null;
  /** Time of the current challenge's first frame with a face, or null before it. */
  stepStartedAt: number | null;
  lastBox: Box | null;
  lastSeenAt: number | null;
  /** Yaw of the first frame with a face: every turn is measured from it, so turning back is not a turn. */
  startYaw: number | null;
  /** Cues of the current challenge. */
  turnRun: number;
  mostOpen: number;
  closedSeen: boolean;
  /** Frames read in all, for the record. */
  frames: number;
}

/** Cues of one face, for tests and the eval. */
export interface FaceCues {
  openness: number;
  yaw: number;
}

const lidGap = (p: readonly Point[], top: [number, number], bottom: [number, number]) => (distance(p[top[0]]!, p[bottom[0]]!) + distance(p[top[1]]!, p[bottom[1]]!)) / 2;

/**
 * How open the eyes are: the mean lid gap of both eyes (68-point indices
 * 37/41, 38/40 and 43/47, 44/46) over the distance from the eyes' centre to
 * the mouth's centre. About 0.1 open, near 0 closed.
 */
export function eyeOpenness(points: readonly Point[]): number {
  if (points.length < 68) throw new RangeError(`Eye openness needs the 68 landmarks, not ${points.length}.`);
  const gap = (lidGap(points, [37, 38], [41, 40]) + lidGap(points, [43, 44], [47, 46])) / 2;
  const eyes = mean([...points.slice(36, 48)]);
  const mouth = mean([...points.slice(48, 68)]);
  return gap / (distance(eyes, mouth) || 1);
}

export function faceCues(points: readonly Point[]): FaceCues {
  return { openness: eyeOpenness(points), yaw: poseFromLandmarks([...points]).yaw };
}

/** `steps` different challenges in a random order (Fisher–Yates with `random`, which returns 0 ≤ x < 1). */
export function planChallenge(random: () => number = Math.random, steps = DEFAULT_CHALLENGE_OPTIONS.steps): ChallengeKind[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > CHALLENGE_KINDS.length) {
    throw new RangeError(`steps must be a whole number from 1 to ${CHALLENGE_KINDS.length}, not ${steps}.`);
  }
  const kinds = [...CHALLENGE_KINDS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds.slice(0, steps);
}

export function startChallenge(plan: readonly ChallengeKind[]): ChallengeState {
  if (!plan.length) throw new RangeError('A challenge needs at least one step.');
  return {
    plan: [...plan],
    step: 0,
    status: 'running',
    failure: null,
    stepStartedAt: null,
    lastBox: null,
    lastSeenAt: null,
    startYaw: null,
    turnRun: 0,
    mostOpen: 0,
    closedSeen: false,
    frames: 0,
  };
}

/** The challenge the person should be doing now, or null once it is over. */
export function currentChallenge(state: ChallengeState): ChallengeKind | null {
  return state.status === 'running' ? (state.plan[state.step] ?? null) : null;
}

const largest = (faces: ChallengeFrame['faces']) => faces.reduce<ChallengeFrame['faces'][number] | null>((a, f) => (!a || f.box.width * f.box.height > a.box.width * a.box.height ? f : a), null);

/** Reads one frame. A finished challenge is returned as it is. */
export function advanceChallenge(state: ChallengeState, frame: ChallengeFrame, options: Partial<ChallengeOptions> = {}): ChallengeState {
  if (state.status !== 'running') return state;
  const o = { ...DEFAULT_CHALLENGE_OPTIONS, ...options };
  const fail = (failure: ChallengeFailure): ChallengeState => ({ ...state, status: 'failed', failure, frames: state.frames + 1 });
  const face = largest(frame.faces);

  if (!face) {
    if (state.lastSeenAt !== null && frame.at - state.lastSeenAt > o.faceLostMs) return fail('face-lost');
    if (state.stepStartedAt !== null && frame.at - state.stepStartedAt > o.stepTimeoutMs) return fail('timeout');
    return { ...state, frames: state.frames + 1 };
  }
  if (state.lastBox && iou(state.lastBox, face.box) < o.minTrackIou) return fail('face-changed');

  const cues = faceCues(face.landmarks);
  const kind = state.plan[state.step]!;
  let next: ChallengeState = {
    ...state,
    frames: state.frames + 1,
    lastBox: face.box,
    lastSeenAt: frame.at,
    stepStartedAt: state.stepStartedAt ?? frame.at,
    startYaw: state.startYaw ?? cues.yaw,
  };
  let done = false;
  if (kind === 'blink') {
    // The most open the eyes were before this frame is the yardstick; the first frame only sets it.
    if (next.mostOpen > 0) {
      if (!next.closedSeen && cues.openness <= o.closedRatio * next.mostOpen) next = { ...next, closedSeen: true };
      else if (next.closedSeen && cues.openness >= o.reopenRatio * next.mostOpen) done = true;
    }
    next = { ...next, mostOpen: Math.max(next.mostOpen, cues.openness) };
  } else {
    // The person's own left is the image's right: a larger yaw (see coach.ts).
    const turned = (cues.yaw - next.startYaw!) * (kind === 'turn-left' ? 1 : -1);
    const run = turned >= o.minTurnDegrees ? next.turnRun + 1 : 0;
    next = { ...next, turnRun: run };
    done = run >= o.turnFrames;
  }

  if (done) {
    const step = next.step + 1;
    const reset = { stepStartedAt: frame.at, turnRun: 0, mostOpen: 0, closedSeen: false };
    return step >= next.plan.length ? { ...next, ...reset, step, status: 'passed' } : { ...next, ...reset, step };
  }
  if (frame.at - next.stepStartedAt! > o.stepTimeoutMs) return { ...next, status: 'failed', failure: 'timeout' };
  return next;
}

/** Runs a whole sequence of frames through a fresh challenge (the eval and the tests). */
export function runChallenge(plan: readonly ChallengeKind[], frames: readonly ChallengeFrame[], options: Partial<ChallengeOptions> = {}): ChallengeState {
  return frames.reduce((s, f) => advanceChallenge(s, f, options), startChallenge(plan));
}
