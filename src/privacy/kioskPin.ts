/**
 * The kiosk's teacher PIN: 4 to 8 digits, stored only as a salted PBKDF2
 * hash, checked in constant time, and a wait after too many wrong tries.
 * Pure but for WebCrypto, which is passed in for tests.
 */
export const PBKDF2_ITERATIONS = 210_000;
/** Wrong PINs in a row before the pad waits. */
export const MAX_PIN_FAILURES = 5;
export const PIN_LOCKOUT_MS = 30_000;

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

/** Milliseconds before the pad takes another try, after `failures` wrong PINs in a row. */
export function pinWaitMs(failures: number, lastFailureAt: number, now: number): number {
  if (failures < MAX_PIN_FAILURES) return 0;
  return Math.max(0, lastFailureAt + PIN_LOCKOUT_MS - now);
}
