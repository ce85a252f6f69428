import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { chooseBackend } from './backend';
import { compareResults } from './parity';
import { createNodePipeline } from './node';
import { decodeImageFile } from './node/decodeImageFile';
import { sampleBytes } from './node/testImages';
import type { FacePipeline } from './pipeline';
import type { AnalyzeResult } from './types';

describe('chooseBackend', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('skips a backend that fails parity and says why', async () => {
    const choice = await chooseBackend({
      preference: ['webgpu', 'cpu', 'wasm'],
      parity: async (name) => ({ ok: false, reason: `${name} found 0 faces, reference 3` }),
    });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.attempts.map((a) => [a.backend, a.ok])).toEqual([['webgpu', false], ['cpu', false], ['wasm', true]]);
    expect(choice.reason).toContain('cpu: cpu found 0 faces');
    expect(choice.attempts[0]!.reason).toBe('not available in this browser');
  });

  it('takes the first backend that passes, and trusts an earlier verdict without checking', async () => {
    const checked: string[] = [];
    const parity = async (name: string) => {
      checked.push(name);
      return { ok: true, reason: 'same faces' };
    };
    expect((await chooseBackend({ preference: ['cpu', 'wasm'], parity })).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(checked).toEqual(['cpu']);
    const trusted = await chooseBackend({ preference: ['cpu', 'wasm'], parity, trusted: 'cpu' });
    expect(trusted.backend).toBe('cpu');
    expect(checked).toEqual(['cpu']);
  });
});

describe('parity between the backends available in Node', () => {
  let pipeline: FacePipeline;
  let image: tf.Tensor3D;

  beforeAll(async () => {
    pipeline = await createNodePipeline(['tiny', 'landmarks68', 'recognition']);
    image = (await decodeImageFile(sampleBytes(3), 480)).tensor;
  });

  afterAll(() => {
    image?.dispose();
    pipeline?.dispose();
  });

  it('WASM and CPU find the same faces with the same descriptors', async () => {
    await tf.setBackend('wasm');
    const onWasm = await pipeline.analyze(image, { detector: 'tiny' });
    await tf.setBackend('cpu');
    const onCpu = await pipeline.analyze(image, { detector: 'tiny' });
    await tf.setBackend('wasm');
    expect(onWasm.faces).toHaveLength(3);
    expect(onCpu.backend).toBe('cpu');
    const verdict = compareResults(onWasm, onCpu);
    expect(verdict.reason).toContain('matches the reference');
    expect(verdict.ok).toBe(true);
  });

  it('rejects a result with a missing face or a shifted descriptor', async () => {
    const ref = await pipeline.analyze(image, { detector: 'tiny' });
    const missing: AnalyzeResult = { ...ref, faces: ref.faces.slice(1) };
    expect(compareResults(ref, missing)).toMatchObject({ ok: false });
    const shifted: AnalyzeResult = { ...ref, faces: ref.faces.map((f) => ({ ...f, descriptor: f.descriptor!.map((v) => v + 0.02) })) };
    const verdict = compareResults(ref, shifted);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toContain('descriptor distance');
  });
});
