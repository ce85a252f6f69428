import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createNodePipeline } from '../node';
import { decodeImageFile } from '../node/decodeImageFile';
import { readManifestFromDisk, readModelFileFromDisk } from '../node/readModelFiles';
import { sampleBytes } from '../node/testImages';
import type { FacePipeline } from '../pipeline';
import type { Face } from '../types';
import { cropBox, LOW_LIVENESS, loadPassiveLiveness, runChallenge, type ChallengeFrame, type PassiveLivenessModel } from '.';

let pipeline: FacePipeline;
let passive: PassiveLivenessModel;
let image: tf.Tensor3D;
let faces: Face[];

beforeAll(async () => {
  pipeline = await createNodePipeline(['ssd', 'landmarks68', 'recognition']);
  passive = await loadPassiveLiveness(await readManifestFromDisk(), readModelFileFromDisk());
  image = (await decodeImageFile(sampleBytes(1), 960)).tensor;
  faces = (await pipeline.analyze(image, { embed: false })).faces;
});

afterAll(() => {
  image?.dispose();
  passive?.dispose();
  pipeline?.dispose();
});

describe('passive liveness models', () => {
  it('score the faces of a real photo as live, each score within 0..1', async () => {
    expect(faces.length).toBeGreaterThan(1);
    const scores = await passive.score(image, faces.map((f) => f.box));
    expect(scores).toHaveLength(faces.length);
    for (const s of scores) {
      for (const v of [s.antispoof, s.liveness, s.score]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(s.score).toBeGreaterThan(LOW_LIVENESS);
    }
  });

  it('leave no tensors behind, with faces, without faces and after dispose', async () => {
    await passive.score(image, faces.map((f) => f.box));
    const before = tf.memory().numTensors;
    await passive.score(image, faces.map((f) => f.box));
    expect(await passive.score(image, [])).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);

    const own = await loadPassiveLiveness(await readManifestFromDisk(), readModelFileFromDisk());
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    await own.score(image, [faces[0]!.box]);
    expect(tf.memory().numTensors).toBe(loaded);
    own.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('crops a square 1.4× the box about its centre, as Human does', () => {
    const [y1, x1, y2, x2] = cropBox({ x: 100, y: 50, width: 100, height: 50 }, 400, 200);
    expect((x2 - x1) * 400).toBeCloseTo(140);
    expect((y2 - y1) * 200).toBeCloseTo(140);
    expect(((x1 + x2) / 2) * 400).toBeCloseTo(150);
    expect(((y1 + y2) / 2) * 200).toBeCloseTo(75);
  });
});

describe('a still photo replayed as video', () => {
  it('fails the active challenge on landmarks the real pipeline finds, even tilted back and forth', async () => {
    const frames: ChallengeFrame[] = [];
    // The photo as a fake camera plays it, then squashed vertically and sideways as a hand tilting a print would.
    const squashes = [[1, 1], [1, 1], [0.8, 1], [0.6, 1], [0.8, 1], [1, 1], [1, 0.7], [1, 0.5], [1, 0.7], [1, 1]];
    for (const [i, [sy, sx]] of squashes.entries()) {
      const [h, w] = image.shape;
      const frame = tf.tidy(() => tf.image.resizeBilinear(image, [Math.round(h * sy!), Math.round(w * sx!)]) as tf.Tensor3D);
      try {
        const found = (await pipeline.analyze(frame, { embed: false, tiling: 'off' })).faces;
        // The first face of the photo, found again in each frame; its box in the unsquashed frame's
        // scale, so the track holds and the cues are what is tested.
        const boxes = found.map((f) => ({ x: f.box.x / sx!, y: f.box.y / sy!, width: f.box.width / sx!, height: f.box.height / sy! }));
        const target = faces[0]!.box;
        const centre = (b: { x: number; y: number; width: number; height: number }) => [b.x + b.width / 2, b.y + b.height / 2] as const;
        const off = (b: typeof target) => Math.hypot(centre(b)[0] - centre(target)[0], centre(b)[1] - centre(target)[1]);
        const k = boxes.reduce((best, b, j) => (off(b) < off(boxes[best]!) ? j : best), 0);
        frames.push({ at: i * 1000, faces: [{ box: boxes[k]!, landmarks: found[k]!.landmarks }] });
      } finally {
        frame.dispose();
      }
    }
    for (const kind of ['blink', 'turn-left', 'turn-right'] as const) {
      const state = runChallenge([kind], frames);
      expect(state.status, kind).toBe('failed');
      expect(state.failure, kind).toBe('timeout');
    }
  });
});
