import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const samples = join(import.meta.dirname, '../../node_modules/@vladmandic/face-api/demo');

async function waitForEngine(page: Page) {
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 150_000 });
}

async function upload(page: Page, name: string, buffer: Buffer, mimeType = 'image/jpeg') {
  await page.getByTestId('photo-input').setInputFiles({ name, mimeType, buffer });
}

test('first run loads the models with progress and names the backend in its technical details', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Getting the face engine ready' })).toBeVisible();
  await expect(page.getByTestId('model-progress')).toBeVisible();
  // The bar moves: some bytes arrive before the engine is ready.
  await expect.poll(async () => Number(await page.getByTestId('model-progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
  await waitForEngine(page);
  // The backend is named under "Technical details", not in the teacher's line.
  const details = page.getByTestId('engine-details');
  await expect(details).toContainText(/Backend: (WEBGPU|WEBGL|WASM|CPU)/);
  // Served cross-origin isolated, the WASM fallback runs threaded.
  const facts = (await details.textContent()) ?? '';
  if (facts.includes('Backend: WASM')) expect(facts).toContain('SIMD on · threads on');
  await page.screenshot({ path: 'test-results/home-ready.png', fullPage: true });
});

test('a photo upload shows a box for every face, bad files get a clear error and the worker carries on', async ({ page }) => {
  await page.goto('/photo');
  await waitForEngine(page);

  await upload(page, 'sample1.jpg', readFileSync(join(samples, 'sample1.jpg')));
  await expect(page.getByTestId('face-count')).toContainText('3 faces found', { timeout: 60_000 });
  await expect(page.getByTestId('face-box')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/photo-boxes.png', fullPage: true });

  await upload(page, 'notes.jpg', Buffer.from('this is not a picture, just text pretending to be one'));
  await expect(page.getByTestId('photo-error')).toContainText('not an image');

  const jpeg = readFileSync(join(samples, 'sample2.jpg'));
  await upload(page, 'truncated.jpg', jpeg.subarray(0, 600));
  await expect(page.getByTestId('photo-error')).toContainText(/could not be decoded|truncated|damaged/i);

  await upload(page, 'sample2.jpg', jpeg);
  await expect(page.getByTestId('face-count')).toContainText('3 faces found', { timeout: 60_000 });
});

test('after the first visit the app and its models reload offline', async ({ page, context }) => {
  await page.goto('/');
  await waitForEngine(page);
  // Wait until the service worker has finished precaching (it is then active).
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state)), { timeout: 60_000 }).toBe('activated');

  await context.setOffline(true);
  await page.reload();
  await waitForEngine(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /Check a photo/ }).click();
  await upload(page, 'sample3.jpg', readFileSync(join(samples, 'sample3.jpg')));
  await expect(page.getByTestId('face-count')).toContainText('3 faces found', { timeout: 60_000 });
  await context.setOffline(false);
});
