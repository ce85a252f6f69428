import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useSettingsStore } from './settings';

let db: RollcallDb;
beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`settings-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe('settings store', () => {
  it("keeps the phone's own threshold without a school, and the school's once its settings are synced", async () => {
    const settings = useSettingsStore();
    settings.configure({ db });
    await settings.load();
    expect(settings.schoolName).toBeNull();
    expect(settings.lateCutOffOf({ lateAfterMinutes: 5 })).toBe(5);
    await settings.save({ autoMarkConfidence: 0.9 });
    expect(settings.autoMarkConfidence).toBe(0.9);
    await expect(settings.save({ autoMarkConfidence: 0.3 })).rejects.toThrow('between 50% and 99%');

    await db.schools.put({ id: 'sc1', name: 'Rollcall Demo School', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 200, autoMarkConfidence: 0.85, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: '2026-11-22T08:00:00Z' });
    await settings.load();
    expect(settings.schoolName).toBe('Rollcall Demo School');
    expect(settings.autoMarkConfidence).toBe(0.85);
    expect(settings.lateCutOffOf({ lateAfterMinutes: 5 })).toBe(10);
    // The phone can't override the school.
    await settings.save({ autoMarkConfidence: 0.6 });
    expect(settings.autoMarkConfidence).toBe(0.85);
  });

  it('finishes open sessions at 17:00 until the teacher picks another time or turns it off', async () => {
    const settings = useSettingsStore();
    settings.configure({ db });
    await settings.load();
    expect(settings.closeOfDay).toBe('17:00');
    await settings.save({ closeOfDay: '16:15' });
    await settings.load();
    expect(settings.closeOfDay).toBe('16:15');
    await settings.save({ closeOfDay: null });
    await settings.load();
    expect(settings.closeOfDay).toBeNull();
    await expect(settings.save({ closeOfDay: '4pm' })).rejects.toThrow('a time such as 17:00');
  });

  it('keeps the teacher’s name, trimmed', async () => {
    const settings = useSettingsStore();
    settings.configure({ db });
    await settings.save({ teacherName: '  Ms Okafor ' });
    await settings.load();
    expect(settings.teacherName).toBe('Ms Okafor');
  });
});
