/**
 * This phone's clock against the school server's: the offset the last sync
 * call measured (kept in settings, so the warning is there from the start
 * even offline), and the warning for the teacher when it is more than a
 * minute off.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { getSetting, setSetting } from '@/db/settings';
import { onServerClock } from '@/sync/callSync';
import { clockWarning, type ClockReading } from '@/sync/clockOffset';

export const CLOCK_OFFSET_KEY = 'serverClockOffset';

export const useClockStore = defineStore('clock', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const reading = ref<ClockReading | null>(null);
  const warning = computed(() => (reading.value ? clockWarning(reading.value.offsetMs) : null));
  let stopListening: (() => void) | null = null;

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function remember(measured: ClockReading) {
    reading.value = measured;
    // Storage full or blocked: the warning still shows until the app closes.
    await setSetting(db(), CLOCK_OFFSET_KEY, measured).catch(() => undefined);
  }

  async function start() {
    if (stopListening) return;
    stopListening = onServerClock((measured) => void remember(measured));
    const stored = await getSetting<ClockReading | null>(db(), CLOCK_OFFSET_KEY, null);
    // A sync that answered while this was loading is newer.
    if (!reading.value) reading.value = stored;
  }

  function stop() {
    stopListening?.();
    stopListening = null;
  }

  return { reading, warning, configure, start, stop };
});
