/**
 * Face data at rest: descriptors and crops are sealed with AES-GCM under a
 * device key made once per browser profile as a non-extractable CryptoKey
 * and kept in IndexedDB (`deviceKeys`). Structured clone stores the key
 * object itself, still non-extractable: no code, the app's included, can
 * read its bytes, so a copied IndexedDB folder or an exported table holds
 * ciphertext without the key. Code running in the app's origin can still
 * ask the browser to decrypt: see privacy/README.md for what this does and
 * does not protect against.
 *
 * Each value gets a fresh 12-byte IV, and the table, row id and field are
 * bound in as associated data, so a sealed value moved to another row does
 * not open.
 */
import type { RollcallDb } from './db';

/**
 * AES-GCM ciphertext under the device key (db/faceCrypto.ts): a fresh
 * 12-byte IV per value, the row's id and field bound in as associated data.
 */
export interface SealedValue {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/** A key that never leaves this device: a non-extractable CryptoKey, kept by IndexedDB's structured clone. */
export interface DeviceKeyRow {
  id: string;
  key: CryptoKey;
  createdAt: string;
}

const FACE_KEY_ID = 'face-data';
const IV_BYTES = 12;

export class FaceDataUnreadableError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`Face data (${what}) could not be decrypted on this device: it was sealed under another device's key, or the key was lost.`, options);
    this.name = 'FaceDataUnreadableError';
  }
}

const keys = new WeakMap<RollcallDb, Promise<CryptoKey>>();

/** This device's face-data key, made on first use. Concurrent first calls share one key. */
export function deviceKey(db: RollcallDb): Promise<CryptoKey> {
  let key = keys.get(db);
  if (!key) {
    key = loadOrCreateKey(db);
    keys.set(db, key);
    // A failure (storage full, say) is not cached: the next call tries again.
    key.catch(() => keys.delete(db));
  }
  return key;
}

async function loadOrCreateKey(db: RollcallDb): Promise<CryptoKey> {
  const stored = await db.deviceKeys.get(FACE_KEY_ID);
  if (stored) return stored.key;
  // Made outside the transaction: a WebCrypto promise inside it would end it.
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return db.transaction('rw', db.deviceKeys, async () => {
    const raced = await db.deviceKeys.get(FACE_KEY_ID);
    if (raced) return raced.key;
    await db.deviceKeys.add({ id: FACE_KEY_ID, key: fresh, createdAt: new Date().toISOString() });
    return fresh;
  });
}

/** Forgets the cached key of `db` (tests that delete a database and make one of the same name). */
export function forgetDeviceKey(db: RollcallDb) {
  keys.delete(db);
}

const aad = (context: string) => new TextEncoder().encode(`rollcall:${context}`);

export async function sealBytes(db: RollcallDb, bytes: Uint8Array<ArrayBuffer>, context: string): Promise<SealedValue> {
  const key = await deviceKey(db);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, key, bytes);
  return { iv, data };
}

export async function openBytes(db: RollcallDb, sealed: SealedValue, context: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = await deviceKey(db);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(sealed.iv), additionalData: aad(context) }, key, sealed.data));
  } catch (err) {
    throw new FaceDataUnreadableError(context, { cause: err });
  }
}

/**
 * Vectors as one Float64Array: [count, length of each…, values…]. Float64
 * keeps a descriptor exactly as the pipeline gave it.
 */
export function packVectors(vectors: readonly (readonly number[])[]): Uint8Array<ArrayBuffer> {
  const total = vectors.reduce((n, v) => n + v.length, 0);
  const out = new Float64Array(1 + vectors.length + total);
  out[0] = vectors.length;
  let at = 1 + vectors.length;
  vectors.forEach((v, i) => {
    out[1 + i] = v.length;
    out.set(v, at);
    at += v.length;
  });
  return new Uint8Array(out.buffer);
}

export function unpackVectors(bytes: Uint8Array<ArrayBuffer>): number[][] {
  if (bytes.byteLength % 8) throw new Error('Packed vectors have a partial number.');
  const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const count = all[0] ?? 0;
  if (!Number.isInteger(count) || count < 0 || 1 + count > all.length) throw new Error('Packed vectors have a bad count.');
  const out: number[][] = [];
  let at = 1 + count;
  for (let i = 0; i < count; i++) {
    const len = all[1 + i]!;
    if (!Number.isInteger(len) || len < 0 || at + len > all.length) throw new Error('Packed vectors have a bad length.');
    out.push(Array.from(all.subarray(at, at + len)));
    at += len;
  }
  return out;
}

/** A descriptor and its augmented copies, sealed together. */
export async function sealDescriptors(db: RollcallDb, descriptor: readonly number[], augmented: readonly (readonly number[])[], context: string): Promise<SealedValue> {
  return sealBytes(db, packVectors([descriptor, ...augmented]), context);
}

export async function openDescriptors(db: RollcallDb, sealed: SealedValue, context: string): Promise<{ descriptor: number[]; augmented: number[][] }> {
  const [descriptor, ...augmented] = unpackVectors(await openBytes(db, sealed, context));
  if (!descriptor) throw new FaceDataUnreadableError(context);
  return { descriptor, augmented };
}

export async function sealBlob(db: RollcallDb, blob: Blob, context: string): Promise<SealedValue> {
  return sealBytes(db, new Uint8Array(await blob.arrayBuffer()), context);
}

export async function openBlob(db: RollcallDb, sealed: SealedValue, type: string, context: string): Promise<Blob> {
  return new Blob([await openBytes(db, sealed, context)], { type });
}
