import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  define: { __APP_BUILD__: JSON.stringify(`${pkg.version}+${new Date().toISOString()}`) },
  resolve: {
    alias: {
      '@contracts': fileURLToPath(new URL('./supabase/functions/_shared/contracts', import.meta.url)),
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: {
    format: 'es',
    // tfjs's threaded WASM backend starts each thread from the source text of
    // functions in the bundle (Function.prototype.toString); minifying renames
    // or inlines names that text refers to, and the threads die. The worker is
    // therefore left unminified (gzip keeps the transfer close to the minified size).
    rolldownOptions: { output: { minify: false } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  plugins: [
    vue(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Rollcall',
        short_name: 'Rollcall',
        description: 'Face-recognition attendance that works offline, on the teacher’s phone.',
        theme_color: '#0b5d3b',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The models are precached with the app so a reload works with no network.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,wasm,json,bin,jpg,webmanifest}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
});
