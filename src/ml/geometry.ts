/** Pure box and point arithmetic shared by detectors and the pipeline. */
import type { Box, Point } from './types';

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of the smaller box that lies inside the larger: 1 when one box holds the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return smaller > 0 ? (w * h) / smaller : 0;
}

export function clipBox(box: Box, width: number, height: number): Box {
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  return {
    x,
    y,
    width: Math.max(0, Math.min(width, box.x + box.width) - x),
    height: Math.max(0, Math.min(height, box.y + box.height) - y),
  };
}

export function mean(points: Point[]): Point {
  const n = points.length || 1;
  return { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * Head pose from the 68 landmarks, in degrees. These are geometric estimates,
 * good to about ±10°: enough to tell "facing the camera" from "turned away".
 */
export function poseFromLandmarks(points: Point[]): { yaw: number; pitch: number; roll: number } {
  const leftEye = mean(points.slice(36, 42));
  const rightEye = mean(points.slice(42, 48));
  const nose = points[30]!;
  const jawLeft = points[0]!;
  const jawRight = points[16]!;
  const mouth = mean([points[48]!, points[54]!]);
  const roll = (Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x) * 180) / Math.PI;
  // Where the nose tip sits between the jaw edges: 0.5 when facing the camera.
  const toLeft = distance(nose, jawLeft);
  const toRight = distance(jawRight, nose);
  const ratio = toLeft / (toLeft + toRight || 1);
  const yaw = (Math.asin(Math.max(-1, Math.min(1, (ratio - 0.5) * 2))) * 180) / Math.PI;
  // Nose tip between the eye line and the mouth line: about 0.55 when level.
  const eyes = mean([leftEye, rightEye]);
  const span = distance(mouth, eyes) || 1;
  const noseDrop = distance(nose, eyes) / span;
  const pitch = (Math.asin(Math.max(-1, Math.min(1, (noseDrop - 0.55) * 2.5))) * 180) / Math.PI;
  return { yaw, pitch, roll };
}
