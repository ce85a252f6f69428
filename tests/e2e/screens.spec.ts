/**
 * Every main screen on a small and a large phone (360 and 412 px), light and
 * dark: nothing wider than the screen, no text cut off, no label running
 * into another, nothing left under a fixed bar, and no critical or serious
 * axe-core violation (screenCheck.ts). The teacher's screens run on this
 * phone alone (a class photo and the live camera included); the student's
 * record, the parent's view, the teacher's review list and the admin's
 * school page run against the school backend of `npm run backend`. The
 * screenshots land in docs/screenshots/.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../../scripts/backend/stack';
import { connect, giveSecondFactor, startBackend } from './backend';
import { chromiumLaunchOptions } from './chromium';
import { createClassWithRoster, enrolGeneratedPeople, openApp, recordConsentForAll } from './classSetup';
import { checkScreen } from './screenCheck';
import { DEMO_ADMIN_TOTP, DEMO_PASSWORD, USERS } from '../../supabase/local/seed-ids';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const VIDEO = join(FIXTURES, 'class.y4m');
// Long names, as real rosters have: they must wrap, not be cut short.
const ROSTER = [
  'Roll No,Name,Guardian Name,Guardian Phone',
  '1,Ana Lima,Rosa Lima,+919812345670',
  '2,Bea Costa,Paulo Costa,+919812345671',
  '3,Cleo Ortiz,Marta Ortiz,+919812345672',
  '4,Dina Reyes,Luis Reyes,+919812345673',
  '5,Penelope Hofstadter-Koothrappali,Amy Farrah Fowler,+919812345674',
].join('\n');

test.use({
  launchOptions: chromiumLaunchOptions(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${VIDEO}`]),
});

test.beforeAll(() => {
  if (!existsSync(VIDEO)) throw new Error('Run `npx tsx tests/e2e/fixtures/generate.ts` first (npm run test:e2e does).');
  mkdirSync(join(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
});

test("a teacher's screens fit a phone and pass axe", async ({ page }) => {
  test.setTimeout(900_000);
  await openApp(page);
  await checkScreen(page, 'home-first-run');

  await recordConsentForAll(page, await createClassWithRoster(page, 'Year 7 B — Mrs Fitzgerald-Ramaswamy', ROSTER));
  await enrolGeneratedPeople(page, FIXTURES);
  await checkScreen(page, 'class-model');
  await page.getByTestId('tab-students').click();
  await checkScreen(page, 'class-students', { light: ['class-students'] });
  await page.getByTestId('tab-today').click();
  await checkScreen(page, 'class-today');

  await page.getByTestId('tab-students').click();
  await page.getByTestId('student-row').first().click();
  await expect(page.getByTestId('sample-card')).toHaveCount(3);
  await checkScreen(page, 'student', { light: ['student'] });
  await page.goBack();

  await page.getByTestId('tab-today').click();
  await page.getByTestId('start-photo').click();
  await page.getByTestId('ask-teacher-name-input').fill('Ms Rao');
  await page.getByTestId('ask-teacher-name-save').click();
  await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
  await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(3, { timeout: 120_000 });
  await checkScreen(page, 'session-photo', { light: ['session-photo'] });
  const sessionUrl = page.url();

  await page.goto(sessionUrl.replace(/sessions\/.*/, ''));
  await page.getByTestId('tab-today').click();
  await page.getByTestId('start-live').click();
  await expect(page.getByTestId('live-recognised').locator('li')).toHaveCount(3, { timeout: 180_000 });
  await checkScreen(page, 'session-live', { light: ['session-live'] });
  await page.getByTestId('finalise').click();
  // Penelope has no photos, so Finish asks first.
  await page.getByTestId('finish-check-absent').click();
  await expect(page.getByTestId('session-finished')).toBeVisible();
  await checkScreen(page, 'session-finished', { dark: ['session-finished-dark'] });

  // Reports over the photo session (left unfinished) and the finished live one.
  await page.goto(sessionUrl.replace(/sessions\/.*/, 'reports'));
  await expect(page.getByTestId('summary-table')).toContainText('Penelope');
  await checkScreen(page, 'reports');

  await page.goto('/');
  await expect(page.getByTestId('class-link')).toHaveCount(1);
  await checkScreen(page, 'home');
  await page.goto('/settings');
  await expect(page.getByTestId('storage')).toBeVisible();
  await checkScreen(page, 'settings');
  await page.goto('/sign-in');
  await expect(page.getByTestId('server-url')).toBeVisible();
  await checkScreen(page, 'sign-in-connect');
});

