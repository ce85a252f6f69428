import type { App } from 'vue';
import type { Router } from 'vue-router';
import { reportUpdateWaiting } from '@/composables/useAppUpdate';

export function install({ router }: { app: App; router: Router }) {
  if (typeof window === 'undefined' || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
  // Registered after the first route resolves so it never competes with the first paint.
  void router.isReady().then(async () => {
    const { registerSW } = await import('virtual:pwa-register');
    const update = registerSW({
      immediate: true,
      onNeedRefresh() {
        reportUpdateWaiting(() => update(true));
      },
    });
  });
}
