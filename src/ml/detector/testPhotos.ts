/**
 * Hard photos for the detection tests and the bench, made from face-api's npm
 * sample photos in Node (never stored): tight crops and a synthetic group
 * photo with faces on the tiles' seams. The samples are decoded with jpeg-js
 * directly, so these measure detection and nothing of the app's decoder.
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from '../types';
import type { FacePipeline } from '../pipeline';

const SAMPLES_DIR = join(import.meta.dirname, '../../../node_modules/@vladmandic/face-api/demo');

/** face-api's `sample<n>.jpg` as an int32 RGB tensor, scaled so its longer side is at most `maxSide`. */
export function decodeSample(n: number, maxSide: number): tf.Tensor3D {
  const { data, width, height } = jpeg.decode(readFileSync(join(SAMPLES_DIR, `sample${n}.jpg`)), { useTArray: true, formatAsRGBA: false });
  const k = Math.min(1, maxSide / Math.max(width, height));
  return tf.tidy(() => {
    const full = tf.tensor3d(data, [height, width, 3], 'int32');
    return k < 1 ? tf.cast(tf.image.resizeBilinear(full, [Math.round(height * k), Math.round(width * k)]), 'int32') : full;
  }) as tf.Tensor3D;
}

export interface GroupPhoto {
  /** int32 RGB, grey background. */
  image: tf.Tensor3D;
  /** Where each placed face's detection box went, in the group photo's pixels. */
  faces: Box[];
}

/** Group photo size: 2×2 tiles of 1200×900, whose inner edges are x 720 and 1200, y 540 and 900. */
export const GROUP_WIDTH = 1920;
export const GROUP_HEIGHT = 1440;
/** Side of each face's square cut-out in the group photo; the face inside is 50–75 px wide, under the 6% that starts tiling. */
export const GROUP_CELL = 160;

/**
 * Cell centres: a grid whose columns and rows include every inner tile edge,
 * each face on an edge shifted by a different fraction of its width, so the
 * seam cuts faces in the middle, off-centre and near their side.
 */
export function groupLayout(seamsX: number[], seamsY: number[], cell = GROUP_CELL): { x: number; y: number }[] {
  const offsets = [0, 0.2, -0.2, 0.35, -0.35, 0.1];
  const cols = [110, 290, 470, ...seamsX, 960, 1440, 1800].sort((a, b) => a - b);
  const rows = [110, 300, ...seamsY, 720, 1110, 1320].sort((a, b) => a - b);
  const out: { x: number; y: number }[] = [];
  let k = 0;
  for (const y of rows) {
    for (const x of cols) {
      const dx = seamsX.includes(x) ? offsets[k++ % offsets.length]! * cell * 0.63 : 0;
      const dy = seamsY.includes(y) ? offsets[k++ % offsets.length]! * cell * 0.63 : 0;
      out.push({ x: x + dx, y: y + dy });
    }
  }
  return out;
}

/**
 * A synthetic class photo: the faces SSD finds in face-api's six samples
 * (frontal ones),
 * each cut square with margin (then mirrored copies, then the same again until
 * every cell is filled), pasted on grey at `centres`.
 */
export async function buildGroupPhoto(pipeline: FacePipeline, centres: { x: number; y: number }[], cell = GROUP_CELL): Promise<GroupPhoto> {
  const cuts: { pixels: Float32Array; face: Box }[] = [];
  for (let n = 1; n <= 6; n++) {
    const photo = decodeSample(n, 960);
    const [h, w] = photo.shape;
    // A turned head (sample 2's profile) is found or not by chance at this size: recall there says nothing about seams.
    for (const f of (await pipeline.analyze(photo, { detector: 'ssd', embed: false })).faces.filter((x) => !x.quality.issues.includes('turned'))) {
      const side = Math.max(f.box.width, f.box.height) * 1.6;
      const x0 = f.box.x + f.box.width / 2 - side / 2;
      const y0 = f.box.y + f.box.height / 2 - side / 2;
      const cut = tf.tidy(() =>
        tf.image.cropAndResize(tf.expandDims(tf.cast(photo, 'float32'), 0) as tf.Tensor4D, [[y0 / (h - 1), x0 / (w - 1), (y0 + side) / (h - 1), (x0 + side) / (w - 1)]], [0], [cell, cell], 'bilinear', 128),
      );
      const k = cell / side;
      cuts.push({ pixels: (await cut.data()) as Float32Array, face: { x: (f.box.x - x0) * k, y: (f.box.y - y0) * k, width: f.box.width * k, height: f.box.height * k } });
      cut.dispose();
    }
    photo.dispose();
  }
  const canvas = new Int32Array(GROUP_WIDTH * GROUP_HEIGHT * 3).fill(128);
  const faces: Box[] = [];
  centres.forEach((c, i) => {
    const cut = cuts[i % cuts.length]!;
    const variant = Math.floor(i / cuts.length);
    const left = Math.round(c.x - cell / 2);
    const top = Math.round(c.y - cell / 2);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const sx = variant % 2 ? cell - 1 - x : x;
        for (let ch = 0; ch < 3; ch++) {
          const v = cut.pixels[(y * cell + sx) * 3 + ch]!;
          canvas[((top + y) * GROUP_WIDTH + left + x) * 3 + ch] = Math.min(255, Math.round(v));
        }
      }
    }
    const fx = variant % 2 ? cell - cut.face.x - cut.face.width : cut.face.x;
    faces.push({ x: left + fx, y: top + cut.face.y, width: cut.face.width, height: cut.face.height });
  });
  return { image: tf.tensor3d(canvas, [GROUP_HEIGHT, GROUP_WIDTH, 3], 'int32'), faces };
}

/** Each placed face matched to the detections whose centre lies in its box: found once, twice or more, or missed; and detections of nothing. */
export function countGroupMatches(placed: Box[], found: Box[]): { found: number; missed: number; duplicates: number; strays: number } {
  const inside = (p: Box, d: Box) => {
    const cx = d.x + d.width / 2;
    const cy = d.y + d.height / 2;
    return cx >= p.x && cx <= p.x + p.width && cy >= p.y && cy <= p.y + p.height;
  };
  const hits = placed.map((p) => found.filter((d) => inside(p, d)).length);
  return {
    found: hits.filter((n) => n >= 1).length,
    missed: hits.filter((n) => n === 0).length,
    duplicates: hits.reduce((s, n) => s + Math.max(0, n - 1), 0),
    strays: found.filter((d) => !placed.some((p) => inside(p, d))).length,
  };
}
