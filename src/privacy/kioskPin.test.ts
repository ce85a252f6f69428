import { describe, expect, it } from 'vitest';
import { hashPin, isValidPin, MAX_PIN_FAILURES, PIN_LOCKOUT_MS, pinWaitMs, verifyPin } from './kioskPin';

describe('PIN', () => {
  it('accepts 4 to 8 digits only', () => {
    expect(['1234', '12345678'].map(isValidPin)).toEqual([true, true]);
    expect(['123', '123456789', '12a4', ''].map(isValidPin)).toEqual([false, false, false, false]);
  });

  it('stores a salted PBKDF2 hash, never the PIN, and checks it', async () => {
    const stored = await hashPin('4821', { iterations: 1000 });
    expect(JSON.stringify(stored)).not.toContain('4821');
    expect(stored).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: 1000 });
    expect(await verifyPin('4821', stored)).toBe(true);
    expect(await verifyPin('4822', stored)).toBe(false);
    expect(await verifyPin('48210', stored)).toBe(false);
    const again = await hashPin('4821', { iterations: 1000 });
    expect(again.salt).not.toBe(stored.salt);
    expect(again.hash).not.toBe(stored.hash);
  });

  it('waits after too many wrong PINs', () => {
    expect(pinWaitMs(MAX_PIN_FAILURES - 1, 1000, 1000)).toBe(0);
    expect(pinWaitMs(MAX_PIN_FAILURES, 1000, 1000)).toBe(PIN_LOCKOUT_MS);
    expect(pinWaitMs(MAX_PIN_FAILURES, 1000, 1000 + PIN_LOCKOUT_MS)).toBe(0);
  });
});
