/**
 * A classmate's photo is not taken as a student's face without the teacher
 * saying so: in a folder import (one grouped summary) and on the student's
 * page (a question naming both). Kept anyway, it is marked doubtful on the
 * photo and can be removed there. The photos are derived from face-api's npm
 * samples by tests/e2e/fixtures/generate.ts.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClassWithRoster, openApp, recordConsentForAll } from './classSetup';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const PEOPLE = join(FIXTURES, 'people');
const ANA = join(PEOPLE, '1 - Ana Lima');
const BEA = join(PEOPLE, '2 - Bea Costa');
const SHOTS = join(import.meta.dirname, '../../test-results/screens');
/**
 * Copies of the fixtures this test uses, outside test-results/ (which another
 * Playwright run empties when it starts), so nothing running beside it can pull them away.
 */
let work = '';
/** The folder the teacher picks: two photos each, and one of Bea's filed under Ana. */
let folder = '';
/** Bea's third photo, uploaded on Ana's page. */
let beaPhoto = '';

test.beforeAll(() => {
  if (!existsSync(BEA)) throw new Error('Run `npx tsx tests/e2e/fixtures/generate.ts` first (npm run test:e2e does).');
  work = mkdtempSync(join(tmpdir(), 'rollcall-enrolment-guard-'));
  folder = join(work, 'folder');
  beaPhoto = join(work, 'bea-3.jpg');
  for (const [from, to] of [[ANA, '1 - Ana Lima'], [BEA, '2 - Bea Costa']] as const) {
    mkdirSync(join(folder, to), { recursive: true });
    for (const f of ['1.jpg', '2.jpg']) copyFileSync(join(from, f), join(folder, to, f));
  }
  copyFileSync(join(BEA, '3.jpg'), join(folder, '1 - Ana Lima', 'misfiled.jpg'));
  copyFileSync(join(BEA, '3.jpg'), beaPhoto);
});

test.afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const ROSTER = ['Roll No,Name,Guardian Name,Guardian Phone', '1,Ana Lima,Rosa Lima,+91 98123 45670', '2,Bea Costa,Paulo Costa,+91 98123 45671'].join('\n');

/** The part of the page a step is about, at both phone widths the app is checked at. */
async function shots(page: Page, name: string, part: Locator) {
  mkdirSync(SHOTS, { recursive: true });
  // The sticky top bar, and the update toast a rebuild beside this run can raise, would be painted over the part captured.
  await page.addStyleTag({ content: '.topbar { position: static !important; } .toast { display: none !important; }' });
  for (const width of [360, 412]) {
    await page.setViewportSize({ width, height: 800 });
    await part.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
  }
}

test('a classmate’s photo is kept as a student’s face only when the teacher says so, and stays marked', async ({ page }) => {
  test.setTimeout(480_000);
  await openApp(page);

  await test.step('a class of two, with consent', async () => {
    await recordConsentForAll(page, await createClassWithRoster(page, 'Year 8 A', ROSTER));
    await expect(page.getByTestId('class-consent-summary')).toHaveText('Consent is recorded for every student.');
  });

  await test.step('a folder import keeps both students’ photos and holds back the one filed under the wrong student', async () => {
    await page.getByTestId('folder-input').setInputFiles(folder);
    await expect(page.getByTestId('folder-report')).toContainText('4 photos enrolled', { timeout: 180_000 });
    await expect(page.getByTestId('folder-doubtful-summary')).toHaveText('1 photo looks like another student: not kept — review it below.');
    const held = page.getByTestId('folder-doubtful').getByTestId('doubtful-photo');
    await expect(held).toHaveCount(1);
    await expect(held).toContainText('1 - Ana Lima/misfiled.jpg');
    await expect(held.getByTestId('doubtful-question')).toHaveText('This looks like Bea Costa, not Ana Lima. Keep it anyway?');
    await shots(page, 'enrolment-guard-folder', page.getByTestId('folder-import'));
    await held.getByTestId('doubtful-drop').click();
    await expect(page.getByTestId('folder-doubtful-summary')).toHaveText('Every doubtful photo has been answered.');
    await expect(page.getByTestId('folder-doubtful')).toContainText('0 kept anyway (marked doubtful), 1 not kept.');
  });

  const anaCards = page.getByTestId('sample-card');
  await test.step('on Ana’s page, Bea’s photo is not kept without an answer, and “Don’t keep” changes nothing', async () => {
    await page.locator('[data-testid=student-row]').filter({ hasText: 'Ana Lima' }).click();
    await expect(page.getByTestId('student-name')).toHaveText('Ana Lima');
    await expect(anaCards).toHaveCount(2);
    const kept = () => anaCards.locator('time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')));
    const before = await kept();

    await page.getByTestId('upload-photos-input').setInputFiles(beaPhoto);
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toBeVisible({ timeout: 120_000 });
    await expect(dialog).toHaveAccessibleName('This looks like Bea Costa, not Ana Lima. Keep it anyway?');
    await expect(dialog.getByTestId('doubtful-drop')).toBeFocused();
    await expect(page.getByTestId('upload-results')).toContainText('bea-3.jpg: not kept unless you say so — This looks like Bea Costa, not Ana Lima.');
    // Waiting for the answer, nothing was kept.
    await expect(anaCards).toHaveCount(2);
    await expect(page.getByTestId('enrolment-status')).toContainText('2 photos');
    await shots(page, 'enrolment-guard-question', page.locator('section[aria-labelledby=photos-title]'));

    await dialog.getByRole('button', { name: 'Don’t keep' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('upload-results')).toContainText('Not kept.');
    await page.reload();
    await expect(page.getByTestId('student-name')).toHaveText('Ana Lima');
    await expect(anaCards).toHaveCount(2);
    expect(await kept()).toEqual(before);
    await expect(page.getByTestId('sample-doubtful')).toHaveCount(0);
  });

  await test.step('“Keep” keeps it marked doubtful, across a reload, and it can be removed there', async () => {
    await expect(page.getByTestId('upload-photos-input')).toBeEnabled({ timeout: 150_000 });
    await page.getByTestId('upload-photos-input').setInputFiles(beaPhoto);
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toBeVisible({ timeout: 120_000 });
    await dialog.getByRole('button', { name: 'Keep as a photo of Ana Lima' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(anaCards).toHaveCount(3);
    const doubtful = page.locator('[data-testid=sample-card][data-doubtful=true]');
    await expect(doubtful).toHaveCount(1);
    await expect(doubtful.getByTestId('sample-doubtful')).toHaveText('Doubtful: looks like Bea Costa');

    await page.reload();
    await expect(anaCards).toHaveCount(3);
    await expect(doubtful.getByTestId('sample-doubtful')).toHaveText('Doubtful: looks like Bea Costa');
    await shots(page, 'enrolment-guard-kept', page.locator('section[aria-labelledby=photos-title]'));

    await doubtful.getByTestId('sample-delete').click();
    await doubtful.getByTestId('sample-delete-confirm').click();
    await expect(anaCards).toHaveCount(2);
    await expect(page.getByTestId('sample-doubtful')).toHaveCount(0);
    await expect(page.getByTestId('enrolment-status')).toContainText('2 photos');
  });
});
