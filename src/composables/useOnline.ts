import { onScopeDispose, ref, type Ref } from 'vue';

export interface UseOnlineOptions {
  window?: Window;
  /** How often to check again while a check found no network though the browser says online. */
  recheckMs?: number;
}

export interface UseOnlineReturn {
  isSupported: boolean;
  online: Ref<boolean>;
}

/** Fetched past every cache: any answer means a network, a failure means none. */
const PROBE_PATH = '/favicon.svg';

/**
 * Whether the browser has a network. Only a hint: a request can still fail.
 * navigator.onLine can read true in a page reloaded with no network (the
 * service worker served it), and no 'offline' event follows, so a true at
 * start, or after an 'online' event, is checked with one request.
 */
export function useOnline({ window: win = globalThis.window, recheckMs = 15_000 }: UseOnlineOptions = {}): UseOnlineReturn {
  const isSupported = !!win && 'onLine' in win.navigator;
  const online = ref(isSupported ? win.navigator.onLine : true);
  if (isSupported) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;
    const check = async () => {
      clearTimeout(timer);
      if (!win.navigator.onLine || typeof win.fetch !== 'function') return;
      const reached = await win.fetch(`${PROBE_PATH}?online-check=${Date.now()}`, { method: 'HEAD', cache: 'no-store' }).then(
        () => true,
        () => false,
      );
      if (disposed || !win.navigator.onLine) return;
      online.value = reached;
      if (!reached) timer = setTimeout(() => void check(), recheckMs);
    };
    const update = () => {
      online.value = win.navigator.onLine;
      void check();
    };
    win.addEventListener('online', update);
    win.addEventListener('offline', update);
    void check();
    onScopeDispose(() => {
      disposed = true;
      clearTimeout(timer);
      win.removeEventListener('online', update);
      win.removeEventListener('offline', update);
    });
  }
  return { isSupported, online };
}
