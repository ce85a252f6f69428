/**
 * The kiosk's teacher PIN: 4 to 8 digits, stored only as a salted PBKDF2
 * hash, checked in constant time, and a wait after too many wrong tries that
 * doubles with each wrong one after it.
 * Pure but for WebCrypto, which is passed in for tests.
 */
export const PBKDF2_ITERATIONS = 210_000;
/** Wrong PINs in a row before the pad waits. */
export const MAX_PIN_FAILURES = 5;
/** The first wait; each wrong PIN after it doubles the wait, up to MAX_PIN_LOCKOUT_MS. */
export const PIN_LOCKOUT_MS = 30_000;
export const MAX_PIN_LOCKOUT_MS = 15 * 60_000;

/** Wrong PINs in a row and when the last one was typed (device clock, ms), kept on the device so a reload keeps the wait. */
export interface PinFailures {
  count: number;
  lastAt: number;
}

export const NO_PIN_FAILURES: PinFailures = { count: 0, lastAt: 0 };

export interface StoredPin {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  hash: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** 4 to 8 digits. */
export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

async function derive(pin: string, salt: Uint8Array, iterations: number, subtle: SubtleCrypto): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256));
}

export async function hashPin(pin: string, options: { iterations?: number; salt?: Uint8Array; crypto?: Crypto } = {}): Promise<StoredPin> {
  if (!isValidPin(pin)) throw new Error('The PIN must be 4 to 8 digits.');
  const c = options.crypto ?? globalThis.crypto;
  const salt = options.salt ?? c.getRandomValues(new Uint8Array(16));
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  return { algorithm: 'PBKDF2-SHA-256', iterations, salt: toBase64(salt), hash: toBase64(await derive(pin, salt, iterations, c.subtle)) };
}

export async function verifyPin(pin: string, stored: StoredPin, c: Crypto = globalThis.crypto): Promise<boolean> {
  if (!isValidPin(pin)) return false;
  const actual = await derive(pin, fromBase64(stored.salt), stored.iterations, c.subtle);
  const expected = fromBase64(stored.hash);
  // Compare every byte, so the time taken does not tell how much of the PIN was right.
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ (expected[i] ?? 0);
  return diff === 0;
}

/** How long the pad waits after `count` wrong PINs in a row: 30 s, 1 min, 2 min … at most 15 min. */
export function pinLockoutMs(count: number): number {
  if (count < MAX_PIN_FAILURES) return 0;
  return Math.min(MAX_PIN_LOCKOUT_MS, PIN_LOCKOUT_MS * 2 ** Math.min(count - MAX_PIN_FAILURES, 16));
}

/**
 * Milliseconds before the pad takes another try. A clock behind the last
 * failure (set back) counts as no time passed, so it cannot shorten the wait.
 */
export function pinWaitMs(failures: PinFailures, now: number): number {
  const lockout = pinLockoutMs(failures.count);
  return lockout === 0 ? 0 : Math.max(0, lockout - Math.max(0, now - failures.lastAt));
}

/**
 * The record after someone types a PIN at `now`. While the pad waits the try
 * is refused; a clock that went back moves the last failure back with it,
 * so the wait ends one lockout from now rather than when the clock catches
 * up (hours later, for a clock that was wrong and was put right). Otherwise
 * the try counts as wrong until the PIN checks out: it is written before the
 * slow check, so a reload during the check, another tab or tries sent at
 * once get no extra tries. The right PIN then clears the record.
 */
export function claimPinTry(failures: PinFailures, now: number): PinFailures {
  if (pinWaitMs(failures, now) > 0) return now < failures.lastAt ? { ...failures, lastAt: now } : failures;
  return { count: failures.count + 1, lastAt: now };
}

/** What the pad says while it waits; rounded up, so it never says less than the wait. */
export function pinWaitMessage(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const minutes = Math.ceil(seconds / 60);
  const left = seconds <= 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `Too many wrong PINs. Try again in ${left}.`;
}
