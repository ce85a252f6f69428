/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
/** Set by vite.config.ts: the package version plus build time, so caches keyed on it reset on each deploy. */
declare const __APP_BUILD__: string;
