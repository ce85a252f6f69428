/**
 * Pure box arithmetic for the MTCNN cascade. Boxes are continuous pixel
 * coordinates of the source image: [x1, x2) × [y1, y2), so pixel i spans
 * [i, i + 1) and its centre is i + 0.5.
 */

export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

/** P-Net looks at a 12×12 window every 2 pixels of a pyramid level. */
export const CELL_SIZE = 12;
export const CELL_STRIDE = 2;

/**
 * Pyramid scales: the first maps `minFaceSize` onto P-Net's 12-pixel window,
 * each next one shrinks by `factor` until the image's short side would drop
 * below one window. Faces under 12 pixels would need an upsampled level,
 * which costs more than the whole rest of the pyramid and finds faces too
 * small to recognise, so the first scale is capped at 1.
 */
export function pyramidScales(height: number, width: number, minFaceSize: number, factor = 0.709): number[] {
  const first = CELL_SIZE / Math.max(CELL_SIZE, minFaceSize);
  const shortSide = Math.min(height, width);
  const scales: number[] = [];
  for (let s = first; Math.floor(shortSide * s) >= CELL_SIZE; s *= factor) scales.push(s);
  return scales;
}

function area(b: Candidate): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/**
 * Greedy non-maximum suppression, best score first. 'union' is the usual IoU;
 * 'min' divides by the smaller box, so a small box inside a big one counts as
 * a duplicate: the final MTCNN stage relies on that to drop a part-face box
 * sitting inside the whole-face box.
 */
export function nms<T extends Candidate>(items: readonly T[], threshold: number, mode: 'union' | 'min'): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const areas = sorted.map(area);
  const suppressed = new Uint8Array(sorted.length);
  const kept: T[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (suppressed[i]) continue;
    const a = sorted[i]!;
    kept.push(a);
    for (let j = i + 1; j < sorted.length; j++) {
      if (suppressed[j]) continue;
      const b = sorted[j]!;
      const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
      if (w <= 0) continue;
      const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
      if (h <= 0) continue;
      const inter = w * h;
      const denom = mode === 'min' ? Math.min(areas[i]!, areas[j]!) : areas[i]! + areas[j]! - inter;
      if (denom > 0 && inter / denom > threshold) suppressed[j] = 1;
    }
  }
  return kept;
}

/** Applies a net's box offsets, given as fractions of the box's width and height. */
export function regress(box: Candidate, dx1: number, dy1: number, dx2: number, dy2: number, score = box.score): Candidate {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  return { x1: box.x1 + dx1 * w, y1: box.y1 + dy1 * h, x2: box.x2 + dx2 * w, y2: box.y2 + dy2 * h, score };
}

/** Grows the shorter side around the centre: R-Net and O-Net were trained on square crops. */
export function square(box: Candidate): Candidate {
  const side = Math.max(box.x2 - box.x1, box.y2 - box.y1);
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  return { x1: cx - side / 2, y1: cy - side / 2, x2: cx + side / 2, y2: cy + side / 2, score: box.score };
}

/**
 * Boxes for `tf.image.cropAndResize` ([y1, x1, y2, x2] in units of
 * (size - 1) pixels), chosen so that the `size` samples land on the centres of
 * `size` equal cells of the box, like an ordinary half-pixel-centre resize of
 * that region; the bare corners would stretch the crop by one output pixel.
 */
export function cropCoordinates(boxes: readonly Candidate[], width: number, height: number, size: number): Float32Array {
  const out = new Float32Array(boxes.length * 4);
  const nx = Math.max(1, width - 1);
  const ny = Math.max(1, height - 1);
  boxes.forEach((b, i) => {
    const hx = (b.x2 - b.x1) / (2 * size);
    const hy = (b.y2 - b.y1) / (2 * size);
    out[i * 4] = (b.y1 + hy - 0.5) / ny;
    out[i * 4 + 1] = (b.x1 + hx - 0.5) / nx;
    out[i * 4 + 2] = (b.y2 - hy - 0.5) / ny;
    out[i * 4 + 3] = (b.x2 - hx - 0.5) / nx;
  });
  return out;
}
