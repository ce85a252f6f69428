import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { checkCandidates } from './backend';
import { createParityRun } from './parity';
import type { AnalyzeResult, BackendName, DetectorKind, Face } from './types';

const face = (x: number, descriptor: number[]): Face => ({ box: { x, y: 10, width: 50, height: 50 }, score: 0.9, landmarks: [], descriptor }) as unknown as Face;

/** Stands in for the pipeline: answers by backend, after `delayMs` of "work" on that backend. */
function fakeAnalyze(answers: Partial<Record<BackendName, { faces: Face[]; delayMs: number }>>) {
  const calls: { backend: string; detector?: DetectorKind; embed?: boolean }[] = [];
  const analyze = async (_image: tf.Tensor3D, options: { detector?: DetectorKind; embed?: boolean }): Promise<AnalyzeResult> => {
    const backend = tf.getBackend() as BackendName;
    calls.push({ backend, detector: options.detector, embed: options.embed });
    const answer = answers[backend]!;
    await new Promise((r) => setTimeout(r, answer.delayMs));
    return { width: 640, height: 480, faces: answer.faces, backend, detector: options.detector!, timings: {} as AnalyzeResult['timings'] };
  };
  return { analyze, calls };
}

const twoFaces = [face(10, [0.1, 0.2]), face(200, [0.3, 0.4])];

describe('the backend parity run', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  async function run(answers: Parameters<typeof fakeAnalyze>[0]) {
    const fake = fakeAnalyze(answers);
    const before = tf.memory().numTensors;
    const check = createParityRun({ detectors: ['ssd', 'tiny'], photo: async () => tf.zeros([4, 4, 3]), analyze: fake.analyze });
    await tf.setBackend('wasm');
    const choice = await checkCandidates({ reference: 'wasm', candidates: ['cpu'], measureReference: () => check.measureReference(), parity: () => check.parity() });
    // Measured once: a second round compares with the same answers and runs nothing more on the reference.
    await check.measureReference();
    expect(tf.memory().numTensors).toBe(before);
    return { choice, calls: fake.calls };
  }

  it('takes a candidate with the reference’s faces that is not slower, after every detector ran on both', async () => {
    const { choice, calls } = await run({ wasm: { faces: twoFaces, delayMs: 20 }, cpu: { faces: twoFaces, delayMs: 1 } });
    expect(choice.backend).toBe('cpu');
    expect(choice.attempts[0]!.reason).toMatch(/^same faces and descriptors as the reference/);
    expect(calls.filter((c) => c.backend === 'wasm')).toHaveLength(3);
    // The first detector embedding, its chain timed warm, then the other detector.
    expect(calls.filter((c) => c.backend === 'cpu').map((c) => [c.detector, c.embed])).toEqual([['ssd', true], ['ssd', undefined], ['tiny', false]]);
  });

  it('skips a candidate that finds other faces, or is slower than the reference, with the reason', async () => {
    const wrong = await run({ wasm: { faces: twoFaces, delayMs: 1 }, cpu: { faces: twoFaces.slice(1), delayMs: 1 } });
    expect(wrong.choice.backend).toBe('wasm');
    expect(wrong.choice.attempts[0]).toMatchObject({ backend: 'cpu', ok: false, reason: 'ssd on cpu found 1 faces, reference 2' });

    const slow = await run({ wasm: { faces: twoFaces, delayMs: 1 }, cpu: { faces: twoFaces, delayMs: 300 } });
    expect(slow.choice.backend).toBe('wasm');
    expect(slow.choice.attempts[0]!.reason).toMatch(/^slower than the CPU here/);
    // Turned down before the other detector ran on it.
    expect(slow.calls.filter((c) => c.backend === 'cpu').map((c) => c.detector)).toEqual(['ssd', 'ssd']);
  });

  it('without a reference measured no candidate passes', async () => {
    const check = createParityRun({ detectors: ['ssd'], photo: async () => tf.zeros([4, 4, 3]), analyze: fakeAnalyze({}).analyze });
    expect(await check.parity()).toMatchObject({ ok: false });
  });
});
