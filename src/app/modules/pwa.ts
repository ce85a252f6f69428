import type { App } from 'vue';
import type { Router } from 'vue-router';
import { ref } from 'vue';

/** True when a new version is downloaded and waiting; the update prompt reads it. */
export const updateWaiting = ref(false);
let applyUpdate: (() => Promise<void>) | null = null;

export function reloadForUpdate(): Promise<void> {
  return applyUpdate ? applyUpdate() : Promise.resolve();
}

export function install({ router }: { app: App; router: Router }) {
  if (typeof window === 'undefined' || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
  // Registered after the first route resolves so it never competes with the first paint.
  void router.isReady().then(async () => {
    const { registerSW } = await import('virtual:pwa-register');
    const update = registerSW({
      immediate: true,
      onNeedRefresh() {
        updateWaiting.value = true;
      },
    });
    applyUpdate = () => update(true);
  });
}
