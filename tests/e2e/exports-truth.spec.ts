/**
 * The session export tells the truth: a phone with no account asks the
 * teacher's name at the first session, one student is marked by hand and
 * one is never seen, and the Excel file, read back cell by cell, says
 * "Teacher" and "Finish: not seen" in Source and the name in Taken by.
 * Settings (with "Finish open sessions at") is captured at 360 and 412 px.
 * A session left open is finished by the close of day when the app is next
 * opened, and says so on screen and in the file.
 */
import { test, expect, type Page } from '@playwright/test';
import { readSheet } from 'read-excel-file/node';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SHOTS = join(import.meta.dirname, '../../test-results/screens');
const NAME = 'Ms Adaeze Okafor';

// A school day in a 24-hour locale, so the screen writes times as the setting does.
// (Headless Chromium draws time inputs in US style whatever the locale.)
test.use({ locale: 'en-GB', timezoneId: 'Asia/Kolkata' });

test.beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});

async function shot(page: Page, name: string) {
  await page.addStyleTag({ content: '.sticky-actions { position: static !important; }' });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function readExcel(page: Page): Promise<string[][]> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-session-xlsx').click();
  return (await readSheet(readFileSync(await (await download).path()))).map((r) => r.map((c) => (c === null ? '' : String(c))));
}

async function newClass(page: Page, name: string, students: string[]) {
  await page.getByLabel('Class name').fill(name);
  await page.getByRole('button', { name: 'Create class' }).click();
  await expect(page.getByTestId('class-title')).toHaveText(name);
  await page.getByTestId('tab-students').click();
  for (const [i, student] of students.entries()) await addStudent(page, String(i + 1), student);
  await page.getByTestId('tab-today').click();
}

async function addStudent(page: Page, rollNo: string, fullName: string) {
  const form = page.getByTestId('add-student');
  await form.getByLabel('Roll no').fill(rollNo);
  await form.getByLabel('Full name').fill(fullName);
  await form.getByRole('button', { name: 'Add student' }).click();
  await expect(page.getByTestId('student-row').filter({ hasText: fullName })).toBeVisible();
}

test('the session Excel says how each mark came about and who took it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');

  await test.step('a class with two students', async () => {
    await newClass(page, 'Year 8 C', ['Ana Lima', 'Bea Costa']);
  });

  await test.step('the first session asks the teacher’s name, once', async () => {
    await page.getByTestId('start-manual').click();
    await expect(page.getByTestId('ask-teacher-name')).toBeVisible();
    await shot(page, 'ask-teacher-name');
    await page.getByTestId('ask-teacher-name-input').fill(NAME);
    await page.getByTestId('ask-teacher-name-save').click();
    await expect(page.getByTestId('session-taken-by')).toContainText(`taken by ${NAME}`);
  });

  await test.step('Ana is marked by hand, Bea is never seen, and the session is finished', async () => {
    await page.locator('[data-testid=mark-row][data-student="Ana Lima"]').getByTestId('set-present').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Ana Lima"]')).toHaveAttribute('data-status', 'present');
    await page.getByTestId('finalise').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Bea Costa"]')).toHaveAttribute('data-status', 'absent');
  });

  await test.step('the Excel file, read back cell by cell', async () => {
    const rows = await readExcel(page);
    expect(rows.find((r) => r[0] === 'Taken by')?.[1]).toBe(NAME);
    const header = rows.findIndex((r) => r[0] === 'Roll No');
    expect(rows[header]).toEqual(['Roll No', 'Name', 'Status', 'Timestamp', 'Confidence', 'Source']);
    const row = (name: string) => rows.find((r) => r[1] === name)!;
    expect([row('Ana Lima')[2], row('Ana Lima')[5]]).toEqual(['Present', 'Teacher']);
    expect([row('Bea Costa')[2], row('Bea Costa')[5]]).toEqual(['Absent', 'Finish: not seen']);
    expect(rows.flat()).not.toContain('Face recognition');
  });

  await test.step('the next session is not asked again, and the history names the teacher', async () => {
    await page.getByRole('link', { name: /Year 8 C/ }).click();
    await page.getByTestId('start-manual').click();
    await expect(page.getByTestId('session-taken-by')).toContainText(`taken by ${NAME}`);
    await page.getByRole('link', { name: /Year 8 C/ }).click();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('session-row-state')).toHaveCount(2);
    await expect(page.getByTestId('session-row-state').first()).toContainText(NAME);
  });

  await test.step('Settings: the name, and when open sessions are finished, on narrow phones', async () => {
    for (const width of [360, 412]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/settings');
      await expect(page.getByTestId('teacher-name')).toHaveValue(NAME);
      await expect(page.getByTestId('close-of-day-on')).toBeChecked();
      await expect(page.getByTestId('close-of-day-time')).toHaveValue('17:00');
      await expect(page.getByTestId('close-of-day-explained')).toContainText('at 17:00');
      // Nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `settings-${width}`);
    }
  });

  await test.step('turning it off says what that means, and is kept', async () => {
    await page.getByTestId('close-of-day-on').uncheck();
    await expect(page.getByTestId('close-of-day-explained')).toContainText('stays open until you press Finish');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('close-of-day-on')).not.toBeChecked();
  });
});

test('a session nobody finished is finished at 17:00, with absences, when the phone is next opened', async ({ page }) => {
  test.setTimeout(300_000);
  // Only the clock is set; the app's own timers run as they do.
  await page.clock.setFixedTime(new Date('2026-03-04T09:00:00+05:30'));
  await page.goto('/settings');
  await page.getByTestId('teacher-name').fill(NAME);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.goto('/');
  await newClass(page, 'Year 9 A', ['Cai Wong', 'Dev Shah']);

  await test.step('09:00: Cai is marked by hand, and nobody presses Finish', async () => {
    await page.getByTestId('start-manual').click();
    await page.locator('[data-testid=mark-row][data-student="Cai Wong"]').getByTestId('set-present').click();
    await expect(page.locator('[data-testid=mark-row][data-student="Cai Wong"]')).toHaveAttribute('data-status', 'present');
    await expect(page.locator('[data-testid=mark-row][data-student="Dev Shah"]')).toHaveAttribute('data-status', 'none');
  });

  await test.step('the next morning the app is opened again', async () => {
    await page.clock.setFixedTime(new Date('2026-03-05T07:30:00+05:30'));
    await page.goto('/');
    await page.getByTestId('class-link').filter({ hasText: 'Year 9 A' }).click();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('session-row-state')).toHaveText(`By hand · ${NAME} · finished automatically at 17:00`);
    await page.getByTestId('session-row').click();
    await expect(page.getByTestId('session-finished')).toContainText('Finished automatically at 17:00');
    await expect(page.locator('[data-testid=mark-row][data-student="Dev Shah"]')).toHaveAttribute('data-status', 'absent');
    await shot(page, 'session-finished-automatically');
  });

  await test.step('the file says so too', async () => {
    const rows = await readExcel(page);
    expect(rows.find((r) => r[0] === 'Finalised')?.[1]).toBe('Yes, automatically at 2026-03-04 17:00 (nobody pressed Finish)');
    const row = (name: string) => rows.find((r) => r[1] === name)!;
    expect([row('Cai Wong')[2], row('Cai Wong')[5]]).toEqual(['Present', 'Teacher']);
    expect([row('Dev Shah')[2], row('Dev Shah')[3], row('Dev Shah')[5]]).toEqual(['Absent', '2026-03-04 17:00', 'Finish: not seen']);
  });
});
