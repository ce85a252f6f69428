/**
 * A teacher's whole day on a phone-sized screen: a class and its roster (with
 * bad rows), enrolment from photos, attendance from a class photo and from the
 * live (fake) camera, a correction, an Excel export read back cell by cell,
 * and the app working offline after a reload. The photos are derived from
 * face-api's npm samples by tests/e2e/fixtures/generate.ts.
 */
import { test, expect, type Page } from '@playwright/test';
import { readSheet } from 'read-excel-file/node';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumLaunchOptions } from './chromium';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const SHOTS = join(import.meta.dirname, '../../test-results/screens');
const VIDEO = join(FIXTURES, 'class.y4m');

test.use({
  launchOptions: chromiumLaunchOptions(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${VIDEO}`]),
});

test.beforeAll(() => {
  if (!existsSync(VIDEO)) throw new Error('Run `npx tsx tests/e2e/fixtures/generate.ts` first (npm run test:e2e does).');
  mkdirSync(SHOTS, { recursive: true });
});

const ROSTER = [
  'Roll No,Name,Guardian Name,Guardian Phone,Email',
  '1,Ana Lima,Rosa Lima,+91 98123 45670,rosa@example.org',
  '2,Bea Costa,Paulo Costa,09812345671,',
  '3,Cleo Ortiz,Marta Ortiz,+919812345672,',
  '4,Dina Reyes,Luis Reyes,9812345673,',
  '5,,Nobody,9812345674,',
  '6,Eli Park,June Park,12345,',
  '7,Finn Hale,Ada Hale,9812345675,',
  '7,Gus Moon,Ivy Moon,9812345676,not-an-email',
].join('\n');

async function shot(page: Page, name: string) {
  // A full-page capture would paint the bottom action bar in the middle of the page.
  await page.addStyleTag({ content: '.sticky-actions { position: static !important; }' });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function waitForEngine(page: Page) {
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 150_000 });
}

test('a teacher runs a class from roster to Excel, by photo and by live camera, and keeps working offline', async ({ page, context }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  await waitForEngine(page);

  await test.step('create a class and import a roster with bad rows', async () => {
    await page.getByLabel('Class name').fill('Year 7 B');
    await page.getByRole('button', { name: 'Create class' }).click();
    await expect(page.getByTestId('class-title')).toHaveText('Year 7 B');
    await shot(page, 'class-today');
    await page.getByTestId('tab-students').click();
    await page.getByTestId('import-roster').click();
    await page.getByTestId('roster-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(ROSTER) });
    await expect(page.getByTestId('roster-summary')).toContainText('4 ready to import, 4 with errors');
    const bad = page.locator('[data-testid=roster-row][data-ok=false]');
    await expect(bad).toHaveCount(4);
    await expect(bad.nth(0)).toContainText(/name/i);
    await expect(bad.nth(1)).toContainText(/12345/);
    await expect(bad.nth(2)).toContainText(/also used on line 9/);
    await shot(page, 'roster-import');
    await page.getByTestId('roster-confirm').click();
    await expect(page.getByTestId('class-title')).toBeVisible();
    await page.getByTestId('tab-students').click();
    await expect(page.getByTestId('student-row')).toHaveCount(4);
  });

  await test.step('record the guardians’ signed consent forms, as enrolment needs', async () => {
    await expect(page.getByTestId('class-consent-summary')).toContainText('4 of 4 students have no consent recorded');
    await page.getByTestId('bulk-consent-open').click();
    await page.getByTestId('bulk-consent-notice').fill('2026-01');
    await page.getByTestId('bulk-consent-confirm').check();
    await page.getByTestId('bulk-consent-submit').click();
    await expect(page.getByTestId('bulk-consent-result')).toHaveText('Consent recorded for 4 students.');
    await expect(page.getByTestId('class-consent-summary')).toHaveText('Consent is recorded for every student.');
  });

  await test.step('enrol four students from a folder of photos', async () => {
    const people = join(FIXTURES, 'people');
    const files = readdirSync(people).flatMap((dir) => readdirSync(join(people, dir)).map((f) => join(people, dir, f)));
    expect(files).toHaveLength(12);
    await page.getByTestId('folder-input').setInputFiles(people);
    await expect(page.getByTestId('folder-report')).toContainText('12', { timeout: 180_000 });
    await page.getByTestId('tab-model').click();
    await expect(page.locator('[data-testid=model-version]').filter({ hasText: 'in use' })).toHaveCount(1, { timeout: 120_000 });
    await expect(page.getByTestId('model-version').first()).toContainText('4 students');
    await shot(page, 'class-model');
    await page.getByTestId('tab-students').click();
    await page.getByTestId('student-row').first().click();
    await expect(page.getByTestId('student-name')).toBeVisible();
    await expect(page.getByTestId('consent-status')).toContainText('Consent given by Rosa Lima (parent), signed paper form');
    await expect(page.getByTestId('sample-card')).toHaveCount(3);
    await shot(page, 'student');
    await page.goBack();
  });

  let sessionUrl = '';
  await test.step('take attendance from one class photo and correct a mark', async () => {
    await page.getByTestId('tab-today').click();
    await page.getByTestId('start-photo').click();
    // A phone with no account asks the teacher's name at its first session.
    await page.getByTestId('ask-teacher-name-input').fill('Ms Rao');
    await page.getByTestId('ask-teacher-name-save').click();
    await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
    await expect(page.getByTestId('review-face')).toHaveCount(3, { timeout: 120_000 });
    await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(3);
    for (const name of ['Ana Lima', 'Bea Costa', 'Cleo Ortiz']) {
      await expect(page.locator(`[data-testid=mark-row][data-student="${name}"]`)).toHaveAttribute('data-status', 'present');
    }
    await expect(page.locator('[data-testid=mark-row][data-student="Dina Reyes"]')).toHaveAttribute('data-status', 'none');
    // The same photo again adds nobody twice.
    await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
    await expect(page.getByTestId('review-photo')).toHaveCount(2, { timeout: 120_000 });
    await expect(page.getByTestId('session-counts')).toContainText('3 present');
    await shot(page, 'session-photo');

    await page.locator('[data-testid=mark-row][data-student="Ana Lima"]').getByTestId('set-late').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Ana Lima"]')).toHaveAttribute('data-status', 'late');
    await page.getByTestId('finalise').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Dina Reyes"]')).toHaveAttribute('data-status', 'absent');
    await expect(page.getByTestId('session-counts')).toContainText('2 present · 1 late · 1 absent');
    sessionUrl = page.url();
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'session-finished-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await test.step('export the session to Excel and read the cells back', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('export-session-xlsx').click();
    const file = await (await download).path();
    const rows = (await readSheet(readFileSync(file))).map((r) => r.map((c) => (c === null ? '' : String(c))));
    const text = rows.map((r) => r.join('|')).join('\n');
    expect(text).toContain('Year 7 B');
    const header = rows.findIndex((r) => r.includes('Roll No'));
    expect(rows[header]).toEqual(expect.arrayContaining(['Roll No', 'Name', 'Status', 'Timestamp', 'Confidence', 'Source']));
    const col = (name: string) => rows[header]!.indexOf(name);
    const row = (name: string) => rows.find((r) => r[col('Name')] === name)!;
    expect(row('Ana Lima')[col('Status')]).toMatch(/late/i);
    expect(row('Ana Lima')[col('Source')]).toBe('Teacher');
    expect(row('Bea Costa')[col('Status')]).toMatch(/present/i);
    expect(row('Bea Costa')[col('Source')]).toBe('Camera');
    expect(Number(row('Bea Costa')[col('Confidence')])).toBeGreaterThan(0.5);
    expect(row('Dina Reyes')[col('Status')]).toMatch(/absent/i);
    expect(row('Dina Reyes')[col('Source')]).toBe('Finish: not seen');
    expect(rows.find((r) => r[0] === 'Taken by')?.[1]).toBe('Ms Rao');
    // The same photo twice shows three faces, not six.
    expect(text).toMatch(/faces detected\D*3\b/i);
  });

  await test.step('take attendance with the live camera', async () => {
    await page.goto(sessionUrl.replace(/sessions\/.*/, ''));
    await page.getByTestId('tab-today').click();
    await page.getByTestId('start-live').click();
    await expect(page.getByTestId('live-attendance')).toBeVisible();
    await expect(page.getByTestId('live-recognised').locator('li')).toHaveCount(3, { timeout: 180_000 });
    for (const name of ['Ana Lima', 'Bea Costa', 'Cleo Ortiz']) {
      await expect(page.locator(`[data-testid=mark-row][data-student="${name}"]`)).toHaveAttribute('data-status', /present|late/);
    }
    await shot(page, 'session-live');
  });

  await test.step('the enrolment camera coaches: the fake camera shows a group, so it asks for one person', async () => {
    await page.getByRole('link', { name: /Year 7 B/ }).click();
    await page.getByTestId('tab-students').click();
    await page.locator('[data-testid=student-row]').filter({ hasText: 'Dina Reyes' }).click();
    await page.getByTestId('use-camera').click();
    await expect(page.getByTestId('coach-message')).toContainText('Only one person in view', { timeout: 60_000 });
    await expect(page.getByTestId('capture-count')).toContainText('0 of');
    await shot(page, 'enrol-camera');
    await page.getByTestId('back-to-class').click();
  });

  await test.step('see the class over time', async () => {
    await page.getByTestId('tab-today').click();
    await expect(page.getByTestId('today-counts')).toContainText('present');
    await page.getByTestId('tab-students').click();
    await expect(page.getByTestId('student-row').first()).toContainText('%');
    await shot(page, 'class-students');
    await page.getByTestId('tab-history').click();
    await page.getByTestId('open-reports').click();
    await expect(page.getByTestId('summary-table')).toBeVisible();
    await expect(page.getByTestId('summary-table')).toContainText('Dina Reyes');
    await shot(page, 'reports');
    await page.goto('/');
    await shot(page, 'home');
  });

  await test.step('go offline, reload, and keep working', async () => {
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state)), { timeout: 60_000 }).toBe('activated');
    await context.setOffline(true);
    await page.goto('/');
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await waitForEngine(page);
    await page.getByTestId('class-link').first().click();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('session-row')).toHaveCount(2);
    await page.getByTestId('session-row').last().click();
    await expect(page.getByTestId('session-counts')).toContainText('2 present · 1 late · 1 absent');
    await page.locator('[data-testid=mark-row][data-student="Dina Reyes"]').getByTestId('set-excused').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Dina Reyes"]')).toHaveAttribute('data-status', 'excused');
    // Saved on the phone: a reload, still offline, shows it.
    await page.reload();
    await expect(page.locator('[data-testid=mark-row][data-student="Dina Reyes"]')).toHaveAttribute('data-status', 'excused');
    await context.setOffline(false);
  });
});
