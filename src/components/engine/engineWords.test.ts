import { describe, expect, it } from 'vitest';
import type { InitResult } from '@/ml/worker/protocol';
import { readyLine, technicalFacts } from './engineWords';

const JARGON = /wasm|simd|webgl|webgpu|backend|parity|trusted earlier/i;

const base: InitResult = {
  backend: 'wasm',
  reason: 'wasm: the reference, used at once',
  attempts: [],
  check: 'pending',
  detectors: ['ssd', 'tiny'],
  crossOriginIsolated: true,
  wasm: { simd: true, threads: true },
  loadMs: 4200,
};

describe('the engine status in words', () => {
  const states: InitResult[] = [
    base,
    { ...base, check: 'done', attempts: [{ backend: 'webgl', ok: false, reason: 'slower than the CPU here', ms: 900 }] },
    { ...base, backend: 'webgl', check: 'earlier', wasm: null, reason: 'webgl: passed the check on this device before' },
    { ...base, backend: 'webgpu', check: 'done', wasm: null },
  ];

  it('says what the teacher needs in plain words, with no name of the machinery', () => {
    for (const info of states) expect(readyLine(info)).not.toMatch(JARGON);
    expect(readyLine(base)).toContain('Ready in 4.2 s.');
    expect(readyLine(states[2]!)).toContain('graphics chip');
  });

  it('keeps the technical facts for the details panel', () => {
    const facts = technicalFacts(states[1]!).join('\n');
    expect(facts).toContain('Backend: WASM');
    expect(facts).toContain('SIMD on · threads on');
    expect(facts).toContain('Skipped webgl (900 ms): slower than the CPU here');
  });
});
