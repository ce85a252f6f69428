import { onScopeDispose, ref, type Ref } from 'vue';

export interface UseOnlineOptions {
  window?: Window;
}

export interface UseOnlineReturn {
  isSupported: boolean;
  online: Ref<boolean>;
}

/** Whether the browser thinks it has a network. Only a hint: a request can still fail. */
export function useOnline({ window: win = globalThis.window }: UseOnlineOptions = {}): UseOnlineReturn {
  const isSupported = !!win && 'onLine' in win.navigator;
  const online = ref(isSupported ? win.navigator.onLine : true);
  if (isSupported) {
    const update = () => (online.value = win.navigator.onLine);
    win.addEventListener('online', update);
    win.addEventListener('offline', update);
    onScopeDispose(() => {
      win.removeEventListener('online', update);
      win.removeEventListener('offline', update);
    });
  }
  return { isSupported, online };
}
