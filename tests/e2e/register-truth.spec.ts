/**
 * The register as a teacher corrects it from class photos: a photo of
 * strangers names nobody and offers no student's name to confirm, "Not X"
 * on one face takes back only what that face made, and the session counts
 * distinct faces. Photos are derived from face-api's npm samples by
 * tests/e2e/fixtures/generate.ts.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { readSheet } from 'read-excel-file/node';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassWithRoster, enrolGeneratedPeople, openApp, recordConsentForAll } from './classSetup';

const FIXTURES = join(import.meta.dirname, '../fixtures/generated/e2e');
const SHOTS = join(import.meta.dirname, '../../test-results/screens');
const ROSTER = ['Roll No,Name,Guardian Name,Guardian Phone', '1,Ana Lima,Rosa Lima,+919812345670', '2,Bea Costa,Paulo Costa,+919812345671', '3,Cleo Ortiz,Marta Ortiz,+919812345672', '4,Dina Reyes,Luis Reyes,+919812345673'].join('\n');

test.beforeAll(() => {
  if (!existsSync(join(FIXTURES, 'strangers-photo.jpg'))) throw new Error('Run `npx tsx tests/e2e/fixtures/generate.ts` first (npm run test:e2e does).');
  mkdirSync(SHOTS, { recursive: true });
});

async function tapFace(face: Locator) {
  await face.focus();
  await face.press('Enter');
}

const row = (page: Page, name: string) => page.locator(`[data-testid=mark-row][data-student="${name}"]`);

async function shot(page: Page, name: string) {
  // A full-page capture would paint the bottom action bar in the middle of the page.
  await page.addStyleTag({ content: '.sticky-actions { position: static !important; }' });
  for (const width of [360, 412]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
}

test('strangers stay strangers, "Not X" takes back one face, and faces are counted once', async ({ page }) => {
  test.setTimeout(480_000);
  let strangerFaces = 0;
  await openApp(page);

  await test.step('a class of four, consent recorded, enrolled from a folder', async () => {
    await recordConsentForAll(page, await createClassWithRoster(page, 'Year 8 A', ROSTER));
    await enrolGeneratedPeople(page, FIXTURES);
  });

  await test.step('the class photo names three students', async () => {
    await page.getByTestId('tab-today').click();
    await page.getByTestId('start-photo').click();
    // Asked once, on the first session: the name "Taken by" prints.
    await page.getByTestId('ask-teacher-name-input').fill('Ms Rao');
    await page.getByTestId('ask-teacher-name-save').click();
    await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
    await expect(page.locator('[data-testid=review-face][data-kind=named]')).toHaveCount(3, { timeout: 120_000 });
    for (const name of ['Ana Lima', 'Bea Costa', 'Cleo Ortiz']) await expect(row(page, name)).toHaveAttribute('data-status', 'present');
  });

  await test.step('a photo of strangers names nobody, says so, and offers no name to confirm', async () => {
    await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'strangers-photo.jpg'));
    await expect(page.getByTestId('review-photo')).toHaveCount(2, { timeout: 120_000 });
    const strangers = page.getByTestId('review-photo').nth(1);
    const faces = strangers.getByTestId('review-face');
    const count = await faces.count();
    strangerFaces = count;
    expect(count).toBeGreaterThanOrEqual(2);
    await expect(strangers.locator('[data-testid=review-face][data-kind=unknown]')).toHaveCount(count);
    await expect(strangers.locator('figcaption')).toContainText(`${count} faces · 0 named · 0 to check · ${count} unknown`);
    for (const name of ['Ana', 'Bea', 'Cleo', 'Dina']) await expect(strangers.locator('svg')).not.toContainText(name);
    await tapFace(faces.first());
    await expect(page.getByTestId('face-correction')).toContainText('Who is this?');
    await expect(page.getByTestId('confirm-face')).toHaveCount(0);
    await expect(page.getByTestId('reject-face')).toHaveCount(0);
    await shot(page, 'session-strangers');
    await page.getByTestId('face-correction').getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('session-counts')).toContainText('3 present');
  });

  await test.step('"Not Ana" on a second photo of her leaves the mark the first photo made; on the first it goes', async () => {
    await page.getByTestId('session-photo-input').setInputFiles(join(FIXTURES, 'class-photo.jpg'));
    await expect(page.getByTestId('review-photo')).toHaveCount(3, { timeout: 120_000 });
    await expect(row(page, 'Ana Lima')).toContainText('seen on 2 faces');
    const again = page.getByTestId('review-photo').nth(2);
    // Faces are reached by keyboard here: the bottom action bar can lie over a photo's lower faces.
    await tapFace(again.locator('[data-testid=review-face][aria-label^="Face: Ana Lima"]'));
    await page.getByTestId('reject-face').click();
    await expect(again.locator('[data-testid=review-face]').filter({ has: page.locator('text=Ana Lima') })).toHaveCount(0);
    await expect(row(page, 'Ana Lima')).toHaveAttribute('data-status', 'present');

    const first = page.getByTestId('review-photo').nth(0);
    await tapFace(first.locator('[data-testid=review-face][aria-label^="Face: Ana Lima"]'));
    await page.getByTestId('reject-face').click();
    await expect(row(page, 'Ana Lima')).toHaveAttribute('data-status', 'none');
    await expect(row(page, 'Bea Costa')).toHaveAttribute('data-status', 'present');
  });

  await test.step('Finish, and the Excel counts distinct faces', async () => {
    await page.getByTestId('finalise').click();
    const confirm = page.getByRole('button', { name: /mark (them )?absent/i });
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await expect(row(page, 'Ana Lima')).toHaveAttribute('data-status', 'absent');
    await shot(page, 'session-after-not-ana');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-session-xlsx').click();
    const rows = (await readSheet(readFileSync(await (await download).path()))).map((r) => r.map((c) => (c === null ? '' : String(c))));
    const text = rows.map((r) => r.join('|')).join('\n');
    // Three students (the class photo twice) and the strangers: each face once.
    expect(text).toMatch(new RegExp(`faces detected\\D*${3 + strangerFaces}\\b`, 'i'));
  });
});
