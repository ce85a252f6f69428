import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { getSetting } from '@/db/settings';
import type { FunctionsClient } from '@/api/callFunction';
import { callSync } from '@/sync/callSync';
import { CLOCK_OFFSET_KEY, useClockStore } from './clock';

const DAY = 86_400_000;

/** Answers like the sync function of a server whose clock reads `serverAt()`. */
const serverAnswering = (serverAt: () => number): FunctionsClient => ({
  functions: { invoke: async () => ({ data: { results: [], serverTime: new Date(serverAt()).toISOString() }, error: null }) },
});

let db: RollcallDb;
beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`clock-${crypto.randomUUID()}`);
});
afterEach(async () => {
  useClockStore().stop();
  await db.delete();
});

describe('clock store', () => {
  it('warns after a sync finds the phone two days ahead, keeps the offset, and has it again after a restart', async () => {
    const clock = useClockStore();
    clock.configure({ db });
    await clock.start();
    expect(clock.warning).toBeNull();

    await callSync(serverAnswering(() => Date.now() - 2 * DAY), { pullSince: null });
    expect(clock.warning?.sentence).toBe(
      "This phone's clock is 2 days ahead of the school's server. Set the date and time in the phone's settings: marks are timed by it.",
    );
    await expect.poll(() => getSetting<{ offsetMs: number } | null>(db, CLOCK_OFFSET_KEY, null).then((r) => r && Math.round(r.offsetMs / DAY))).toBe(2);

    clock.stop();
    setActivePinia(createPinia());
    const again = useClockStore();
    again.configure({ db });
    await again.start();
    expect(again.warning?.short).toBe('Clock 2 days ahead');
  });

  it('clears the warning once a sync finds the clock right again', async () => {
    const clock = useClockStore();
    clock.configure({ db });
    await clock.start();
    await callSync(serverAnswering(() => Date.now() + 3 * 3_600_000), { pullSince: null });
    expect(clock.warning?.short).toBe('Clock 3 hours behind');
    await callSync(serverAnswering(() => Date.now() + 2_000), { pullSince: null });
    expect(clock.warning).toBeNull();
  });
});
