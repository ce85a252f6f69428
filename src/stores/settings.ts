/** This device's settings and its storage: the teacher's name, thresholds, the close of day, and how much room is left. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { DEFAULT_CLOSE_OF_DAY, isCloseOfDay, type CloseOfDay } from '@/attendance/closeOfDay';
import { confidenceThreshold, lateCutOff, type ClassPolicy } from '@/attendance/policy';
import { DEFAULT_RULES } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { getCloseOfDay, setCloseOfDay } from '@/db/finishOpenSessions';
import type { SchoolRow } from '@/db/schools';
import { deviceId, getSetting, setSetting } from '@/db/settings';
import { SCHOOL_SETTING_LIMITS } from '@contracts/schoolSettings';
import { CONFIDENCE_KEY, policyOfDevice } from './devicePolicy';

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export const useSettingsStore = defineStore('settings', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const teacherName = ref('');
  const autoMarkConfidence = ref(DEFAULT_RULES.autoMarkConfidence);
  /** When sessions left open are finished ('HH:MM', local), or null: never. */
  const closeOfDay = ref<CloseOfDay>(DEFAULT_CLOSE_OF_DAY);
  /** Set when the school's settings (from its server) decide the thresholds. */
  const schoolName = ref<string | null>(null);
  const school = shallowRef<SchoolRow | null>(null);
  const device = ref('');
  const storage = ref<StorageInfo>({ usage: null, quota: null, persisted: null });
  const loaded = ref(false);
  const db = () => dbRef.value ?? getDb();

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function load() {
    teacherName.value = await getSetting(db(), 'teacherName', '');
    closeOfDay.value = await getCloseOfDay(db());
    const policy = await policyOfDevice(db());
    autoMarkConfidence.value = confidenceThreshold(policy);
    school.value = policy.school;
    schoolName.value = policy.school?.name ?? null;
    device.value = await deviceId(db());
    loaded.value = true;
    await refreshStorage();
  }

  async function save(changes: { teacherName?: string; autoMarkConfidence?: number; closeOfDay?: CloseOfDay }) {
    if (changes.closeOfDay !== undefined && changes.closeOfDay !== null && !isCloseOfDay(changes.closeOfDay)) {
      throw new Error('Finish open sessions at a time such as 17:00.');
    }
    if (changes.closeOfDay !== undefined) {
      closeOfDay.value = changes.closeOfDay;
      await setCloseOfDay(db(), changes.closeOfDay);
    }
    if (changes.teacherName !== undefined) {
      teacherName.value = changes.teacherName.trim();
      await setSetting(db(), 'teacherName', teacherName.value);
    }
    // While the school decides the threshold, the phone's own stays as it was.
    if (changes.autoMarkConfidence !== undefined && !schoolName.value) {
      const v = changes.autoMarkConfidence;
      const { min, max } = SCHOOL_SETTING_LIMITS.confidence;
      if (!(v >= min && v <= max)) throw new Error(`The confidence for automatic marks must be between ${Math.round(min * 100)}% and ${Math.round(max * 100)}%.`);
      autoMarkConfidence.value = v;
      await setSetting(db(), CONFIDENCE_KEY, v);
    }
  }

  /** A class's late cut-off on this phone (the school's, when it has one), as of the last load. */
  function lateCutOffOf(klass: ClassPolicy): number {
    return lateCutOff({ school: school.value, klass });
  }

  async function refreshStorage() {
    const s = globalThis.navigator?.storage;
    if (!s?.estimate) return;
    const [estimate, persisted] = await Promise.all([s.estimate(), s.persisted?.() ?? Promise.resolve(null)]);
    storage.value = { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
  }

  /**
   * Asks the browser not to evict this site's data under storage pressure.
   * Chromium grants it to installed or often-used sites without a prompt.
   */
  async function requestPersistence(): Promise<boolean> {
    const granted = (await globalThis.navigator?.storage?.persist?.()) ?? false;
    await refreshStorage();
    return granted;
  }

  return { teacherName, autoMarkConfidence, closeOfDay, schoolName, device, storage, loaded, configure, load, save, lateCutOffOf, refreshStorage, requestPersistence };
});
