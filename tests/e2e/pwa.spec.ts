import { test, expect } from '@playwright/test';

test('the web app manifest makes Rollcall installable', async ({ request }) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.ok()).toBe(true);
  const manifest = await res.json();
  expect(manifest.name).toBe('Rollcall');
  expect(manifest.display).toBe('standalone');
  expect(manifest.theme_color).toMatch(/^#/);
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) expect((await request.get(`/${icon.src}`)).ok()).toBe(true);
});

test('the service worker precaches every model file and the WASM binaries', async ({ request }) => {
  const sw = await (await request.get('/sw.js')).text();
  const models = (await (await request.get('/models/manifest.json')).json()) as { files: { file: string }[] };
  expect(models.files.length).toBeGreaterThanOrEqual(11);
  for (const { file } of models.files) expect(sw, file).toContain(`models/${file}`);
  expect(sw).toContain('models/manifest.json');
  expect(sw).toMatch(/tfjs-backend-wasm-simd[^"]*\.wasm/);
});

test('pages are served cross-origin isolated', async ({ page }) => {
  const res = await page.goto('/');
  expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(res?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('the production build has no developer sign-in and loads supabase-js only for a school server', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const assets = join(import.meta.dirname, '../../dist/assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  for (const f of files) {
    const text = readFileSync(join(assets, f), 'utf8');
    expect(text, f).not.toContain('rollcall-demo');
    expect(text, f).not.toContain('Demo accounts (development only)');
  }
  // supabase-js sits in its own chunk, fetched only when a server is set up.
  const entry = files.find((f) => /^index-.*\.js$/.test(f))!;
  expect(readFileSync(join(assets, entry), 'utf8')).not.toContain('supabase-js');
});
