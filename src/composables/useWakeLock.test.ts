import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { useWakeLock } from './useWakeLock';

class FakeSentinel extends EventTarget {
  released = false;
  async release() {
    this.released = true;
    this.dispatchEvent(new Event('release'));
  }
}

class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  setVisibility(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function setup() {
  const locks: FakeSentinel[] = [];
  const request = vi.fn(async () => {
    const lock = new FakeSentinel();
    locks.push(lock);
    return lock as unknown as WakeLockSentinel;
  });
  const doc = new FakeDocument();
  const scope = effectScope();
  const wake = scope.run(() => useWakeLock({ navigator: { wakeLock: { request } } as unknown as Navigator, document: doc as unknown as Document }))!;
  return { wake, locks, request, doc, scope };
}

describe('useWakeLock', () => {
  it('holds the lock until released', async () => {
    const { wake, locks } = setup();
    expect(wake.isSupported).toBe(true);
    await wake.request();
    expect(wake.active.value).toBe(true);
    await wake.release();
    expect(locks[0]!.released).toBe(true);
    expect(wake.active.value).toBe(false);
  });

  it('takes the lock again when the tab returns, as the browser drops it on hide', async () => {
    const { wake, locks, request, doc } = setup();
    await wake.request();
    doc.visibilityState = 'hidden';
    await locks[0]!.release();
    expect(wake.active.value).toBe(false);
    doc.setVisibility('visible');
    await vi.waitFor(() => expect(wake.active.value).toBe(true));
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('does not take it again after release()', async () => {
    const { wake, request, doc } = setup();
    await wake.request();
    await wake.release();
    doc.setVisibility('hidden');
    doc.setVisibility('visible');
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('lets go when its owner goes away', async () => {
    const { wake, locks, scope } = setup();
    await wake.request();
    scope.stop();
    await vi.waitFor(() => expect(locks[0]!.released).toBe(true));
  });

  it('is a quiet no-op where the API is missing or refused', async () => {
    const scope = effectScope();
    const missing = scope.run(() => useWakeLock({ navigator: {} as Navigator, document: new FakeDocument() as unknown as Document }))!;
    expect(missing.isSupported).toBe(false);
    await missing.request();
    expect(missing.active.value).toBe(false);
    const refusing = scope.run(() =>
      useWakeLock({
        navigator: { wakeLock: { request: () => Promise.reject(new DOMException('battery saver', 'NotAllowedError')) } } as unknown as Navigator,
        document: new FakeDocument() as unknown as Document,
      }),
    )!;
    await refusing.request();
    expect(refusing.active.value).toBe(false);
  });
});
