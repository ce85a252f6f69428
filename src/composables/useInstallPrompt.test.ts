import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { useInstallPrompt } from './useInstallPrompt';

class FakeWindow extends EventTarget {
  navigator = { userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36', standalone: undefined as boolean | undefined };
  store = new Map<string, string>();
  localStorage = { getItem: (k: string) => this.store.get(k) ?? null, setItem: (k: string, v: string) => void this.store.set(k, v) };
  matchMedia = (q: string) => ({ matches: q.includes('standalone') && this.standalone });
  standalone = false;
}

/** What Chromium fires when the app may be installed. */
function installEvent(outcome: 'accepted' | 'dismissed') {
  const event = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompt: () => Promise<void>; userChoice: Promise<{ outcome: string }> };
  event.prompt = vi.fn(async () => {});
  event.userChoice = Promise.resolve({ outcome });
  return event;
}

function setup(win: FakeWindow) {
  const scope = effectScope();
  const install = scope.run(() => useInstallPrompt({ window: win as unknown as Window }))!;
  return { ...install, scope };
}

describe('useInstallPrompt', () => {
  it('offers the browser’s install once it fires, and not again after the teacher answered', async () => {
    const win = new FakeWindow();
    const { offer, install, scope } = setup(win);
    expect(offer.value).toBe(null);
    const event = installEvent('dismissed');
    win.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(offer.value).toBe('prompt');
    expect(await install()).toBe('dismissed');
    expect(event.prompt).toHaveBeenCalledOnce();
    expect(offer.value).toBe(null);
    scope.stop();

    // The next start: the browser offers again, the app does not.
    const again = setup(win);
    win.dispatchEvent(installEvent('accepted'));
    expect(again.offer.value).toBe(null);
    again.scope.stop();
  });

  it('shows the Add to Home Screen steps on iOS Safari, where there is no install event, until dismissed', () => {
    const win = new FakeWindow();
    win.navigator.userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const { offer, dismiss, scope } = setup(win);
    expect(offer.value).toBe('ios-steps');
    dismiss();
    expect(offer.value).toBe(null);
    scope.stop();
    expect(setup(win).offer.value).toBe(null);
  });

  it('offers nothing once installed', () => {
    const win = new FakeWindow();
    win.navigator.userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1';
    win.navigator.standalone = true;
    expect(setup(win).offer.value).toBe(null);
    const android = new FakeWindow();
    android.standalone = true;
    const { offer } = setup(android);
    android.dispatchEvent(installEvent('accepted'));
    expect(offer.value).toBe(null);
  });
});
