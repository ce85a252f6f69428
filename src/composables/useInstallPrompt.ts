import { onScopeDispose, ref, type Ref } from 'vue';

export interface UseInstallPromptOptions {
  window?: Window;
}

/** 'prompt': the browser can install it (Chromium's beforeinstallprompt); 'ios-steps': iOS Safari, which installs only by hand. */
export type InstallOffer = 'prompt' | 'ios-steps' | null;

export interface UseInstallPromptReturn {
  isSupported: boolean;
  offer: Ref<InstallOffer>;
  /** Shows the browser's install dialog; the offer is not made again, whatever the answer. */
  install(): Promise<'accepted' | 'dismissed' | 'unavailable'>;
  /** "Not now": the offer is not made again on this browser. */
  dismiss(): void;
}

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const INSTALL_OFFERED_KEY = 'rollcall.installOffered';

/** Safari on an iPhone or iPad (iPadOS reports itself as a Mac with touch); other iOS browsers cannot add to the home screen. */
export function isIosSafari(userAgent: string, maxTouchPoints = 0): boolean {
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  return ios && /Safari/.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(userAgent);
}

/**
 * The in-app "Install Rollcall" offer, made once per browser: the browser's
 * own install event is held until the teacher taps, and on iOS Safari the
 * Add to Home Screen steps stand in. Nothing is offered once installed.
 */
export function useInstallPrompt({ window: win = globalThis.window }: UseInstallPromptOptions = {}): UseInstallPromptReturn {
  const offer = ref<InstallOffer>(null);
  const isSupported = !!win;
  if (!win) return { isSupported, offer, install: async () => 'unavailable', dismiss: () => {} };
  const nav = win.navigator as Navigator & { standalone?: boolean };
  const installed = () => nav.standalone === true || !!win.matchMedia?.('(display-mode: standalone)').matches;
  const offered = () => {
    try {
      return win.localStorage.getItem(INSTALL_OFFERED_KEY) !== null;
    } catch {
      return false;
    }
  };
  const remember = () => {
    offer.value = null;
    try {
      win.localStorage.setItem(INSTALL_OFFERED_KEY, new Date().toISOString());
    } catch {
      // Storage refused (private mode): the offer may come back next time, which is harmless.
    }
  };
  let held: BeforeInstallPromptEvent | null = null;
  const onPrompt = (event: Event) => {
    if (installed() || offered()) return;
    // Kept for the app's own button, so the browser's mini-bar does not interrupt a register.
    event.preventDefault();
    held = event as BeforeInstallPromptEvent;
    offer.value = 'prompt';
  };
  const onInstalled = () => remember();
  win.addEventListener('beforeinstallprompt', onPrompt);
  win.addEventListener('appinstalled', onInstalled);
  onScopeDispose(() => {
    win.removeEventListener('beforeinstallprompt', onPrompt);
    win.removeEventListener('appinstalled', onInstalled);
  });
  if (!installed() && !offered() && isIosSafari(nav.userAgent, nav.maxTouchPoints ?? 0)) offer.value = 'ios-steps';

  async function install() {
    const event = held;
    held = null;
    remember();
    if (!event) return 'unavailable' as const;
    await event.prompt();
    return (await event.userChoice).outcome;
  }
  return { isSupported, offer, install, dismiss: remember };
}
