/**
 * The self check-in kiosk against a replay attack: Chromium's fake camera
 * plays an enrolled student's photo, held perfectly still. The kiosk must
 * recognise the face, ask for the liveness challenge, and turn it away (red
 * screen). The student's roll-number check-in then waits for the teacher,
 * and the kiosk cannot be left without the teacher's PIN.
 */
import { test, expect, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClassWithRoster, enrolGeneratedPeople, openApp, recordConsentForAll } from './classSetup';
import { chromiumLaunchOptions } from './chromium';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const SHOTS = join(import.meta.dirname, '../../test-results/screens');
const VIDEO = join(FIXTURES, 'still-portrait.y4m');
const PIN = '2468';

test.use({
  launchOptions: chromiumLaunchOptions(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${VIDEO}`]),
});

test.beforeAll(() => {
  if (!existsSync(VIDEO)) throw new Error('Run `npx tsx tests/e2e/fixtures/generate.ts` first (npm run test:e2e does).');
  mkdirSync(SHOTS, { recursive: true });
});

const ROSTER = [
  'Roll No,Name,Guardian Name,Guardian Phone,Email',
  '1,Ana Lima,Rosa Lima,+91 98123 45670,',
  '2,Bea Costa,Paulo Costa,+91 98123 45671,',
  '3,Cleo Ortiz,Marta Ortiz,+91 98123 45672,',
  '4,Dina Reyes,Luis Reyes,+91 98123 45673,',
].join('\n');

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function typePin(page: Page, pin: string) {
  for (const d of pin) await page.getByTestId(`key-${d}`).click();
  await page.getByTestId('pad-submit').click();
}

test('a still photo is turned away by the kiosk, a roll-number check-in waits for the teacher, and only the PIN unlocks it', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);

  await test.step('a class with four enrolled students', async () => {
    await recordConsentForAll(page, await createClassWithRoster(page, 'Year 7 K', ROSTER));
    await enrolGeneratedPeople(page, FIXTURES);
  });

  await test.step('the teacher sets a PIN and starts the kiosk; the school model is trained on every enrolled student', async () => {
    // Opened from inside the app (as the home page's link will), so the browser's Back stays in the app.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('open-kiosk').click();
    await expect(page.getByTestId('kiosk-setup')).toBeVisible();
    await expect(page.getByTestId('kiosk-enrolled')).toContainText('4 students', { timeout: 60_000 });
    await page.getByTestId('kiosk-new-pin').fill(PIN);
    await page.getByTestId('kiosk-new-pin-again').fill(PIN);
    await page.getByTestId('kiosk-save-pin').click();
    await expect(page.getByTestId('kiosk-pin-status')).toBeVisible();
    await page.getByTestId('kiosk-start').click();
    await expect(page.getByTestId('kiosk')).toBeVisible({ timeout: 120_000 });
  });

  await test.step('the still photo is recognised, asked for the challenge, and turned away', async () => {
    await expect(page.getByTestId('kiosk-prompt')).toBeVisible({ timeout: 150_000 });
    await shot(page, 'kiosk-challenge');
    const result = page.getByTestId('kiosk-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    await expect(result).toHaveAttribute('data-tone', 'red');
    await expect(page.getByTestId('kiosk-result-title')).toHaveText('Not checked in');
    await expect(page.getByTestId('kiosk-result-detail')).toContainText('Ana Lima?');
    await shot(page, 'kiosk-red');
  });

  await test.step('the student checks in by roll number instead; it waits for the teacher', async () => {
    await page.getByTestId('kiosk-use-pin').click();
    await page.getByTestId('kiosk-class').filter({ hasText: 'Year 7 K' }).click();
    await typePin(page, '1');
    await expect(page.getByTestId('kiosk-result')).toHaveAttribute('data-tone', 'amber');
    await expect(page.getByTestId('kiosk-result-title')).toHaveText('Ana Lima');
    await shot(page, 'kiosk-amber');
    await expect(page.getByTestId('kiosk-checkin-count')).toHaveText('1', { timeout: 15_000 });
  });

  await test.step('the kiosk cannot be left without the PIN', async () => {
    await page.evaluate(() => history.back());
    await page.waitForTimeout(500);
    await expect(page).toHaveURL(/\/kiosk$/);
    await expect(page.getByTestId('kiosk')).toBeVisible();
    await page.getByTestId('kiosk-teacher-button').click();
    await typePin(page, '1111');
    await expect(page.getByTestId('pad-error')).toHaveText('Wrong PIN.');
    await shot(page, 'kiosk-pin');
    await typePin(page, PIN);
    await expect(page.getByTestId('kiosk-teacher')).toBeVisible();
    await expect(page.getByTestId('kiosk-checkin')).toHaveCount(1);
    await expect(page.getByTestId('kiosk-checkin')).toContainText('Ana Lima');
    await shot(page, 'kiosk-teacher');
    await page.getByTestId('kiosk-checkin-confirm').click();
    await expect(page.getByTestId('kiosk-checkin')).toHaveCount(0);
    await page.getByTestId('kiosk-exit').click();
    await expect(page).toHaveURL(/\/$/);
  });

  await test.step('the camera marked nobody: the one mark is the teacher-confirmed one, by hand', async () => {
    await page.getByTestId('class-link').filter({ hasText: 'Year 7 K' }).click();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await page.getByTestId('session-row').click();
    const ana = page.locator('[data-testid=mark-row][data-student="Ana Lima"]');
    await expect(ana).toHaveAttribute('data-status', 'present');
    await expect(ana).toContainText('by hand');
    for (const name of ['Bea Costa', 'Cleo Ortiz', 'Dina Reyes']) {
      await expect(page.locator(`[data-testid=mark-row][data-student="${name}"]`)).toHaveAttribute('data-status', 'none');
    }
  });
});
