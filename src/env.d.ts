/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
interface ImportMetaEnv {
  readonly VITE_SUPABASE_URL?: string;
  readonly VITE_SUPABASE_ANON_KEY?: string;
  /** Supabase Auth's captcha ([auth.captcha]): hcaptcha (the default) or turnstile. */
  readonly VITE_CAPTCHA_PROVIDER?: string;
  /** The provider's public site key; unset, the sign-in form has no check and loads nothing from elsewhere. */
  readonly VITE_CAPTCHA_SITE_KEY?: string;
}
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
/** Set by vite.config.ts: the package version plus build time, so caches keyed on it reset on each deploy. */
declare const __APP_BUILD__: string;
