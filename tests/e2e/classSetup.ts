/**
 * The steps a teacher takes before any attendance, shared by the specs that
 * need a class: open the app and wait for the face engine, create a class
 * from a roster file, record the guardians' paper consent forms, and enrol
 * the generated people from a folder.
 */
import { expect, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function openApp(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 150_000 });
}

/** A new class with the roster in `csv` (a header and one line per student, all valid); leaves the Students tab open. */
export async function createClassWithRoster(page: Page, name: string, csv: string) {
  const students = csv.trim().split('\n').length - 1;
  await page.getByLabel('Class name').fill(name);
  await page.getByRole('button', { name: 'Create class' }).click();
  await expect(page.getByTestId('class-title')).toHaveText(name);
  await page.getByTestId('tab-students').click();
  await page.getByTestId('import-roster').click();
  await page.getByTestId('roster-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('roster-summary')).toContainText(`${students} ready to import`);
  await page.getByTestId('roster-confirm').click();
  await expect(page.getByTestId('class-title')).toBeVisible();
  await page.getByTestId('tab-students').click();
  await expect(page.getByTestId('student-row')).toHaveCount(students);
  return students;
}

/** Consent for every student of the class on screen, as signed paper forms (enrolment needs it). */
export async function recordConsentForAll(page: Page, students: number) {
  await page.getByTestId('bulk-consent-open').click();
  await page.getByTestId('bulk-consent-notice').fill('2026-01');
  await page.getByTestId('bulk-consent-confirm').check();
  await page.getByTestId('bulk-consent-submit').click();
  await expect(page.getByTestId('bulk-consent-result')).toHaveText(`Consent recorded for ${students} students.`);
}

/** Enrols the four generated people from their folder of photos (three each) and waits for the class model to be in use. */
export async function enrolGeneratedPeople(page: Page, fixtures: string) {
  const people = join(fixtures, 'people');
  expect(readdirSync(people)).toHaveLength(4);
  await page.getByTestId('folder-input').setInputFiles(people);
  await expect(page.getByTestId('folder-report')).toContainText('12', { timeout: 180_000 });
  await page.getByTestId('tab-model').click();
  await expect(page.locator('[data-testid=model-version]').filter({ hasText: 'in use' })).toHaveCount(1, { timeout: 120_000 });
}