test.describe('signed in to the school', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startBackend();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  async function signIn(browser: Browser, email: string, shotName?: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await connect(page, stack);
    await expect(page.getByTestId('email')).toBeVisible();
    if (shotName) await checkScreen(page, shotName, { light: ['sign-in'] });
    await page.getByTestId('email').fill(email);
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in').click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('sync-badge')).toContainText('Synced', { timeout: 30_000 });
    return page;
  }

  test("the student's, parent's, teacher's and admin's screens fit a phone and pass axe", async ({ browser }) => {
    test.setTimeout(600_000);
    const student = await signIn(browser, USERS.aarav.email, 'sign-in');
    await expect(student.getByTestId('record-calendar')).toBeVisible({ timeout: 30_000 });
    await checkScreen(student, 'record-student', { light: ['role-student'] });
    await student.getByTestId('calendar-day').first().click();
    await expect(student.getByTestId('day-status')).toBeVisible();
    await checkScreen(student, 'record-day');
    await student.context().close();

    const parent = await signIn(browser, USERS.pat.email);
    await expect(parent.getByTestId('student-record').first()).toBeVisible({ timeout: 30_000 });
    await checkScreen(parent, 'record-parent', { light: ['role-parent', 'parent-home'] });
    await parent.getByTestId('child-settings-link').first().click();
    await expect(parent.getByTestId('notify-form')).toBeVisible();
    await checkScreen(parent, 'child-settings');
    await parent.context().close();

    const teacher = await signIn(browser, USERS.tomas.email);
    await expect(teacher.getByTestId('class-link').first()).toBeVisible({ timeout: 30_000 });
    await checkScreen(teacher, 'home-teacher');
    await teacher.getByTestId('nav-review').click();
    await expect(teacher.getByTestId('review-item').first()).toBeVisible({ timeout: 30_000 });
    await checkScreen(teacher, 'review', { light: ['role-teacher-review'] });
    await teacher.context().close();

    const admin = await signIn(browser, USERS.asha.email);
    await checkScreen(admin, 'home-admin');
    await admin.getByTestId('home-school').click();
    await expect(admin.getByTestId('second-factor-code')).toBeVisible({ timeout: 15_000 });
    await checkScreen(admin, 'second-factor-code');
    await giveSecondFactor(admin, DEMO_ADMIN_TOTP.secret);
    await expect(admin.locator('[data-testid=class-figures]').first()).toBeVisible({ timeout: 30_000 });
    await checkScreen(admin, 'school', { light: ['role-admin'] });
    await admin.getByTestId('tab-people').click();
    await checkScreen(admin, 'school-people');
    await admin.getByTestId('tab-settings').click();
    await checkScreen(admin, 'school-settings');
    await admin.context().close();

    // An admin with no authenticator app sets one up from the key on the screen, and only then sees the school.
    const newAdmin = await signIn(browser, USERS.xavier.email);
    await newAdmin.getByTestId('home-school').click();
    await newAdmin.getByTestId('second-factor-start').click();
    await expect(newAdmin.getByTestId('second-factor-qr')).toBeVisible();
    await checkScreen(newAdmin, 'second-factor-setup');
    const key = (await newAdmin.getByTestId('second-factor-key').innerText()).replace(/\s/g, '');
    await newAdmin.getByTestId('second-factor-code').fill('000000');
    await newAdmin.getByTestId('second-factor-submit').click();
    await expect(newAdmin.getByTestId('second-factor-error')).toContainText('That code is not right');
    await giveSecondFactor(newAdmin, key);
    await expect(newAdmin.getByTestId('tab-people')).toBeVisible();
    await newAdmin.context().close();
  });
});
