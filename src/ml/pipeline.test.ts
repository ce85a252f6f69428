import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createNodePipeline, loadWeightsFromDisk } from './node';
import { createDetector } from './detector';
import { decodeImageFile } from './node/decodeImageFile';
import { cropResize, encodeJpeg, SAMPLE_FACE_COUNTS, sampleBytes } from './node/testImages';
import type { FacePipeline } from './pipeline';
import type { AnalyzeResult, Face } from './types';
import { euclidean, iou } from './geometry';

/** face-api's published same-person threshold for these descriptors. */
const SAME_PERSON = 0.6;

let pipeline: FacePipeline;
const samples: tf.Tensor3D[] = [];
const results: AnalyzeResult[] = [];

beforeAll(async () => {
  pipeline = await createNodePipeline();
  for (let i = 1; i <= 6; i++) {
    // Half size keeps the suite quick; faces are still 80–110 px wide.
    const decoded = await decodeImageFile(sampleBytes(i), 960);
    samples.push(decoded.tensor);
  }
});

afterAll(() => {
  tf.dispose(samples);
  pipeline?.dispose();
});

function largest(faces: Face[]): Face {
  return faces.reduce((a, b) => (b.box.width > a.box.width ? b : a));
}

describe('detection on the sample photos', () => {
  it('finds every clearly visible face with SSD', async () => {
    for (const [i, image] of samples.entries()) {
      const r = await pipeline.analyze(image, { detector: 'ssd' });
      results.push(r);
      expect(r.faces.length, `sample${i + 1}`).toBe(SAMPLE_FACE_COUNTS[i]);
      for (const f of r.faces) {
        expect(f.landmarks).toHaveLength(68);
        expect(f.descriptor).toHaveLength(128);
        for (const p of f.landmarks) {
          expect(p.x).toBeGreaterThan(f.box.x - f.box.width * 0.3);
          expect(p.x).toBeLessThan(f.box.x + f.box.width * 1.3);
        }
      }
    }
  });

  it('tiny and MTCNN find the same faces as SSD (IoU ≥ 0.4)', async () => {
    for (const kind of ['tiny', 'mtcnn'] as const) {
      let matched = 0;
      let total = 0;
      for (const [i, image] of samples.entries()) {
        const boxes = await pipeline.detect(image, kind);
        for (const ref of results[i]!.faces) {
          total++;
          if (boxes.some((b) => iou(b.box, ref.box) >= 0.4)) matched++;
        }
        // No detector may invent many faces that SSD does not see.
        expect(boxes.length, `${kind} sample${i + 1}`).toBeLessThanOrEqual(SAMPLE_FACE_COUNTS[i]! + 1);
      }
      // MTCNN misses sample2's downward-looking, eyes-closed face; every other face must agree.
      expect(matched, kind).toBeGreaterThanOrEqual(total - 1);
    }
  });

  it('finds faces in tight passport-style 150×150 crops that a plain detector misses', async () => {
    const plain = createDetector('ssd', (await loadWeightsFromDisk(['ssd'])).ssd!);
    let ours = 0;
    let stock = 0;
    let total = 0;
    for (const [i, r] of results.entries()) {
      for (const f of r.faces) {
        const crop = cropResize(samples[i]!, f.box, 150);
        total++;
        if ((await pipeline.analyze(crop, { detector: 'ssd', embed: false })).faces.length === 1) ours++;
        if ((await plain.detect(crop)).length === 1) stock++;
        crop.dispose();
      }
    }
    plain.dispose();
    expect(total).toBe(22);
    // The two misses are sample2's profile and downward-looking faces.
    expect(ours).toBeGreaterThanOrEqual(20);
    expect(ours).toBeGreaterThan(stock);
  });
});

describe('descriptors', () => {
  it('are deterministic', async () => {
    const a = await pipeline.analyze(samples[2]!);
    const b = await pipeline.analyze(samples[2]!);
    expect(a.faces.map((f) => f.descriptor)).toEqual(b.faces.map((f) => f.descriptor));
  });

  it('keep one face within the same-person distance under flip, rescale, ±10° rotation and brightening, and different people farther apart', async () => {
    const image = samples[2]!;
    const ref = largest(results[2]!.faces);
    const [h, w] = image.shape;
    const variants: Record<string, tf.Tensor3D> = {
      flipped: tf.tidy(() => tf.reverse(image, 1)),
      rescaled: tf.tidy(() => tf.cast(tf.image.resizeBilinear(image, [Math.round(h * 0.6), Math.round(w * 0.6)]), 'int32')),
      'rotated +10°': tf.tidy(() => tf.squeeze(tf.image.rotateWithOffset(tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D, (10 * Math.PI) / 180, 0), [0]) as tf.Tensor3D),
      'rotated -10°': tf.tidy(() => tf.squeeze(tf.image.rotateWithOffset(tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D, (-10 * Math.PI) / 180, 0), [0]) as tf.Tensor3D),
      brightened: tf.tidy(() => tf.clipByValue(tf.add(tf.mul(tf.cast(image, 'float32'), 1.25), 20), 0, 255) as tf.Tensor3D),
    };
    const distances: Record<string, number> = {};
    for (const [name, t] of Object.entries(variants)) {
      const r = await pipeline.analyze(t as tf.Tensor3D);
      t.dispose();
      expect(r.faces.length, name).toBe(3);
      distances[name] = euclidean(largest(r.faces).descriptor!, ref.descriptor!);
    }
    const worstVariant = Math.max(...Object.values(distances));
    expect(worstVariant, JSON.stringify(distances)).toBeLessThan(SAME_PERSON * 0.75);

    // Every pair of different people in every sample photo is farther apart than the worst variant.
    let closestStrangers = Infinity;
    for (const r of results) {
      for (let a = 0; a < r.faces.length; a++) {
        for (let b = a + 1; b < r.faces.length; b++) {
          closestStrangers = Math.min(closestStrangers, euclidean(r.faces[a]!.descriptor!, r.faces[b]!.descriptor!));
        }
      }
    }
    expect(closestStrangers).toBeGreaterThan(worstVariant);
  });
});

