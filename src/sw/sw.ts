/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell, the WASM binaries and the model
 * weights, so a reload works offline. A new version waits until the page asks
 * it to take over (the update prompt), so a lesson is never interrupted.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { BACKGROUND_SYNC_TAG } from '@/sync/syncIfPossible';
import { backgroundSync } from './backgroundSync';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// The first install takes the open page at once, so it works offline without a reload. Later versions
// activate only when the page asks (the update prompt), and that page reloads.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Background Sync (Chromium): registered by the page when a sync fails for want of a network.
self.addEventListener('sync', (event) => {
  const e = event as ExtendableEvent & { tag: string };
  if (e.tag === BACKGROUND_SYNC_TAG) e.waitUntil(backgroundSync());
});
