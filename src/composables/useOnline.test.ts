import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { useOnline } from './useOnline';

class FakeWindow extends EventTarget {
  navigator = { onLine: true };
  fetch = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>();
  setOnLine(value: boolean) {
    this.navigator.onLine = value;
    this.dispatchEvent(new Event(value ? 'online' : 'offline'));
  }
}

function setup(win: FakeWindow, recheckMs = 1000) {
  const scope = effectScope();
  const online = scope.run(() => useOnline({ window: win as unknown as Window, recheckMs }))!;
  return { ...online, scope };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('useOnline', () => {
  it('is offline at once when the browser says so', () => {
    const win = new FakeWindow();
    win.navigator.onLine = false;
    const { online, scope } = setup(win);
    expect(online.value).toBe(false);
    expect(win.fetch).not.toHaveBeenCalled();
    scope.stop();
  });

  // A page reloaded with no network (or served by the service worker) can read navigator.onLine as true.
  it('is offline when the browser says online at start but nothing can be reached', async () => {
    const win = new FakeWindow();
    win.fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    const { online, scope } = setup(win);
    await settle();
    expect(win.fetch).toHaveBeenCalledOnce();
    expect(win.fetch.mock.calls[0]![1]).toMatchObject({ cache: 'no-store' });
    expect(online.value).toBe(false);
    scope.stop();
  });

  it('stays online when the check reaches the server, whatever it answers', async () => {
    const win = new FakeWindow();
    win.fetch.mockResolvedValue(new Response(null, { status: 404 }));
    const { online, scope } = setup(win);
    await settle();
    expect(online.value).toBe(true);
    scope.stop();
  });

  it('checks again while offline by the check, and comes back online when it passes', async () => {
    vi.useFakeTimers();
    try {
      const win = new FakeWindow();
      win.fetch.mockRejectedValue(new TypeError('Failed to fetch'));
      const { online, scope } = setup(win, 1000);
      await vi.advanceTimersByTimeAsync(0);
      expect(online.value).toBe(false);
      win.fetch.mockResolvedValue(new Response(null, { status: 200 }));
      await vi.advanceTimersByTimeAsync(1000);
      expect(online.value).toBe(true);
      const calls = win.fetch.mock.calls.length;
      await vi.advanceTimersByTimeAsync(5000);
      expect(win.fetch.mock.calls.length).toBe(calls);
      scope.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows the offline and online events', async () => {
    const win = new FakeWindow();
    win.fetch.mockResolvedValue(new Response(null, { status: 200 }));
    const { online, scope } = setup(win);
    await settle();
    win.setOnLine(false);
    expect(online.value).toBe(false);
    win.setOnLine(true);
    await settle();
    expect(online.value).toBe(true);
    scope.stop();
  });
});
