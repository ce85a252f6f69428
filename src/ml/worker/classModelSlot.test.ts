import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { serializeClassifier, trainClassifier } from '../classifier';
import { syntheticPeople } from '../classifier/syntheticFaces';
import { PipelineError } from '../types';
import { createClassModelSlot } from './classModelSlot';

const people = syntheticPeople({ classes: 3, perClass: 4, seed: 3 });
let seventh: Uint8Array;
let retrained: Uint8Array;

beforeAll(async () => {
  await tf.setBackend('wasm');
  seventh = await serializeClassifier(await trainClassifier(people.samples, { id: 'model-7b', folds: 0 }));
  retrained = await serializeClassifier(await trainClassifier([...people.samples, ...people.draw(0, 2).map((descriptor) => ({ label: 'p0', descriptor }))], { id: 'model-7b-2', folds: 0 }));
});

describe('the class model the worker holds', () => {
  it('is parsed once per version, swapped for another version, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const slot = createClassModelSlot();
    const first = await slot.load('v1', seventh);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(await slot.load('v1', seventh)).toBe(first);
    expect(slot.use('v1')).toBe(first);
    const faces = people.draw(1, 2);
    const named = await slot.use('v1').classify(faces);
    expect(named.map((r) => r.label)).toEqual(['p1', 'p1']);
    expect(tf.memory().numTensors).toBe(before + 1);

    // A retrained model (or another class's) replaces it; the old one's weights are freed.
    const second = await slot.load('v2', retrained);
    expect(second.model.meta.id).toBe('model-7b-2');
    expect(slot.version).toBe('v2');
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(() => first.classify(faces)).toThrow('disposed');

    slot.dispose();
    expect(slot.version).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a version it does not hold, and keeps its model when a damaged one is offered', async () => {
    const before = tf.memory().numTensors;
    const slot = createClassModelSlot();
    expect(() => slot.use('v1')).toThrow(PipelineError);
    await slot.load('v1', seventh);
    try {
      slot.use('v2');
      expect.unreachable();
    } catch (err) {
      expect((err as PipelineError).code).toBe('class-model-not-loaded');
    }
    const damaged = seventh.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    await expect(slot.load('v2', damaged)).rejects.toMatchObject({ code: 'checksum-mismatch' });
    expect(slot.version).toBe('v1');
    expect(tf.memory().numTensors).toBe(before + 1);
    slot.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
