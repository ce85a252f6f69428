/** What scripts/faces.ts prints: the JSON document, the readable table and the exit status. */
import type { Box, Face, Point, Quality, StageTimings } from '../../src/ml/types';

export interface JsonFace {
  box: Box;
  score: number;
  landmarks: Point[];
  quality: Quality;
  descriptor?: number[];
}

export interface JsonTimings {
  decode: number;
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
  total: number;
}

export interface ImageOk {
  file: string;
  person?: string;
  width: number;
  height: number;
  faces: JsonFace[];
  timings: JsonTimings;
}

export interface ImageFailed {
  file: string;
  person?: string;
  error: { code: string; message: string };
}

export type ImageEntry = ImageOk | ImageFailed;

export interface FacesDocument {
  backend: string;
  backendReason: string;
  detector: string;
  images: ImageEntry[];
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  // -0 prints as 0 in JSON anyway, but keeps equality checks in tests honest.
  return Object.is(r, -0) ? 0 : r;
}

/** Decimals per kind of number: pixels to 0.1 px, scores to 1e-4, descriptors to 1e-4, milliseconds to 0.1 ms. */
export const DECIMALS = { px: 1, score: 4, descriptor: 4, ms: 1, angle: 1, stat: 1 } as const;

/**
 * The pipeline works on a possibly downscaled copy; boxes, landmarks and face
 * size are reported in the file's own pixels so they can be drawn on the original.
 */
export function toJsonFace(face: Face, scale = 1): JsonFace {
  const px = (v: number) => round(v / scale, DECIMALS.px);
  const q = face.quality;
  return {
    box: { x: px(face.box.x), y: px(face.box.y), width: px(face.box.width), height: px(face.box.height) },
    score: round(face.score, DECIMALS.score),
    landmarks: face.landmarks.map((p) => ({ x: px(p.x), y: px(p.y) })),
    quality: {
      sizePx: Math.round(q.sizePx / scale),
      sharpness: round(q.sharpness, DECIMALS.stat),
      brightness: round(q.brightness, DECIMALS.stat),
      yaw: round(q.yaw, DECIMALS.angle),
      pitch: round(q.pitch, DECIMALS.angle),
      roll: round(q.roll, DECIMALS.angle),
      ok: q.ok,
      issues: [...q.issues],
    },
    ...(face.descriptor ? { descriptor: face.descriptor.map((v) => round(v, DECIMALS.descriptor)) } : {}),
  };
}

export function toJsonTimings(decodeMs: number, t: StageTimings): JsonTimings {
  const ms = (v: number) => round(v, DECIMALS.ms);
  return {
    decode: ms(decodeMs),
    detect: ms(t.detect),
    landmarks: ms(t.landmarks),
    align: ms(t.align),
    embed: ms(t.embed),
    total: ms(decodeMs + t.total),
  };
}

export function isFailed(entry: ImageEntry): entry is ImageFailed {
  return 'error' in entry;
}

/** 0 when anything was processed, 1 when nothing was (including an empty input list). */
export function exitCode(images: readonly ImageEntry[]): 0 | 1 {
  return images.some((e) => !isFailed(e)) ? 0 : 1;
}

export function backendLine(backend: string, reason: string): string {
  return `Backend: ${backend} (${reason})`;
}

/** Plain-text report: the backend line, one row per image, then a summary. */
export function formatTable(doc: FacesDocument): string {
  const hasPerson = doc.images.some((e) => e.person !== undefined);
  const header = ['file', ...(hasPerson ? ['person'] : []), 'faces', 'ms'];
  const last = header.length - 1;
  const rows = doc.images.map((e) => {
    const cells = [e.file, ...(hasPerson ? [e.person ?? ''] : [])];
    if (isFailed(e)) return { failed: true, cells: [...cells, 'error', `${e.error.code}: ${e.error.message}`] };
    return { failed: false, cells: [...cells, String(e.faces.length), e.timings.total.toFixed(1)] };
  });
  // A failed row's last cell is a free-text message: it is never padded, so it does not widen the ms column.
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => i < last || !r.failed).map((r) => r.cells[i]!.length)),
  );
  const line = (cells: string[], failed: boolean) =>
    cells
      .map((c, i) => {
        if (i === last && failed) return c;
        // Counts and times right-aligned, names left-aligned.
        return i >= last - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  const failed = rows.filter((r) => r.failed).length;
  const faces = doc.images.reduce((n, e) => n + (isFailed(e) ? 0 : e.faces.length), 0);
  return [
    backendLine(doc.backend, doc.backendReason),
    `Detector: ${doc.detector}`,
    '',
    line(header, false),
    ...rows.map((r) => line(r.cells, r.failed)),
    '',
    `${doc.images.length} image(s): ${doc.images.length - failed} processed, ${failed} failed, ${faces} face(s) found.`,
  ].join('\n');
}
