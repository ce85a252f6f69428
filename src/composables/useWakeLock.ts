import { computed, getCurrentScope, onScopeDispose, shallowRef, type ComputedRef } from 'vue';

export interface UseWakeLockOptions {
  navigator?: Navigator;
  /** Watched for the tab coming back: the browser drops the lock whenever the page is hidden. */
  document?: Document;
}

export interface UseWakeLockReturn {
  isSupported: boolean;
  /** The screen is being kept on right now. */
  active: ComputedRef<boolean>;
  /** Keeps the screen on until release(), taking the lock again each time the tab returns. */
  request(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Keeps the phone's screen on while the camera is in use, so it does not go
 * dark in the middle of enrolling a student. Where the browser has no Wake
 * Lock API (or refuses it, as in battery saver) the screen simply follows the
 * phone's own setting; nothing else depends on it.
 */
export function useWakeLock(options: UseWakeLockOptions = {}): UseWakeLockReturn {
  const { navigator: nav = globalThis.navigator, document: doc = globalThis.document } = options;
  const isSupported = !!nav && 'wakeLock' in nav && typeof nav.wakeLock?.request === 'function';
  const sentinel = shallowRef<WakeLockSentinel | null>(null);
  const active = computed(() => sentinel.value !== null);
  let wanted = false;
  let pending: Promise<void> | null = null;

  function acquire(): Promise<void> {
    if (!isSupported || sentinel.value || doc?.visibilityState === 'hidden') return Promise.resolve();
    pending ??= nav.wakeLock
      .request('screen')
      .then((lock) => {
        if (!wanted) {
          void lock.release();
          return;
        }
        lock.addEventListener('release', () => {
          if (sentinel.value === lock) sentinel.value = null;
        });
        sentinel.value = lock;
      })
      .catch(() => {
        // Refused (battery saver, page not visible): the screen just follows the phone's setting.
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  async function request() {
    wanted = true;
    await acquire();
  }

  async function release() {
    wanted = false;
    const lock = sentinel.value;
    sentinel.value = null;
    await lock?.release().catch(() => undefined);
  }

  function onVisibility() {
    if (wanted && doc?.visibilityState === 'visible') void acquire();
  }

  doc?.addEventListener('visibilitychange', onVisibility);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      doc?.removeEventListener('visibilitychange', onVisibility);
      void release();
    });
  }

  return { isSupported, active, request, release };
}
