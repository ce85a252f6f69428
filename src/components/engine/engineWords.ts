/**
 * What the engine status says, from what the worker reports: one plain line
 * for the teacher, and the technical facts for the collapsed "Technical
 * details" panel. The machinery's names (backends, WASM, parity) stay in the
 * facts.
 */
import type { InitResult } from '@/ml/worker/protocol';

const ON_GPU = new Set(['webgl', 'webgpu']);

/** The line the teacher reads once the engine is ready. */
export function readyLine(info: InitResult): string {
  const seconds = `Ready in ${(info.loadMs / 1000).toFixed(1)} s.`;
  if (ON_GPU.has(info.backend)) return `Faces are found and recognised on this phone, using its graphics chip for speed. ${seconds}`;
  if (info.check === 'pending') return `Faces are found and recognised on this phone. ${seconds} It may get faster in a minute, once it has tried this phone’s graphics chip.`;
  return `Faces are found and recognised on this phone. ${seconds}`;
}

const CHECK_WORDS: Record<InitResult['check'], string> = {
  pending: 'GPU check: waiting for an idle moment',
  done: 'GPU check: done in this session',
  earlier: 'GPU check: verdict kept from an earlier start',
};

/** The facts behind "Technical details", one per line. */
export function technicalFacts(info: InitResult): string[] {
  const facts = [`Backend: ${info.backend.toUpperCase()} — ${info.reason}`];
  if (info.wasm) facts.push(`WASM: SIMD ${info.wasm.simd ? 'on' : 'off'} · threads ${info.wasm.threads ? 'on' : 'off'}`);
  facts.push(`Cross-origin isolated: ${info.crossOriginIsolated ? 'yes' : 'no'}`);
  facts.push(CHECK_WORDS[info.check]);
  for (const a of info.attempts) facts.push(`${a.ok ? 'Chose' : 'Skipped'} ${a.backend} (${Math.round(a.ms)} ms): ${a.reason}`);
  facts.push(`Detectors: ${info.detectors.join(', ')}`);
  return facts;
}
