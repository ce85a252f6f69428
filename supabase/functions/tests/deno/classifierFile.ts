/**
 * Builds files in the app's classifier format (src/ml/classifier/serialize.ts)
 * with only what the server reads: preamble, header JSON and an internal
 * checksum. Options break one thing at a time.
 */
import { checksummedBytes, encodeHeader, PREAMBLE_AT, PREAMBLE_BYTES, writePreamble } from '../../_shared/contracts/classifierFormat.ts';

export const DESCRIPTOR = 'faceapi-resnet34-b413e420/dlib-square-levelled/v1';

export interface FileOptions {
  descriptorVersion?: string;
  formatVersion?: number;
  magic?: string;
  payloadBytes?: number;
  breakInnerChecksum?: boolean;
  classes?: string[];
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  // A copy: digest wants bytes on a plain ArrayBuffer.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

export async function classifierFile(options: FileOptions = {}): Promise<Uint8Array> {
  const descriptor = options.descriptorVersion ?? DESCRIPTOR;
  const classes = options.classes ?? ['s1', 's2'];
  const json = encodeHeader(JSON.stringify({
    meta: { id: crypto.randomUUID(), descriptor: { version: descriptor, dimension: 128 }, classes },
    svm: { classes, dimension: 128, descriptorVersion: descriptor },
    arrays: [],
  }));
  const payload = new Uint8Array(options.payloadBytes ?? 64).map((_, i) => i % 251);
  const out = new Uint8Array(PREAMBLE_BYTES + json.length + payload.length);
  writePreamble(out, { formatVersion: options.formatVersion ?? 1, headerBytes: json.length, payloadBytes: payload.length });
  if (options.magic !== undefined) out.set(new TextEncoder().encode(options.magic), PREAMBLE_AT.magic);
  out.set(json, PREAMBLE_BYTES);
  out.set(payload, PREAMBLE_BYTES + json.length);
  out.set(await sha256(checksummedBytes(out)), PREAMBLE_AT.checksum);
  if (options.breakInnerChecksum) out[out.length - 1] ^= 0xff;
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Array.from(await sha256(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
