/**
 * The only caller of tf.setBackend. A backend is used only after it has shown
 * the same faces and descriptors as the WASM/CPU reference on a fixed photo:
 * a GPU driver that runs but computes wrong answers is skipped, with the reason.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './types';
import { PipelineError } from './types';

export const BACKEND_PREFERENCE: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

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

export interface ParityVerdict {
  ok: boolean;
  reason: string;
}

export async function trySetBackend(name: BackendName): Promise<boolean> {
  if (!tf.findBackendFactory(name)) return false;
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Picks the reference backend (WASM, else CPU), runs `onReference` there, then
 * walks `preference` and keeps the first backend whose `parity` check passes
 * (or the reference itself when it comes first).
 */
export async function chooseBackend(options: {
  preference?: BackendName[];
  onReference?: (name: BackendName) => Promise<void>;
  parity?: (name: BackendName) => Promise<ParityVerdict>;
  /** A backend that passed the parity check on this device before (same app and browser version). */
  trusted?: BackendName;
}): Promise<BackendChoice> {
  const preference = options.preference ?? BACKEND_PREFERENCE;
  const attempts: BackendAttempt[] = [];
  let reference: BackendName | null = null;
  for (const name of ['wasm', 'cpu'] as const) {
    if (preference.includes(name) && (await trySetBackend(name))) {
      reference = name;
      break;
    }
  }
  if (!reference) throw new PipelineError('backend-unavailable', 'Neither the WASM nor the CPU backend could start.');
  await options.onReference?.(reference);

  for (const name of preference) {
    const t0 = performance.now();
    if (name === reference) {
      await trySetBackend(reference);
      attempts.push({ backend: name, ok: true, reason: 'reference backend', ms: performance.now() - t0 });
      return { backend: name, reason: choiceReason(name, attempts), attempts };
    }
    if (!(await trySetBackend(name))) {
      attempts.push({ backend: name, ok: false, reason: 'not available in this browser', ms: performance.now() - t0 });
      continue;
    }
    let verdict: ParityVerdict;
    try {
      if (name === options.trusted) verdict = { ok: true, reason: 'passed the parity check earlier on this device' };
      else verdict = options.parity ? await options.parity(name) : { ok: true, reason: 'no parity check requested' };
    } catch (err) {
      verdict = { ok: false, reason: `failed: ${(err as Error).message}` };
    }
    attempts.push({ backend: name, ok: verdict.ok, reason: verdict.reason, ms: performance.now() - t0 });
    if (verdict.ok) return { backend: name, reason: choiceReason(name, attempts), attempts };
  }
  await trySetBackend(reference);
  return { backend: reference, reason: choiceReason(reference, attempts), attempts };
}

function choiceReason(chosen: BackendName, attempts: BackendAttempt[]): string {
  const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return skipped.length ? `${chosen} (skipped ${skipped.join('; ')})` : `${chosen} (first choice that passed)`;
}
