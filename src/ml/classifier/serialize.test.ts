import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { classify, trainClassifier, type Classifier } from './index';
import { FORMAT_VERSION, parseClassifier, serializeClassifier } from './serialize';
import { syntheticPeople } from './syntheticFaces';
import { ClassifierError, CURRENT_DESCRIPTOR } from './types';
import { codeOf } from './testing';

let model: Classifier;
let bytes: Uint8Array;
const people = syntheticPeople({ classes: 5, perClass: 4, seed: 21 });

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  model = await trainClassifier(people.samples, {
    negatives: [{ label: 'p1', descriptor: people.draw(9, 1)[0]! }],
    id: 'model-1',
    now: new Date('2025-01-02T03:04:05Z'),
    svm: { epochs: 40 },
  });
  bytes = await serializeClassifier(model);
});

/** Recomputes the checksum, so a test can reach the checks behind it. */
async function resealed(b: Uint8Array): Promise<Uint8Array> {
  const out = b.slice();
  const body = new Uint8Array(16 + out.length - 48);
  body.set(out.subarray(0, 16), 0);
  body.set(out.subarray(48), 16);
  out.set(new Uint8Array(await crypto.subtle.digest('SHA-256', body)), 16);
  return out;
}

function withHeader(b: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const h = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(b.subarray(48, 48 + h))) as Record<string, unknown>;
  edit(header);
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 4) * 4).fill(0x20);
  padded.set(json);
  json = padded;
  const out = new Uint8Array(48 + json.length + (b.length - 48 - h));
  out.set(b.subarray(0, 48));
  out.set(json, 48);
  out.set(b.subarray(48 + h), 48 + json.length);
  new DataView(out.buffer).setUint32(8, json.length, true);
  return out;
}

describe('serializeClassifier / parseClassifier', () => {
  it('round-trips every field and gives the same answers', async () => {
    expect(bytes.length).toBeLessThan(20_000);
    const back = await parseClassifier(bytes);
    expect(back.meta).toEqual(model.meta);
    expect(back.calibration).toEqual(model.calibration);
    expect(back.openSet).toEqual(model.openSet);
    expect(back.svm.classes).toEqual(model.svm.classes);
    expect(back.svm.descriptorVersion).toBe(CURRENT_DESCRIPTOR.version);
    expect(Array.from(back.svm.weights)).toEqual(Array.from(model.svm.weights));
    expect(Array.from(back.svm.normaliser.mean)).toEqual(Array.from(model.svm.normaliser.mean));
    expect(Array.from(back.gallery.x)).toEqual(Array.from(model.gallery.x));
    expect(Array.from(back.gallery.negY)).toEqual([1]);
    const faces = [...people.draw(0, 2), ...people.draw(50, 1)];
    expect(await classify(back, faces)).toEqual(await classify(model, faces));
  });

  it('parses from a view at an odd offset into a larger buffer', async () => {
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const back = await parseClassifier(big.subarray(3));
    expect(back.meta.id).toBe('model-1');
  });

  it('refuses a flipped byte in the weights with checksum-mismatch', async () => {
    const bad = bytes.slice();
    bad[bad.length - 100]! ^= 0x01;
    expect(await codeOf(parseClassifier(bad))).toBe('checksum-mismatch');
  });

  it('refuses a flipped byte in the header with checksum-mismatch', async () => {
    const bad = bytes.slice();
    bad[60]! ^= 0x20;
    expect(await codeOf(parseClassifier(bad))).toBe('checksum-mismatch');
  });

  it('refuses truncated, padded, empty or foreign bytes as corrupt', async () => {
    expect(await codeOf(parseClassifier(bytes.subarray(0, bytes.length - 1)))).toBe('corrupt-model');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(await codeOf(parseClassifier(longer))).toBe('corrupt-model');
    expect(await codeOf(parseClassifier(new Uint8Array(0)))).toBe('corrupt-model');
    expect(await codeOf(parseClassifier(new TextEncoder().encode('{"not":"a model"}'.padEnd(64))))).toBe('corrupt-model');
  });

  it('refuses another format version, before the checksum', async () => {
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint16(4, FORMAT_VERSION + 1, true);
    const err = await parseClassifier(newer).catch((e: ClassifierError) => e);
    expect(err).toMatchObject({ code: 'unsupported-format-version' });
    expect((err as Error).message).toMatch(/Update the app/);
  });

  it('refuses a sealed blob whose header is not JSON or misses arrays', async () => {
    const garbage = bytes.slice();
    garbage.fill(0x7b, 48, 60);
    expect(await codeOf(parseClassifier(await resealed(garbage)))).toBe('corrupt-model');
    const noArrays = withHeader(bytes, (h) => {
      h.arrays = (h.arrays as { name: string }[]).filter((a) => a.name !== 'weights');
    });
    expect(await codeOf(parseClassifier(await resealed(noArrays)))).toBe('corrupt-model');
  });

  it('refuses a model trained on another descriptor version or dimension', async () => {
    expect(await codeOf(parseClassifier(bytes, { descriptor: { version: 'arcface-r100', dimension: 128 } }))).toBe('descriptor-mismatch');
    expect(await codeOf(parseClassifier(bytes, { descriptor: { ...CURRENT_DESCRIPTOR, dimension: 512 } }))).toBe('descriptor-mismatch');
    const older = withHeader(bytes, (h) => {
      (h.meta as { descriptor: unknown }).descriptor = { version: 'faceapi-resnet34/old-align', dimension: 128 };
    });
    expect(await codeOf(parseClassifier(await resealed(older)))).toBe('descriptor-mismatch');
  });
});
