import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { serializeClassifier, trainClassifier } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import { studentsInArtifact } from './modelArtifact';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('the students a model artifact names', () => {
  it('reads the class list of a real serialised classifier', async () => {
    const { samples } = syntheticPeople({ classes: 3, perClass: 4, seed: 3 });
    const model = await trainClassifier(samples);
    const bytes = await serializeClassifier(model);
    expect(studentsInArtifact(bytes)?.sort()).toEqual([...new Set(samples.map((s) => s.label))].sort());
    // At an offset inside a larger buffer, as IndexedDB may hand it back.
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 8);
    expect(studentsInArtifact(padded.subarray(8))?.length).toBe(3);
  });

  it('is null for bytes that are not a classifier', () => {
    expect(studentsInArtifact(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(studentsInArtifact(new Uint8Array(64))).toBeNull();
    expect(studentsInArtifact(undefined)).toBeNull();
  });
});
