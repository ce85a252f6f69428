import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createNodePipeline } from './node';
import { decodeImageFile } from './node/decodeImageFile';
import { sampleBytes } from './node/testImages';
import type { FacePipeline } from './pipeline';
import { recognizeFaces } from './recognize';
import { parseClassifier, serializeClassifier, trainClassifier, UNKNOWN, type TrainingSample } from './classifier';
import { euclidean } from './geometry';

/**
 * Enrol the three people of sample3 from altered copies of the photo, then
 * recognise them in a copy the classifier never saw, with sample1's three
 * people as strangers.
 */
let pipeline: FacePipeline;
let photo: tf.Tensor3D;
let strangersPhoto: tf.Tensor3D;
const names = ['Ana', 'Bea', 'Cleo'];

function variant(image: tf.Tensor3D, kind: string): tf.Tensor3D {
  return tf.tidy(() => {
    const f = tf.cast(image, 'float32');
    const [h, w] = image.shape;
    switch (kind) {
      case 'smaller': return tf.image.resizeBilinear(f, [Math.round(h * 0.7), Math.round(w * 0.7)]);
      case 'brighter': return tf.clipByValue(tf.add(tf.mul(f, 1.15), 15), 0, 255);
      case 'darker': return tf.mul(f, 0.75);
      case 'tilted': return tf.squeeze(tf.image.rotateWithOffset(tf.expandDims(f, 0) as tf.Tensor4D, (6 * Math.PI) / 180, 0), [0]);
      default: return f;
    }
  }) as tf.Tensor3D;
}

beforeAll(async () => {
  pipeline = await createNodePipeline(['ssd', 'landmarks68', 'recognition']);
  photo = (await decodeImageFile(sampleBytes(3), 960)).tensor;
  strangersPhoto = (await decodeImageFile(sampleBytes(1), 960)).tensor;
});

afterAll(() => {
  tf.dispose([photo, strangersPhoto]);
  pipeline?.dispose();
});

describe('recognising enrolled students', () => {
  it('names each enrolled face in an unseen photo, keeps strangers out, and honours the roster', async () => {
    const reference = await pipeline.analyze(photo);
    expect(reference.faces).toHaveLength(3);
    // Faces are labelled left to right in the reference photo; in the variants, by the nearest reference descriptor.
    const order = reference.faces.map((f, i) => ({ x: f.box.x, i })).sort((a, b) => a.x - b.x).map((o) => o.i);
    const labelOf = (descriptor: number[]) => {
      const d = reference.faces.map((f) => euclidean(f.descriptor!, descriptor));
      return names[order.indexOf(d.indexOf(Math.min(...d)))]!;
    };

    const samples: TrainingSample[] = [];
    for (const kind of ['original', 'smaller', 'brighter', 'darker']) {
      const t = variant(photo, kind);
      const r = await pipeline.analyze(t);
      t.dispose();
      for (const f of r.faces) samples.push({ label: labelOf(f.descriptor!), descriptor: f.descriptor! });
    }
    expect(samples).toHaveLength(12);

    // Through the artifact, as the app stores and reloads it.
    const model = await parseClassifier(await serializeClassifier(await trainClassifier(samples)));
    expect([...model.meta.classes].sort()).toEqual(names);

    const unseen = variant(photo, 'tilted');
    const before = tf.memory().numTensors;
    const seen = await recognizeFaces(pipeline, unseen, model);
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.recognitions.map((r) => r.label).sort()).toEqual(names);
    for (const r of seen.recognitions) expect(r.probability).toBeGreaterThan(0.5);

    const strangers = await recognizeFaces(pipeline, strangersPhoto, model);
    expect(strangers.result.faces).toHaveLength(3);
    // One of sample1's women sits 0.45 from Bea's photos, well inside face-api's own
    // 0.6 "same person" rule: with three enrolled people and one photo each there
    // is too little impostor data to set the bar below that. The pooled stranger
    // rate over real collections is measured by `npm run eval`, not here.
    const named = strangers.recognitions.filter((r) => r.label !== UNKNOWN);
    expect(named.length).toBeLessThanOrEqual(1);
    for (const r of named) expect(r.distance!).toBeLessThan(model.openSet.point.threshold);
    expect(strangers.recognitions.filter((r) => r.label === UNKNOWN).every((r) => r.reason !== 'accepted')).toBe(true);

    // Cleo is not in this session's class: her face must stay unknown, the others keep their names.
    const partial = await recognizeFaces(pipeline, unseen, model, { roster: ['Ana', 'Bea'] });
    unseen.dispose();
    expect(partial.recognitions.map((r) => r.label).sort()).toEqual(['Ana', 'Bea', UNKNOWN]);
  });
});
