import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { captchaSettings, useCaptcha, type CaptchaSettings } from './useCaptcha';

interface Params {
  sitekey: string;
  size: string;
  callback(token: string): void;
  'expired-callback'(): void;
  'error-callback'(code?: string): void;
}

/** Just enough of a document: scripts appended to head, and their load or error. */
class FakeScript extends EventTarget {
  src = '';
  async = false;
  removed = false;
  remove() {
    this.removed = true;
  }
}

function setup(settings: CaptchaSettings | null, { width = 400 } = {}) {
  const scripts: FakeScript[] = [];
  const doc = {
    createElement: vi.fn(() => new FakeScript()),
    head: { append: (s: FakeScript) => scripts.push(s) },
  };
  const rendered: Params[] = [];
  const api = {
    render: vi.fn((_el: unknown, params: Params) => {
      rendered.push(params);
      return `widget-${rendered.length}`;
    }),
    reset: vi.fn(),
    remove: vi.fn(),
  };
  const win = { setTimeout, clearTimeout } as unknown as Window & Record<string, unknown>;
  const scope = effectScope();
  const captcha = settings ? scope.run(() => useCaptcha({ settings, document: doc as unknown as Document, window: win, loadTimeoutMs: 50 }))! : null;
  const el = { clientWidth: width } as HTMLElement;
  /** The provider's script arrives: it defines its global, then the load event fires. */
  const load = (i = 0) => {
    win[settings!.provider] = api;
    scripts[i]!.dispatchEvent(new Event('load'));
  };
  return { captcha, scripts, doc, api, rendered, el, load, scope, win };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('captchaSettings', () => {
  it('is off with no site key, whatever the provider says (the default: nothing loads from elsewhere)', () => {
    expect(captchaSettings({})).toBeNull();
    expect(captchaSettings({ VITE_CAPTCHA_SITE_KEY: '  ', VITE_CAPTCHA_PROVIDER: 'turnstile' })).toBeNull();
  });

  it("takes the site key and the provider, hCaptcha by default as Supabase Auth's is", () => {
    expect(captchaSettings({ VITE_CAPTCHA_SITE_KEY: ' key ' })).toEqual({ provider: 'hcaptcha', siteKey: 'key' });
    expect(captchaSettings({ VITE_CAPTCHA_SITE_KEY: 'key', VITE_CAPTCHA_PROVIDER: ' Turnstile ' })).toEqual({ provider: 'turnstile', siteKey: 'key' });
  });
});

describe('useCaptcha', () => {
  it('with no settings there is nothing to use, and no script is added', () => {
    const { captcha, doc, scripts } = setup(captchaSettings({}));
    expect(captcha).toBeNull();
    expect(doc.createElement).not.toHaveBeenCalled();
    expect(scripts).toHaveLength(0);
  });

  it("loads hCaptcha's script for explicit rendering, shows the widget with the site key, and hands over its token", async () => {
    const { captcha, scripts, rendered, el, load, api } = setup({ provider: 'hcaptcha', siteKey: 'site-1' });
    const shown = captcha!.show(el);
    expect(captcha!.state.value).toBe('loading');
    expect(scripts.map((s) => s.src)).toEqual(['https://js.hcaptcha.com/1/api.js?render=explicit']);
    load();
    await shown;
    expect(captcha!.state.value).toBe('ready');
    expect(api.render).toHaveBeenCalledWith(el, expect.objectContaining({ sitekey: 'site-1', size: 'normal' }));
    expect(captcha!.token.value).toBeNull();
    rendered[0]!.callback('token-1');
    expect(captcha!.token.value).toBe('token-1');
    rendered[0]!['expired-callback']();
    expect(captcha!.token.value).toBeNull();
  });

  it("loads Turnstile's script, once per page, and uses the compact widget where the normal one would not fit (360 px)", async () => {
    const { captcha, scripts, el, load, api } = setup({ provider: 'turnstile', siteKey: 'site-2' }, { width: 292 });
    const first = captcha!.show(el);
    const second = captcha!.show(el);
    expect(scripts.map((s) => s.src)).toEqual(['https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit']);
    load();
    await Promise.all([first, second]);
    expect(api.render).toHaveBeenLastCalledWith(el, expect.objectContaining({ sitekey: 'site-2', size: 'compact' }));
    // Shown again (the form changed): the old widget goes first.
    expect(api.remove).toHaveBeenCalledWith('widget-1');
  });

  it('resets the widget after each try, as a token is good once', async () => {
    const { captcha, rendered, el, load, api } = setup({ provider: 'hcaptcha', siteKey: 'k' });
    const shown = captcha!.show(el);
    load();
    await shown;
    rendered[0]!.callback('token-1');
    captcha!.reset();
    expect(api.reset).toHaveBeenCalledWith('widget-1');
    expect(captcha!.token.value).toBeNull();
  });

  it('says it could not load when the script fails (offline), and loads it afresh on the next try', async () => {
    const { captcha, scripts, el, load } = setup({ provider: 'hcaptcha', siteKey: 'k' });
    const shown = captcha!.show(el);
    scripts[0]!.dispatchEvent(new Event('error'));
    await shown;
    expect(captcha!.state.value).toBe('failed');
    expect(captcha!.failure.value).toBe('unreachable');
    expect(scripts[0]!.removed).toBe(true);

    const again = captcha!.show(el);
    expect(scripts).toHaveLength(2);
    load(1);
    await again;
    expect(captcha!.state.value).toBe('ready');
    expect(captcha!.failure.value).toBeNull();
  });

  it('gives up waiting for a script that never answers', async () => {
    const { captcha, el } = setup({ provider: 'hcaptcha', siteKey: 'k' });
    await captcha!.show(el);
    expect(captcha!.state.value).toBe('failed');
    expect(captcha!.failure.value).toBe('unreachable');
  });

  it('fails when the widget reports an error, and when the script loads but defines nothing', async () => {
    const { captcha, scripts, rendered, el, load } = setup({ provider: 'hcaptcha', siteKey: 'k' });
    const shown = captcha!.show(el);
    load();
    await shown;
    rendered[0]!.callback('token-1');
    rendered[0]!['error-callback']('network-error');
    expect(captcha!.token.value).toBeNull();
    expect(captcha!.state.value).toBe('failed');

    const other = setup({ provider: 'turnstile', siteKey: 'k' });
    const shownOther = other.captcha!.show(other.el);
    other.scripts[0]!.dispatchEvent(new Event('load'));
    await shownOther;
    expect(other.captcha!.failure.value).toBe('unreachable');
    expect(scripts).toHaveLength(1);
  });

  it('loads nothing for a provider Supabase Auth does not offer', async () => {
    const { captcha, doc, el } = setup({ provider: 'recaptcha', siteKey: 'k' });
    await captcha!.show(el);
    expect(doc.createElement).not.toHaveBeenCalled();
    expect(captcha!.failure.value).toBe('unknown-provider');
  });

  it('takes the widget away when its scope ends', async () => {
    const { captcha, el, load, api, scope } = setup({ provider: 'hcaptcha', siteKey: 'k' });
    const shown = captcha!.show(el);
    load();
    await shown;
    scope.stop();
    expect(api.remove).toHaveBeenCalledWith('widget-1');
    await flush();
  });
});
