import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { MlClient, MlClientOptions } from '@/ml/worker/client';
import type { BackendCheckResult, InitResult } from '@/ml/worker/protocol';
import { useFaceEngineStore } from './faceEngine';

const started = (over: Partial<InitResult>): InitResult => ({
  backend: 'wasm',
  reason: 'wasm: the reference, used at once',
  attempts: [],
  check: 'pending',
  detectors: ['ssd'],
  crossOriginIsolated: true,
  wasm: { simd: true, threads: true },
  loadMs: 1500,
  ...over,
});

/** A client whose init answers `init` and whose background check answers when `finishCheck` is called. */
function fakeClient(init: InitResult) {
  const seen: MlClientOptions[] = [];
  let finishCheck: (r: BackendCheckResult) => void = () => {};
  const checks = { count: 0 };
  const create = (options: MlClientOptions) => {
    seen.push(options);
    return {
      init: async () => init,
      checkBackendsWhenIdle: () => {
        checks.count++;
        return new Promise<BackendCheckResult>((resolve) => (finishCheck = resolve));
      },
    } as unknown as MlClient;
  };
  return { create, seen, checks, finish: (r: BackendCheckResult) => finishCheck(r) };
}

describe('face engine store', () => {
  beforeEach(() => {
    const saved = new Map<string, string>();
    vi.stubGlobal('__APP_BUILD__', 'build-1');
    vi.stubGlobal('location', { href: 'http://localhost/' });
    vi.stubGlobal('navigator', { userAgent: 'Test browser 1' });
    vi.stubGlobal('localStorage', { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => saved.set(k, v) });
  });

  afterEach(() => vi.unstubAllGlobals());

  it('is ready on the reference before any check, keeps the verdict only once the background check is done, and a later start uses it', async () => {
    setActivePinia(createPinia());
    const first = fakeClient(started({}));
    const engine = useFaceEngineStore();
    engine.configure({ createClient: first.create });
    await engine.start();
    expect(engine.status).toBe('ready');
    expect(first.seen[0]!.trusted).toBeUndefined();
    expect(first.checks.count).toBe(1);
    expect(localStorage.getItem('rollcall.trustedBackend')).toBeNull();

    first.finish({ done: true, info: started({ backend: 'webgl', check: 'done', wasm: null }) });
    await vi.waitFor(() => expect(engine.info?.backend).toBe('webgl'));
    expect(localStorage.getItem('rollcall.trustedBackend')).toContain('webgl');

    setActivePinia(createPinia());
    const later = fakeClient(started({ backend: 'webgl', check: 'earlier', wasm: null }));
    const again = useFaceEngineStore();
    again.configure({ createClient: later.create });
    await again.start();
    expect(later.seen[0]!.trusted).toBe('webgl');
    expect(later.checks.count).toBe(0);
  });
});
