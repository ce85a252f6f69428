/**
 * Values JSON cannot hold (Blobs such as face crops, typed arrays such as
 * model artifacts, Dates, NaN, bigints, Maps, Sets) as tagged objects
 * `{ "$rollcall": kind, ... }` with base64 bytes, read back exactly.
 */

const TAG = '$rollcall';

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** Reads every Blob in `rows` first, so encoding itself can stay synchronous. */
export async function readBlobs(rows: unknown[]): Promise<Map<Blob, Uint8Array>> {
  const blobs: Blob[] = [];
  const visit = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    if (v instanceof Blob) blobs.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v instanceof Map) v.forEach((value, key) => (visit(key), visit(value)));
    else if (v instanceof Set) v.forEach(visit);
    else if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !(v instanceof Date)) Object.values(v).forEach(visit);
  };
  rows.forEach(visit);
  const bytes = await Promise.all(blobs.map(async (b) => new Uint8Array(await b.arrayBuffer())));
  return new Map(blobs.map((b, i) => [b, bytes[i]!]));
}

export function encodeValue(v: unknown, blobs: Map<Blob, Uint8Array>): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : { [TAG]: 'number', value: String(v) };
    case 'bigint':
      return { [TAG]: 'bigint', value: v.toString() };
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, blobs));
  if (v instanceof Blob) {
    const bytes = blobs.get(v);
    if (!bytes) throw new Error('A Blob was not read before encoding.');
    const file = typeof File !== 'undefined' && v instanceof File ? { name: v.name, lastModified: v.lastModified } : {};
    return { [TAG]: 'blob', type: v.type, ...file, data: toBase64(bytes) };
  }
  if (v instanceof ArrayBuffer) return { [TAG]: 'arraybuffer', data: toBase64(new Uint8Array(v)) };
  if (v instanceof DataView) return { [TAG]: 'dataview', data: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  if (ArrayBuffer.isView(v)) {
    const kind = (v as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
    if (!(kind in TYPED_ARRAYS)) throw new Error(`Cannot back up a ${kind}.`);
    return { [TAG]: 'typed', kind, data: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof Date) return { [TAG]: 'date', value: v.getTime() };
  if (v instanceof Map) return { [TAG]: 'map', entries: [...v].map(([k, x]) => [encodeValue(k, blobs), encodeValue(x, blobs)]) };
  if (v instanceof Set) return { [TAG]: 'set', values: [...v].map((x) => encodeValue(x, blobs)) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x, blobs);
  // An object that happens to have our tag key is wrapped, so it is not read back as a tag.
  return TAG in v ? { [TAG]: 'object', value: out } : out;
}

/** Throws on a tag it does not know or bytes that are not base64. */
export function decodeValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  if (!(TAG in o)) return decodeEntries(o);
  switch (o[TAG]) {
    case 'number':
      return Number(o.value);
    case 'bigint':
      return BigInt(String(o.value));
    case 'blob': {
      const bytes = fromBase64(o.data);
      const type = String(o.type ?? '');
      if (typeof o.name === 'string' && typeof File !== 'undefined') return new File([bytes], o.name, { type, lastModified: Number(o.lastModified) });
      return new Blob([bytes], { type });
    }
    case 'arraybuffer':
      return fromBase64(o.data).buffer;
    case 'dataview':
      return new DataView(fromBase64(o.data).buffer);
    case 'typed': {
      const kind = String(o.kind);
      if (!Object.hasOwn(TYPED_ARRAYS, kind)) throw new Error(`Unknown array kind ${kind}.`);
      const Ctor = TYPED_ARRAYS[kind as TypedArrayName];
      const bytes = fromBase64(o.data);
      if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT) throw new Error(`Bytes of a ${kind} do not divide into elements.`);
      return new Ctor(bytes.buffer);
    }
    case 'date':
      return new Date(Number(o.value));
    case 'map':
      return new Map((o.entries as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
    case 'set':
      return new Set((o.values as unknown[]).map(decodeValue));
    case 'object':
      return decodeEntries(o.value as Record<string, unknown>);
    default:
      throw new Error(`Unknown tag ${String(o[TAG])}.`);
  }
}

function decodeEntries(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(data: unknown): Uint8Array<ArrayBuffer> {
  if (typeof data !== 'string') throw new Error('Bytes are missing.');
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

