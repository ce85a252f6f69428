import { describe, expect, it, vi } from 'vitest';
import { reportUpdateWaiting, useAppUpdate } from './useAppUpdate';

describe('useAppUpdate', () => {
  it('says nothing until an update waits, then reloads through what the registration gave', async () => {
    const { updateWaiting, reloadForUpdate } = useAppUpdate();
    expect(updateWaiting.value).toBe(false);
    await reloadForUpdate(); // nothing to apply yet: a no-op, not a throw

    const apply = vi.fn(() => Promise.resolve());
    reportUpdateWaiting(apply);
    expect(updateWaiting.value).toBe(true);
    await reloadForUpdate();
    expect(apply).toHaveBeenCalledOnce();
  });
});
