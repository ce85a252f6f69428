import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue';

/** The two Supabase Auth offers ([auth.captcha] provider). */
export type CaptchaProvider = 'hcaptcha' | 'turnstile';

export interface CaptchaSettings {
  /** As the build names it; one Supabase Auth does not offer fails with 'unknown-provider'. */
  provider: string;
  siteKey: string;
}

/** The provider's script, for explicit rendering: loaded only when a site key is set. */
const SCRIPTS: Record<CaptchaProvider, string> = {
  hcaptcha: 'https://js.hcaptcha.com/1/api.js?render=explicit',
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit',
};

/** hCaptcha's 303 px and Turnstile's 300 px widgets do not fit a 360 px phone's card; both have a compact one. */
const NORMAL_WIDTH = 304;

/** What hCaptcha (`window.hcaptcha`) and Turnstile (`window.turnstile`) share. */
interface ProviderApi {
  render(container: HTMLElement, params: Record<string, unknown>): string | null | undefined;
  reset(widgetId?: string): void;
  remove(widgetId?: string): void;
}

/** VITE_CAPTCHA_SITE_KEY and VITE_CAPTCHA_PROVIDER; null (no check, nothing loaded) without a site key. */
export function captchaSettings(env: Record<string, string | undefined>): CaptchaSettings | null {
  const siteKey = env.VITE_CAPTCHA_SITE_KEY?.trim();
  if (!siteKey) return null;
  return { provider: env.VITE_CAPTCHA_PROVIDER?.trim().toLowerCase() || 'hcaptcha', siteKey };
}

export interface UseCaptchaOptions {
  settings: CaptchaSettings;
  document?: Document;
  window?: Window;
  /** How long to wait for the provider's script before saying it can't load. */
  loadTimeoutMs?: number;
}

export interface UseCaptchaReturn {
  isSupported: boolean;
  state: Ref<'loading' | 'ready' | 'failed'>;
  /** Why it failed: the script could not be had (offline, blocked), or the build names no provider Supabase Auth has. */
  failure: Ref<'unreachable' | 'unknown-provider' | null>;
  /** The check's answer, once the person has done it; null again after reset() or when it expires. */
  token: Ref<string | null>;
  /** Loads the provider's script (once per page) and shows the widget in `container`; again after a failure, it tries afresh. */
  show(container: HTMLElement): Promise<void>;
  /** After each sign-in try: a token is good for one request. */
  reset(): void;
}

const scripts = new WeakMap<Document, Map<string, Promise<void>>>();

function loadScript(doc: Document, win: Window, src: string, timeoutMs: number): Promise<void> {
  let loading = scripts.get(doc);
  if (!loading) scripts.set(doc, (loading = new Map()));
  const known = loading.get(src);
  if (known) return known;
  const script = doc.createElement('script');
  const loaded = new Promise<void>((resolve, reject) => {
    const timer = win.setTimeout(() => reject(new Error('timed out')), timeoutMs);
    script.addEventListener('load', () => (win.clearTimeout(timer), resolve()));
    script.addEventListener('error', () => (win.clearTimeout(timer), reject(new Error('failed'))));
  });
  script.src = src;
  script.async = true;
  doc.head.append(script);
  loading.set(src, loaded);
  // A failed load is forgotten, so the next try adds the script again (back online).
  loaded.catch(() => {
    loading.delete(src);
    script.remove();
  });
  return loaded;
}

/**
 * Supabase Auth's captcha ([auth.captcha]) on the sign-in form: the
 * provider's widget, its token for the next request, and a reset after each.
 * Nothing is fetched until show() is called, which the app does only when
 * the build names a site key.
 */
export function useCaptcha(options: UseCaptchaOptions): UseCaptchaReturn {
  const { settings, document: doc = globalThis.document, window: win = globalThis.window, loadTimeoutMs = 20_000 } = options;
  const isSupported = !!doc && !!win;
  const state = ref<'loading' | 'ready' | 'failed'>('loading');
  const failure = ref<'unreachable' | 'unknown-provider' | null>(null);
  const token = ref<string | null>(null);
  let api: ProviderApi | null = null;
  let widgetId: string | null = null;

  function fail(why: 'unreachable' | 'unknown-provider') {
    state.value = 'failed';
    failure.value = why;
    token.value = null;
  }

  function removeWidget() {
    if (api && widgetId !== null) api.remove(widgetId);
    widgetId = null;
  }

  async function show(container: HTMLElement) {
    if (!isSupported) return;
    const src = SCRIPTS[settings.provider as CaptchaProvider];
    if (!src) return fail('unknown-provider');
    state.value = 'loading';
    failure.value = null;
    token.value = null;
    try {
      await loadScript(doc, win, src, loadTimeoutMs);
    } catch {
      return fail('unreachable');
    }
    const found = (win as unknown as Record<string, ProviderApi | undefined>)[settings.provider];
    if (typeof found?.render !== 'function') return fail('unreachable');
    api = found;
    removeWidget();
    widgetId =
      api.render(container, {
        sitekey: settings.siteKey,
        size: container.clientWidth < NORMAL_WIDTH ? 'compact' : 'normal',
        callback: (answer: string) => (token.value = answer),
        'expired-callback': () => (token.value = null),
        'error-callback': () => fail('unreachable'),
      }) ?? null;
    state.value = 'ready';
  }

  function reset() {
    token.value = null;
    if (api && widgetId !== null) api.reset(widgetId);
  }

  if (getCurrentScope()) onScopeDispose(removeWidget);

  return { isSupported, state, failure, token, show, reset };
}
