/**
 * A teacher moves to a new phone: ten weeks of a class's attendance, made
 * with the app's own database code (fake-indexeddb in Node) and exported
 * with its backup code, are restored through Settings; the analytics then
 * show the trends, who needs a look and why, and export to Excel and PNG.
 */
import 'fake-indexeddb/auto';
import { test, expect } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSheet } from 'read-excel-file/node';
import { syntheticSchool } from '../../src/analytics/synthetic';
import { exportBackup } from '../../src/db/backup';
import { addStudents, createClass } from '../../src/db/classes';
import { RollcallDb } from '../../src/db/db';
import { createSession, saveMarks, updateSession } from '../../src/db/sessions';

const out = join(import.meta.dirname, '../fixtures/generated/e2e');
const backupFile = join(out, 'ten-weeks.rollcall-backup.json');

/** The Monday ten school weeks before today, so the history ends about now whenever the suite runs. */
function startMonday(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 70);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

test.beforeAll(async () => {
  const school = syntheticSchool({ seed: 3, classes: 1, studentsPerClass: 24, terms: 1, weeksPerTerm: 10, start: startMonday(), dropOutShare: 0.15 });
  const history = school.histories[0]!;
  const db = new RollcallDb(`e2e-backup-${Date.now()}`);
  const cls = await createClass(db, { name: '9D Science' });
  const students = await addStudents(
    db,
    cls.id,
    history.students.map((s) => ({ rollNo: s.rollNo, fullName: s.fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' })),
  );
  for (const [i, date] of history.dates.entries()) {
    const startsAt = `${date}T08:30:00.000Z`;
    const session = await createSession(db, { classId: cls.id, startsAt, takenBy: 'Ms Okafor', mode: 'photo', device: 'old-phone' });
    const marks = history.students.flatMap((s, k) => {
      const status = s.statuses[i];
      if (!status) return [];
      const late = s.lateMinutes[i] ?? 0;
      const markedAt = new Date(Date.parse(startsAt) + late * 60_000).toISOString();
      return [{ studentId: students[k]!.id, status, source: status === 'present' || status === 'late' ? ('auto' as const) : ('manual' as const), confidence: status === 'present' || status === 'late' ? 0.93 : null, markedAt }];
    });
    await saveMarks(db, session.id, marks, 'old-phone');
    await updateSession(db, session.id, { finalisedAt: `${date}T09:15:00.000Z` });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(backupFile, Buffer.from(await (await exportBackup(db)).arrayBuffer()));
  await db.delete();
});

test('restore a backup on a new phone, then see the patterns, the students at risk and their reasons, and export them', async ({ page }) => {
  await page.goto('/settings');
  await page.getByTestId('backup-file').setInputFiles(backupFile);
  await expect(page.getByTestId('backup-preview')).toBeVisible();
  await page.getByTestId('backup-replace').click();
  await page.getByTestId('backup-replace-confirm').click();
  await expect(page.getByTestId('backup-restored')).toBeVisible({ timeout: 60_000 });

  await page.goto('/');
  await expect(page.getByTestId('class-link').filter({ hasText: '9D Science' })).toBeVisible();
  await page.getByTestId('open-school-analytics').click();
  await expect(page.getByRole('heading', { name: 'Analytics' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Needs a look \(\d+\)/ })).toBeVisible({ timeout: 60_000 });
  const flagged = Number(/\((\d+)\)/.exec(await page.getByRole('heading', { name: /Needs a look/ }).innerText())![1]);
  // The synthetic class has drifting and weekday-skipping students: some are flagged, not everyone.
  expect(flagged).toBeGreaterThan(0);
  expect(flagged).toBeLessThan(24);
  await expect(page.locator('canvas').first()).toBeVisible();
  await page.waitForTimeout(1500); // let the charts draw before the picture
  await page.screenshot({ path: 'test-results/screens/analytics.png', fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByTestId('analytics-xlsx').click();
  const file = await (await download).path();
  const rows = await readSheet(readFileSync(file));
  expect(rows.flat().some((cell) => typeof cell === 'string' && cell.includes('9D Science'))).toBe(true);

  const png = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save as picture' }).first().click();
  expect((await png).suggestedFilename()).toMatch(/\.png$/);
});
