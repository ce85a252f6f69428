/**
 * Reloads in the middle of the work: the offline banner is there after every
 * offline one, and a class photo's faces can still be reviewed after one,
 * until the session is finished.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { createClassWithRoster, enrolGeneratedPeople, openApp, recordConsentForAll } from './classSetup';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const ROSTER = ['Roll No,Name,Guardian Name,Guardian Phone,Email', '1,Ana Lima,Rosa Lima,,', '2,Bea Costa,Paulo Costa,,', '3,Cleo Ortiz,Marta Ortiz,,', '4,Dina Reyes,Luis Reyes,,'].join('\n');

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

test('a class photo’s faces are still there to correct after a reload, and gone once the session is finished', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);
  await recordConsentForAll(page, await createClassWithRoster(page, 'Year 7 R', ROSTER));
  await enrolGeneratedPeople(page, FIXTURES);

  await page.getByTestId('tab-today').click();
  await page.getByTestId('start-photo').click();
  await page.getByTestId('ask-teacher-name-input').fill('Ms Rao');
  await page.getByTestId('ask-teacher-name-save').click();
  await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
  await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(3, { timeout: 120_000 });

  await page.reload();
  await expect(page.getByTestId('review-photo')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(3);

  // A correction after the reload, kept through the next one.
  await page.getByTestId('review-face-name').first().click();
  await page.getByTestId('reject-face').click();
  await expect(page.locator('[data-testid=review-face][data-kind=unknown]')).toHaveCount(1);
  await page.reload();
  await expect(page.locator('[data-testid=review-face][data-kind=unknown]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(2);

  await page.getByTestId('finalise').click();
  // Finished once Reopen shows: the marks, the session and the photos' removal are all written by then.
  await expect(page.getByRole('button', { name: 'Reopen' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('session-counts')).toContainText('absent', { timeout: 60_000 });
  await expect(page.getByTestId('review-photo')).toHaveCount(0);
});