describe('quality', () => {
  it('flags a blurred, darkened face and passes the sharp original', async () => {
    const image = samples[2]!;
    const sharp = await pipeline.analyze(image, { embed: false });
    const blurred = tf.tidy(() => {
      const f = tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D;
      const small = tf.image.resizeBilinear(f, [Math.round(image.shape[0] / 8), Math.round(image.shape[1] / 8)]);
      return tf.squeeze(tf.mul(tf.image.resizeBilinear(small, [image.shape[0], image.shape[1]]), 0.25), [0]) as tf.Tensor3D;
    });
    const soft = await pipeline.analyze(blurred, { embed: false });
    blurred.dispose();
    expect(soft.faces.length).toBeGreaterThan(0);
    for (const f of soft.faces) {
      expect(f.quality.issues).toContain('too-dark');
      expect(f.quality.sharpness).toBeLessThan(Math.min(...sharp.faces.map((s) => s.quality.sharpness)));
    }
    expect(sharp.faces.some((f) => f.quality.ok)).toBe(true);
  });
});

describe('resources', () => {
  it('leaves no tensor behind after 50 runs', async () => {
    const small = tf.tidy(() => tf.cast(tf.image.resizeBilinear(samples[0]!, [240, 360]), 'int32'));
    await pipeline.analyze(small);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await pipeline.analyze(small, { detector: (['ssd', 'tiny', 'mtcnn'] as const)[i % 3] });
    expect(tf.memory().numTensors).toBe(before);
    small.dispose();
  });

  it('frees every weight on dispose()', async () => {
    const start = tf.memory().numTensors;
    const p = await createNodePipeline(['tiny', 'landmarks68', 'recognition']);
    expect(tf.memory().numTensors).toBeGreaterThan(start);
    p.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('bad input', () => {
  it('gives each broken file its own clear error and keeps working', async () => {
    const bytes = sampleBytes(3);
    await expect(decodeImageFile(new TextEncoder().encode('just some text, not a photo'))).rejects.toMatchObject({ code: 'not-an-image' });
    await expect(decodeImageFile(bytes.subarray(0, 800))).rejects.toMatchObject({ code: 'truncated-image' });
    await expect(decodeImageFile(new Uint8Array(0))).rejects.toMatchObject({ code: 'not-an-image' });
    const empty = tf.zeros([0, 0, 3]) as tf.Tensor3D;
    await expect(pipeline.analyze(empty)).rejects.toMatchObject({ code: 'empty-image' });
    empty.dispose();
    const ok = await decodeImageFile(bytes);
    const r = await pipeline.analyze(ok.tensor, { detector: 'tiny', embed: false });
    ok.tensor.dispose();
    expect(r.faces).toHaveLength(3);
  });

  it('returns no faces, not an error, for a photo without people', async () => {
    const noise = tf.tidy(() => tf.cast(tf.mul(tf.randomUniform([480, 640, 3], 0, 1, 'float32', 7), 255), 'int32')) as tf.Tensor3D;
    const r = await pipeline.analyze(noise);
    noise.dispose();
    expect(r.faces).toHaveLength(0);
  });

  it('scales a huge photo down while decoding and still finds its faces', async () => {
    // 3× sample1 → 5760×3840 (22 MP), re-encoded as a JPEG.
    const big = tf.tidy(() => tf.cast(tf.image.resizeBilinear(samples[0]!, [samples[0]!.shape[0] * 6, samples[0]!.shape[1] * 6]), 'int32')) as tf.Tensor3D;
    const bytes = encodeJpeg(big, 80);
    big.dispose();
    const decoded = await decodeImageFile(bytes);
    expect(Math.max(decoded.originalWidth, decoded.originalHeight)).toBe(5760);
    expect(Math.max(...decoded.tensor.shape)).toBeLessThanOrEqual(2560);
    const r = await pipeline.analyze(decoded.tensor, { embed: false });
    decoded.tensor.dispose();
    expect(r.faces).toHaveLength(3);
  });

  it('honours EXIF orientation', async () => {
    const { withExifOrientation } = await import('./node/testImages');
    const plain = encodeJpeg(samples[2]!, 85);
    // Stored sideways (as a phone held upright writes it), tagged "rotate 90° clockwise to display".
    const sideways = tf.tidy(() => tf.reverse(tf.transpose(samples[2]!, [1, 0, 2]), 0)) as tf.Tensor3D;
    const tagged = withExifOrientation(encodeJpeg(sideways, 85), 6);
    sideways.dispose();
    const a = await decodeImageFile(plain);
    const b = await decodeImageFile(tagged);
    expect(b.tensor.shape).toEqual(a.tensor.shape);
    const ra = await pipeline.analyze(a.tensor);
    const rb = await pipeline.analyze(b.tensor);
    tf.dispose([a.tensor, b.tensor]);
    expect(rb.faces).toHaveLength(ra.faces.length);
    expect(euclidean(largest(rb.faces).descriptor!, largest(ra.faces).descriptor!)).toBeLessThan(0.2);
  });
});
