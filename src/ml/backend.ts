/**
 * The only caller of tf.setBackend. The engine starts at once, on the backend
 * that passed the check on this device before or else on the reference
 * (WASM, else CPU), so a first start never waits for a GPU. The GPU backends
 * are checked later, between calls (checkCandidates): one is used only after
 * it has shown the same faces and descriptors as the reference on a fixed
 * photo, at least as fast, so a driver that runs but computes wrong answers,
 * or an emulated GPU, is skipped with the reason.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './types';
import { PipelineError } from './types';

export const BACKEND_PREFERENCE: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const REFERENCES: readonly BackendName[] = ['wasm', 'cpu'];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason: string;
  ms: number;
}

export interface BackendChoice {
  backend: BackendName;
  reason: string;
  attempts: BackendAttempt[];
}

export interface BackendStart {
  backend: BackendName;
  reason: string;
  /** Backends ahead of this one in the preference that no check has judged yet; empty when it passed before. */
  candidates: BackendName[];
}

export interface ParityVerdict {
  ok: boolean;
  reason: string;
}

/** Thrown by a check's work when a call is waiting: the check stops, back on the reference, and runs again later. */
export class BackendCheckInterrupted extends Error {
  constructor() {
    super('The backend check gave way to a waiting call.');
    this.name = 'BackendCheckInterrupted';
  }
}

export async function trySetBackend(name: BackendName): Promise<boolean> {
  if (!tf.findBackendFactory(name)) return false;
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Starts on `trusted` when it still starts, else on the reference; nothing is checked here. */
export async function startBackend(options: { preference?: BackendName[]; trusted?: BackendName } = {}): Promise<BackendStart> {
  const preference = options.preference ?? BACKEND_PREFERENCE;
  const trusted = options.trusted;
  if (trusted && preference.includes(trusted) && (await trySetBackend(trusted))) {
    return { backend: trusted, reason: `${trusted}: passed the check on this device before`, candidates: [] };
  }
  for (const name of REFERENCES) {
    if (preference.includes(name) && (await trySetBackend(name))) {
      const candidates = preference.slice(0, preference.indexOf(name));
      const failed = trusted && trusted !== name ? `; ${trusted}, which passed before, did not start` : '';
      return { backend: name, reason: `${name}: the reference, used at once${failed}`, candidates };
    }
  }
  throw new PipelineError('backend-unavailable', 'Neither the WASM nor the CPU backend could start.');
}

/**
 * With the reference active, measures it, then tries each candidate in turn
 * and stays on the first whose `parity` passes; otherwise the reference is
 * active again when it returns or throws, whatever was tried in between.
 */
export async function checkCandidates(options: {
  reference: BackendName;
  candidates: BackendName[];
  measureReference: () => Promise<void>;
  parity: (name: BackendName) => Promise<ParityVerdict>;
}): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  let chosen: BackendName | null = null;
  try {
    await options.measureReference();
    for (const name of options.candidates) {
      const t0 = performance.now();
      if (!(await trySetBackend(name))) {
        attempts.push({ backend: name, ok: false, reason: 'not available in this browser', ms: performance.now() - t0 });
        continue;
      }
      let verdict: ParityVerdict;
      try {
        verdict = await options.parity(name);
      } catch (err) {
        if (err instanceof BackendCheckInterrupted) throw err;
        verdict = { ok: false, reason: `failed: ${(err as Error).message}` };
      }
      attempts.push({ backend: name, ok: verdict.ok, reason: verdict.reason, ms: performance.now() - t0 });
      if (verdict.ok) {
        chosen = name;
        return { backend: name, reason: choiceReason(name, attempts), attempts };
      }
      await trySetBackend(options.reference);
    }
    return { backend: options.reference, reason: choiceReason(options.reference, attempts), attempts };
  } finally {
    if (!chosen) await trySetBackend(options.reference);
  }
}

function choiceReason(chosen: BackendName, attempts: BackendAttempt[]): string {
  const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return skipped.length ? `${chosen} (skipped ${skipped.join('; ')})` : `${chosen} (first choice that passed)`;
}
