import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { BackendCheckInterrupted, checkCandidates, startBackend } from './backend';
import { compareResults } from './parity';
import { createNodePipeline } from './node';
import { decodeImageFile } from './node/decodeImageFile';
import { sampleBytes } from './node/testImages';
import type { FacePipeline } from './pipeline';
import type { AnalyzeResult } from './types';

describe('startBackend and checkCandidates', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('starts on the reference at once, with the backends ahead of it left to check, and checks nothing', async () => {
    const start = await startBackend({ preference: ['webgpu', 'cpu', 'wasm'] });
    expect(start.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(start.candidates).toEqual(['webgpu', 'cpu']);
  });

  it('starts on the backend that passed before, with nothing left to check; one that no longer starts gives the reference', async () => {
    const trusted = await startBackend({ preference: ['cpu', 'wasm'], trusted: 'cpu' });
    expect(trusted).toMatchObject({ backend: 'cpu', candidates: [] });
    expect(tf.getBackend()).toBe('cpu');
    const gone = await startBackend({ preference: ['webgpu', 'wasm', 'cpu'], trusted: 'webgpu' });
    expect(gone).toMatchObject({ backend: 'wasm', candidates: ['webgpu'] });
    expect(gone.reason).toContain('did not start');
  });

  it('skips a candidate that fails parity or is missing, says why, and leaves the reference active', async () => {
    await tf.setBackend('wasm');
    const choice = await checkCandidates({
      reference: 'wasm',
      candidates: ['webgpu', 'cpu'],
      measureReference: async () => {},
      parity: async () => ({ ok: false, reason: `${tf.getBackend()} found 0 faces, reference 3` }),
    });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.attempts.map((a) => [a.backend, a.ok])).toEqual([['webgpu', false], ['cpu', false]]);
    expect(choice.reason).toContain('cpu: cpu found 0 faces');
    expect(choice.attempts[0]!.reason).toBe('not available in this browser');
  });

  it('measures the reference on it first, then stays on the first candidate that passes', async () => {
    await tf.setBackend('wasm');
    const seen: string[] = [];
    const choice = await checkCandidates({
      reference: 'wasm',
      candidates: ['cpu'],
      measureReference: async () => void seen.push(`reference on ${tf.getBackend()}`),
      parity: async () => (seen.push(`parity on ${tf.getBackend()}`), { ok: true, reason: 'same faces' }),
    });
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(seen).toEqual(['reference on wasm', 'parity on cpu']);
  });

  it('an interrupted check goes back to the reference and throws, so that it can run again later', async () => {
    await tf.setBackend('wasm');
    const check = checkCandidates({
      reference: 'wasm',
      candidates: ['cpu'],
      measureReference: async () => {},
      parity: async () => {
        throw new BackendCheckInterrupted();
      },
    });
    await expect(check).rejects.toBeInstanceOf(BackendCheckInterrupted);
    expect(tf.getBackend()).toBe('wasm');
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
