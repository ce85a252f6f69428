import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

// Not 4173, which `npm start` uses, so the suite can run while the app is open.
const port = Number(process.env.E2E_PORT ?? 4391);
// A build elsewhere than dist/ (vite build --outDir …), so two checkouts' runs don't share one.
const outDir = process.env.E2E_DIST ? ` --outDir ${JSON.stringify(process.env.E2E_DIST)}` : '';

export default defineConfig({
  testDir: '.',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: '../../test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 412, height: 915 },
    serviceWorkers: 'allow',
  },
  webServer: {
    // Serves the production build (npm run build first), with the same COOP/COEP headers as npm start.
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort${outDir}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    cwd: '../..',
  },
});
