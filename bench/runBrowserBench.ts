/**
 * Browser half of `npm run bench`: starts Vite on the bench page and runs it
 * in Debian's Chromium once per backend (WASM, WebGL, WebGPU on SwiftShader),
 * each in a fresh page so backends never share state.
 */
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS, WEBGPU_ARGS } from '../tests/e2e/chromium';
import type { BrowserImage, BrowserRun } from './browser/page';
import type { BackendName, DetectorKind } from '../src/ml/types';

export async function runBrowserBench(images: BrowserImage[], detectors: DetectorKind[], runs: number, backends: BackendName[] = ['wasm', 'webgl', 'webgpu']): Promise<BrowserRun[]> {
  const server = await createServer({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] });
  const out: BrowserRun[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      page.setDefaultTimeout(600_000);
      await page.goto(`http://127.0.0.1:${port}/bench/browser/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const run = await page.evaluate(
        ([b, imgs, dets, n]) => (window as unknown as { rollcallBench: (...a: unknown[]) => Promise<BrowserRun> }).rollcallBench(b, imgs, dets, n),
        [backend, images, detectors, runs] as const,
      );
      out.push(run);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}
