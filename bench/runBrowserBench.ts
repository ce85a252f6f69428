/**
 * Browser half of `npm run bench` (Part C): starts Vite on the bench page and
 * runs it in Debian's Chromium once per backend (WASM, WebGL, WebGPU; the GPU
 * backends on SwiftShader), each in a fresh browser so backends never share
 * state. A backend that throws or runs past its time limit is recorded with
 * its error and whatever rows it finished; the next backend still runs.
 */
import { createServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS, WEBGPU_ARGS } from '../tests/e2e/chromium';
import type { BrowserImage, BrowserRun } from './browser/page';
import type { BackendName, DetectorKind } from '../src/ml/types';

export interface BrowserBenchOptions {
  /** Per backend, from page load to the last row (default 8 minutes). */
  timeoutMs?: number;
  /** Progress lines from the page ("[bench] ..."). */
  log?: (line: string) => void;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

/**
 * Serves the bench page with Vite and calls `work` once per backend, each in a
 * fresh Chromium (WebGPU flags on) so backends never share state. A backend
 * that throws or runs past the time limit gets `onError`'s answer instead, and
 * the next backend still runs.
 */
export async function onBenchPages<T>(
  backends: BackendName[],
  /** `pageErrors` fills as the page reports errors outside awaited calls. */
  work: (page: Page, backend: BackendName, pageErrors: string[]) => Promise<T>,
  onError: (backend: BackendName, error: string, page: Page | undefined, pageErrors: string[]) => Promise<T>,
  options: BrowserBenchOptions = {},
): Promise<T[]> {
  const timeoutMs = options.timeoutMs ?? 8 * 60_000;
  const log = options.log ?? (() => {});
  const executablePath = chromiumPath();
  // No HMR and no watcher: an edit elsewhere in the project while the bench runs would otherwise reload the page mid-run.
  const server = await createServer({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  const out: T[] = [];
  try {
    for (const backend of backends) {
      let browser: Browser | undefined;
      let page: Page | undefined;
      const pageErrors: string[] = [];
      const started = performance.now();
      try {
        browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] });
        page = await browser.newPage();
        page.on('console', (msg) => {
          if (msg.text().startsWith('[bench]')) log(msg.text().slice(8));
        });
        page.on('pageerror', (err) => pageErrors.push(message(err)));
        const p = page;
        out.push(
          await withTimeout(
            (async () => {
              await p.goto(`http://127.0.0.1:${port}/bench/browser/index.html`, { timeout: 120_000 });
              await p.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 120_000 });
              return work(p, backend, pageErrors);
            })(),
            timeoutMs,
            `the ${backend} page`,
          ),
        );
      } catch (err) {
        log(`${backend}: ${message(err)}`);
        out.push(await onError(backend, message(err), page, pageErrors));
      } finally {
        await withTimeout(browser?.close() ?? Promise.resolve(), 30_000, 'closing Chromium').catch((err) => log(`${backend}: ${message(err)}`));
        log(`${backend}: done in ${Math.round((performance.now() - started) / 1000)} s`);
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

export async function runBrowserBench(
  images: BrowserImage[],
  detectors: DetectorKind[],
  /** Timed runs after one warm-up: one number for every backend, or per backend. */
  runs: number | Partial<Record<BackendName, number>>,
  backends: BackendName[] = ['wasm', 'webgl', 'webgpu'],
  options: BrowserBenchOptions = {},
): Promise<BrowserRun[]> {
  const runsFor = (backend: BackendName) => (typeof runs === 'number' ? runs : (runs[backend] ?? 1));
  return onBenchPages<BrowserRun>(
    backends,
    async (page, backend, pageErrors) => {
      const run = await page.evaluate(
        ([b, imgs, dets, n]) => (window as unknown as { rollcallBench: (...a: unknown[]) => Promise<BrowserRun> }).rollcallBench(b, imgs, dets, n),
        [backend, images, detectors, runsFor(backend)] as const,
      );
      run.pageErrors = [...new Set([...run.pageErrors, ...pageErrors])];
      return run;
    },
    async (backend, error, page, pageErrors) => {
      // Keep what the page finished before it threw or hung, when it still answers.
      let partial: BrowserRun | undefined;
      if (page) {
        partial = await withTimeout(page.evaluate(() => (window as unknown as { rollcallBenchPartial?: BrowserRun }).rollcallBenchPartial), 10_000, 'reading partial results').catch(() => undefined);
      }
      return {
        ...(partial ?? { backend, rows: [], runs: runsFor(backend), userAgent: '', pageErrors: [] }),
        backend,
        ok: false,
        error,
        pageErrors: [...new Set([...(partial?.pageErrors ?? []), ...pageErrors])],
      };
    },
    options,
  );
}
