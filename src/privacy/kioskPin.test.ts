import { describe, expect, it } from 'vitest';
import {
  claimPinTry, hashPin, isValidPin, MAX_PIN_FAILURES, MAX_PIN_LOCKOUT_MS, NO_PIN_FAILURES, PIN_LOCKOUT_MS, pinLockoutMs, pinWaitMessage, pinWaitMs, verifyPin,
} from './kioskPin';

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

  it('waits after too many wrong PINs, twice as long for each wrong one after, at most 15 minutes', () => {
    expect([1, MAX_PIN_FAILURES - 1].map(pinLockoutMs)).toEqual([0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((extra) => pinLockoutMs(MAX_PIN_FAILURES + extra))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000]);
    expect(pinLockoutMs(MAX_PIN_FAILURES + 40)).toBe(MAX_PIN_LOCKOUT_MS);
    expect(MAX_PIN_LOCKOUT_MS).toBe(15 * 60_000);
  });

  it('counts the wait from the last wrong PIN', () => {
    const failures = { count: MAX_PIN_FAILURES, lastAt: 1000 };
    expect(pinWaitMs({ count: MAX_PIN_FAILURES - 1, lastAt: 1000 }, 1000)).toBe(0);
    expect(pinWaitMs(failures, 1000)).toBe(PIN_LOCKOUT_MS);
    expect(pinWaitMs(failures, 11_000)).toBe(PIN_LOCKOUT_MS - 10_000);
    expect(pinWaitMs(failures, 1000 + PIN_LOCKOUT_MS)).toBe(0);
    expect(pinWaitMs({ count: MAX_PIN_FAILURES + 1, lastAt: 1000 }, 1000 + PIN_LOCKOUT_MS)).toBe(PIN_LOCKOUT_MS);
  });

  it('does not shorten the wait for a clock set back: it starts again in full from the earlier time', () => {
    const failures = { count: MAX_PIN_FAILURES, lastAt: 1_000_000 };
    expect(pinWaitMs(failures, 1_000_000 - 3_600_000)).toBe(PIN_LOCKOUT_MS);
    // A try refused then moves the last failure back to the clock's time, so the wait ends one lockout later, not when the clock catches up.
    const refused = claimPinTry(failures, 1_000_000 - 3_600_000);
    expect(refused).toEqual({ count: MAX_PIN_FAILURES, lastAt: 1_000_000 - 3_600_000 });
    expect(pinWaitMs(refused, 1_000_000 - 3_600_000 + PIN_LOCKOUT_MS)).toBe(0);
  });

  it('counts a try as wrong until the PIN checks out, and refuses one while the pad waits', () => {
    expect(claimPinTry(NO_PIN_FAILURES, 5000)).toEqual({ count: 1, lastAt: 5000 });
    const waiting = { count: MAX_PIN_FAILURES, lastAt: 5000 };
    expect(claimPinTry(waiting, 6000)).toEqual(waiting);
    expect(claimPinTry(waiting, 5000 + PIN_LOCKOUT_MS)).toEqual({ count: MAX_PIN_FAILURES + 1, lastAt: 5000 + PIN_LOCKOUT_MS });
  });

  it('says how long to wait in plain words, never less than the wait', () => {
    expect(pinWaitMessage(1000)).toBe('Too many wrong PINs. Try again in 1 second.');
    expect(pinWaitMessage(29_200)).toBe('Too many wrong PINs. Try again in 30 seconds.');
    expect(pinWaitMessage(60_000)).toBe('Too many wrong PINs. Try again in 60 seconds.');
    expect(pinWaitMessage(61_000)).toBe('Too many wrong PINs. Try again in 2 minutes.');
    expect(pinWaitMessage(MAX_PIN_LOCKOUT_MS)).toBe('Too many wrong PINs. Try again in 15 minutes.');
  });
});
