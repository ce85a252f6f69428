import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { createMlClient, MlError, type IdentifyCall, type MlClient, type MlClientOptions, type Progress, type TrainCall } from '@/ml/worker/client';
import type { IdentifyResult, InitResult, PhotoResult, TrainResult } from '@/ml/worker/protocol';
import type { AnalyzeOptions } from '@/ml/pipeline';
import type { TrainingSample } from '@/ml/classifier';
import type { BackendName, DetectorKind } from '@/ml/types';
import { describeError } from './errors';

export type EngineStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Detectors loaded in the browser; the first is the default. */
export const BROWSER_DETECTORS: DetectorKind[] = ['ssd', 'tiny', 'mtcnn'];

/**
 * The engine starts on the CPU at once and checks the GPU backends in the
 * background; that check costs a minute on a slow GPU, so its verdict is
 * remembered per app build and browser version, and later starts go straight
 * to it. A browser or app update checks again.
 */
const TRUSTED_KEY = 'rollcall.trustedBackend';
const trustedFingerprint = () => `${__APP_BUILD__}|${navigator.userAgent}`;

function readTrustedBackend(): BackendName | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(TRUSTED_KEY) ?? 'null') as { fingerprint: string; backend: BackendName } | null;
    return saved?.fingerprint === trustedFingerprint() ? saved.backend : undefined;
  } catch {
    return undefined;
  }
}

function saveTrustedBackend(backend: BackendName) {
  try {
    localStorage.setItem(TRUSTED_KEY, JSON.stringify({ fingerprint: trustedFingerprint(), backend }));
  } catch {
    // Private mode or full storage: the check simply runs again next time.
  }
}

export const useFaceEngineStore = defineStore('faceEngine', () => {
  const status = ref<EngineStatus>('idle');
  const progress = ref<Progress | null>(null);
  const info = shallowRef<InitResult | null>(null);
  const error = ref<string | null>(null);
  let client: MlClient | null = null;
  let createClient: (options: MlClientOptions) => MlClient = createMlClient;

  /** Tests hand in a client of their own. */
  function configure(options: { createClient: (options: MlClientOptions) => MlClient }) {
    createClient = options.createClient;
    client = null;
  }

  const percent = computed(() => {
    const p = progress.value;
    return p && p.totalBytes ? Math.min(100, Math.round((p.loadedBytes / p.totalBytes) * 100)) : 0;
  });

  function getClient(): MlClient {
    client ??= createClient({
      modelsUrl: new URL(`${import.meta.env.BASE_URL}models/`, location.href).href,
      detectors: BROWSER_DETECTORS,
      trusted: readTrustedBackend(),
    });
    return client;
  }

  let starting: Promise<void> | null = null;

  /** Loads the engine once; a call while it loads waits for that load. */
  function start(): Promise<void> {
    if (status.value === 'ready') return Promise.resolve();
    starting ??= (async () => {
      status.value = 'loading';
      error.value = null;
      try {
        info.value = await getClient().init((p) => (progress.value = p));
        status.value = 'ready';
        if (info.value.check === 'pending') void checkInBackground();
      } catch (err) {
        status.value = 'error';
        error.value = describeError(err);
      } finally {
        starting = null;
      }
    })();
    return starting;
  }

  /** Between calls, once the page is idle: the engine may move to a faster backend that passed. */
  async function checkInBackground() {
    try {
      const result = await getClient().checkBackendsWhenIdle();
      info.value = result.info;
      saveTrustedBackend(result.info.backend);
    } catch {
      // The worker restarted or the photo was unreadable: the next start checks again.
    }
  }

  async function ready(): Promise<MlClient> {
    await start();
    if (status.value !== 'ready') throw new MlError('models-not-loaded', error.value ?? 'The face engine is not ready.');
    return getClient();
  }

  async function analyzePhoto(file: Blob, detector?: DetectorKind): Promise<PhotoResult> {
    return (await ready()).analyze(file, { analyze: detector ? { detector } : undefined });
  }

  /**
   * Faces with descriptors, for enrolment; with `augment`, the one face also in
   * altered copies of the photo. A camera frame (ImageBitmap) is handed over to the worker.
   */
  async function describeFaces(image: Blob | ImageBitmap, options: Partial<AnalyzeOptions> & { augment?: boolean } = {}): Promise<PhotoResult> {
    const { augment, ...analyze } = options;
    return (await ready()).analyze(image, { analyze: { ...analyze, embed: true }, augment });
  }

  /** Names faces with a class model, which the worker loads once per version; with `liveness`, each face also gets a passive liveness score (the kiosk and live mode). */
  async function identify(image: Blob | ImageBitmap, call: IdentifyCall): Promise<IdentifyResult> {
    return (await ready()).identify(image, call);
  }

  async function train(samples: TrainingSample[], call: TrainCall = {}): Promise<TrainResult> {
    return (await ready()).train(samples, call);
  }

  return { configure, status, progress, percent, info, error, start, analyzePhoto, describeFaces, identify, train };
});
