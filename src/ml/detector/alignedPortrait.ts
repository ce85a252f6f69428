/**
 * The last resort for a small image that is nothing but a face (a tight ID
 * photo crop), which detectors trained on scenes miss even with padding: the
 * image is taken as an aligned portrait, the landmark net is run on centred
 * squares a little larger than it, and the face is accepted only when the
 * landmarks fit a face. The 68-point net has no score of its own and returns a
 * face-like shape for anything, so "fits" means: a plausible layout, and the
 * same points found from two different squares (on a real face the points
 * stay on the features; on a texture they move with the square).
 */
import * as tf from '@tensorflow/tfjs';
import type { Box, Detection, Point } from '../types';
import type { LandmarkModel } from '../landmarks';
import { clipBox, distance, mean } from '../geometry';

export type DetectionFallback = 'aligned-portrait';

/** A detection the fallback made, with the landmarks it accepted (analyze reuses them). */
export interface PortraitDetection extends Detection {
  fallback: DetectionFallback;
  landmarks: Point[];
}

/** Only images this small (longer side, pixels) are taken as a portrait: larger ones are scenes or have margin enough for a detector. */
export const PORTRAIT_MAX_SIDE = 160;

/** Sides of the squares the landmark net sees, in shorter sides of the image: it was trained on detector boxes with some margin round the face. */
export const PORTRAIT_SCALES = [1.15, 1.3, 1.5, 1.7];

/**
 * What a face's 68 landmarks look like in a tight crop, in shares of the
 * image's shorter side. Measured on tight crops of face-api's samples: eye gap
 * 0.39–0.63, eyes 0.30–0.48 down, the nose tip up to 0.2 eye gaps outside the
 * eyes on a turned head, the chin up to 0.25 below the frame, neighbouring
 * squares within 0.045 of each other; noise, blank and blob images mostly fail
 * the layout, and the rest disagree by 0.057 or more.
 */
export const PORTRAIT_LIMITS = {
  minEyeGap: 0.3,
  maxEyeGap: 0.7,
  minEyeHeight: 0.2,
  maxEyeHeight: 0.6,
  minEyeToNose: 0.1,
  minNoseToMouth: 0.04,
  /** How far the nose tip may sit left of the left eye or right of the right eye, in eye gaps (a turned head). */
  maxNoseOutsideEyes: 0.5,
  /** How far points may stick out of the image (jaw and chin do in a tight crop). */
  maxOutside: 0.3,
  /** Mean distance between the points found from two squares. */
  maxDisagreement: 0.045,
  /** Standard deviation of the grey levels below which the image is blank. */
  minContrast: 8,
};

/** Centred squares, one per scale, for an image of this size. */
export function portraitSquares(width: number, height: number): Box[] {
  const side = Math.min(width, height);
  return PORTRAIT_SCALES.map((k) => ({ x: width / 2 - (side * k) / 2, y: height / 2 - (side * k) / 2, width: side * k, height: side * k }));
}

/** Eyes above the nose and roughly either side of it, the nose above the mouth, the eye gap a face's share of the width, every point near the frame. */
export function landmarksFitFace(points: Point[], width: number, height: number): boolean {
  if (points.length !== 68) return false;
  const L = PORTRAIT_LIMITS;
  const side = Math.min(width, height);
  const leftEye = mean(points.slice(36, 42));
  const rightEye = mean(points.slice(42, 48));
  const nose = points[30]!;
  const mouth = mean(points.slice(48, 68));
  const eyeGap = distance(leftEye, rightEye) / side;
  const eyeY = (leftEye.y + rightEye.y) / 2;
  const noseAcross = (nose.x - leftEye.x) / (rightEye.x - leftEye.x || 1);
  const margin = L.maxOutside * side;
  return (
    eyeGap >= L.minEyeGap &&
    eyeGap <= L.maxEyeGap &&
    leftEye.x < rightEye.x &&
    noseAcross >= -L.maxNoseOutsideEyes &&
    noseAcross <= 1 + L.maxNoseOutsideEyes &&
    eyeY >= L.minEyeHeight * height &&
    eyeY <= L.maxEyeHeight * height &&
    nose.y - eyeY >= L.minEyeToNose * side &&
    mouth.y - nose.y >= L.minNoseToMouth * side &&
    points.every((p) => p.x >= -margin && p.y >= -margin && p.x <= width + margin && p.y <= height + margin)
  );
}

/** Mean distance between corresponding points, in shares of `side`. */
export function landmarkDisagreement(a: Point[], b: Point[], side: number): number {
  return a.reduce((s, p, i) => s + distance(p, b[i]!), 0) / (a.length || 1) / side;
}

/**
 * Picks the landmarks of a portrait from the runs on `portraitSquares`: the
 * first pair of neighbouring runs that both fit a face and agree. The score
 * says how well they agree (1 = the same points). Null when none does.
 */
export function acceptPortrait(runs: Point[][], width: number, height: number): { landmarks: Point[]; score: number } | null {
  const side = Math.min(width, height);
  for (let i = 0; i + 1 < runs.length; i++) {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    if (!landmarksFitFace(a, width, height) || !landmarksFitFace(b, width, height)) continue;
    const apart = landmarkDisagreement(a, b, side);
    if (apart <= PORTRAIT_LIMITS.maxDisagreement) return { landmarks: a, score: 1 - apart / PORTRAIT_LIMITS.maxDisagreement / 2 };
  }
  return null;
}

/** The face box of an accepted portrait: the landmarks' extent, inside the image. */
export function portraitBox(landmarks: Point[], width: number, height: number): Box {
  const xs = landmarks.map((p) => p.x);
  const ys = landmarks.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return clipBox({ x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, width, height);
}

/** Runs the fallback on `image`; leaves no tensors behind. */
export async function findAlignedPortrait(image: tf.Tensor3D, landmarks: LandmarkModel): Promise<PortraitDetection | null> {
  const [height, width] = image.shape;
  const batch = tf.tidy(() => tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D);
  try {
    const spread = tf.tidy(() => tf.sqrt(tf.moments(tf.mean(batch, 3)).variance));
    const contrast = (await spread.data())[0]!;
    spread.dispose();
    if (contrast < PORTRAIT_LIMITS.minContrast) return null;
    const accepted = acceptPortrait(await landmarks.locate(batch, portraitSquares(width, height)), width, height);
    if (!accepted) return null;
    return { box: portraitBox(accepted.landmarks, width, height), score: accepted.score, fallback: 'aligned-portrait', landmarks: accepted.landmarks };
  } finally {
    batch.dispose();
  }
}
