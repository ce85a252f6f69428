import { readonly, ref, type Ref } from 'vue';

/**
 * Whether a new version of the app is downloaded and waiting, and the way to
 * switch to it. The PWA plugin (app/modules/pwa.ts) reports the update here;
 * the update prompt reads it, so no component reaches back into app/.
 */
const waiting = ref(false);
let applyUpdate: (() => Promise<void>) | null = null;

/** Called by the service-worker registration when an update is ready. */
export function reportUpdateWaiting(apply: () => Promise<void>): void {
  applyUpdate = apply;
  waiting.value = true;
}

export interface UseAppUpdateReturn {
  updateWaiting: Readonly<Ref<boolean>>;
  reloadForUpdate: () => Promise<void>;
}

export function useAppUpdate(): UseAppUpdateReturn {
  return {
    updateWaiting: readonly(waiting),
    reloadForUpdate: () => (applyUpdate ? applyUpdate() : Promise.resolve()),
  };
}
