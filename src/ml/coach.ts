/**
 * The guided-capture coach: from the faces of the newest camera frame (and of
 * the few before it) it says what the person should do next and when a shot
 * is due. Pure: the camera loop feeds it worker results.
 *
 * Directions are the pictured person's own: `Quality.yaw` is positive when the
 * head turns to the image's right, which is the person's own left, so a bigger
 * yaw is asked for with "Turn slightly left". The selfie preview is mirrored,
 * so the person sees themselves turn the way they were told.
 */
import type { Box, Quality } from './types';

export interface CoachFace {
  box: Box;
  quality: Pick<Quality, 'ok' | 'issues' | 'yaw'>;
}

/** A frame as the worker described it: coordinates in the same (possibly shrunk) pixels as `width`. */
export interface CoachFrame {
  width: number;
  height: number;
  faces: readonly CoachFace[];
}

export interface CoachInput {
  frame: CoachFrame;
  /** The frames just before `frame`, oldest first; only the last few are read. */
  recent: readonly CoachFrame[];
  /** Yaw of each shot already kept for this student, in degrees. */
  takenYaws: readonly number[];
  /** Shots wanted in all; at that count the coach stops asking. */
  target?: number;
}

export type CoachTone = 'ok' | 'warn';

export interface CoachAdvice {
  /** A shot is due now. */
  ready: boolean;
  message: string;
  tone: CoachTone;
}

/** Frames in a row (this one included) that must show one still face before a shot. */
export const STABLE_FRAMES = 3;
/** More movement of the face centre than this share of the frame width between frames is "moving". */
export const MAX_SHIFT = 0.04;
/** A new shot must differ this much in yaw from every kept shot, so the photos are not all alike. */
export const MIN_YAW_GAP = 6;
/** The first shot is the reference photo: looking straight at the camera, within this. */
export const FRONTAL_YAW = 10;
/** Head turns asked for, in order: straight, then a little to each side. */
export const TARGET_YAWS = [0, -12, 12] as const;
/** Beyond the targets, any yaw this far from straight still passes the quality check comfortably. */
const FREE_YAW_RANGE = 20;
export const DEFAULT_TARGET = 5;

const say = (message: string, tone: CoachTone = 'warn'): CoachAdvice => ({ ready: false, message, tone });

const centreShare = (frame: CoachFrame) => {
  const { box } = frame.faces[0]!;
  return { x: (box.x + box.width / 2) / frame.width, y: (box.y + box.height / 2) / frame.height, aspect: frame.height / frame.width };
};

/** How far the face centre moved between two one-face frames, as a share of the frame width. */
function shift(a: CoachFrame, b: CoachFrame): number {
  const p = centreShare(a);
  const q = centreShare(b);
  // Heights are turned into widths so both axes are measured in the same unit.
  return Math.hypot(p.x - q.x, (p.y - q.y) * q.aspect);
}

const isDistinct = (yaw: number, taken: readonly number[]) => taken.every((t) => Math.abs(yaw - t) >= MIN_YAW_GAP);

/**
 * The yaw the next shot should have: the first target nobody has covered, else
 * the free yaw nearest to the current one, or null when every comfortable
 * yaw is taken (a long target list): then any good shot will do.
 */
export function nextYaw(currentYaw: number, taken: readonly number[]): number | null {
  if (taken.length === 0) return 0;
  const uncovered = TARGET_YAWS.find((t) => isDistinct(t, taken));
  if (uncovered !== undefined) return uncovered;
  let best: number | null = null;
  for (let yaw = -FREE_YAW_RANGE; yaw <= FREE_YAW_RANGE; yaw += 1) {
    // A degree over the minimum gap, so the estimate's jitter does not undo the turn.
    if (!taken.every((t) => Math.abs(yaw - t) >= MIN_YAW_GAP + 1)) continue;
    if (best === null || Math.abs(yaw - currentYaw) < Math.abs(best - currentYaw)) best = yaw;
  }
  return best;
}

function turnAdvice(currentYaw: number, goal: number): CoachAdvice {
  if (goal === 0) return say('Look straight at the camera', 'ok');
  return say(goal > currentYaw ? 'Turn slightly left' : 'Turn slightly right', 'ok');
}

/** What the person should do now, and whether the newest frame is a shot worth keeping. */
export function coach(input: CoachInput): CoachAdvice {
  const { frame, recent, takenYaws, target = DEFAULT_TARGET } = input;
  if (takenYaws.length >= target) return say(`All ${target} photos taken`, 'ok');
  if (frame.faces.length === 0) return say('No face — look at the camera');
  if (frame.faces.length > 1) return say('Only one person in view, please');

  const face = frame.faces[0]!;
  const issues = face.quality.issues;
  if (issues.includes('too-small')) return say('Move closer');
  if (issues.includes('too-dark')) return say('Too dark — face the light');
  if (issues.includes('too-bright')) return say('Too bright — move out of direct light');
  if (issues.includes('turned')) return say('Look straight at the camera');
  if (issues.includes('tilted')) return say('Keep your head level');
  if (issues.includes('blurry')) return say('Hold still');
  if (!face.quality.ok) return say('Look straight at the camera');

  const steady = [...recent.slice(-(STABLE_FRAMES - 1)), frame];
  const oneFace = steady.filter((f) => f.faces.length === 1);
  const moving = oneFace.some((f, i) => i > 0 && shift(oneFace[i - 1]!, f) > MAX_SHIFT);
  if (moving) return say('Hold still');

  const yaw = face.quality.yaw;
  const goal = nextYaw(yaw, takenYaws);
  const wanted = takenYaws.length === 0 ? Math.abs(yaw) <= FRONTAL_YAW : goal === null || isDistinct(yaw, takenYaws);
  if (!wanted) return turnAdvice(yaw, goal ?? 0);

  // A frame with no face or two breaks the run: the person may have just stepped in.
  if (oneFace.length < STABLE_FRAMES) return say('Hold still…', 'ok');
  return { ready: true, message: 'Got it', tone: 'ok' };
}

/** A good, steady face whose head turn is new among the shots kept: take it. */
export function shouldCapture(input: CoachInput): boolean {
  return coach(input).ready;
}

/** "facing the camera", "turned 8° left": the person's own left, as the coach says it. */
export function describeTurn(yaw: number): string {
  const degrees = Math.round(Math.abs(yaw));
  if (degrees < 3) return 'facing the camera';
  return `turned ${degrees}° ${yaw > 0 ? 'left' : 'right'}`;
}
