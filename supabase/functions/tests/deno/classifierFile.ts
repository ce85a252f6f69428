/**
 * Builds files in the app's classifier format (src/ml/classifier/serialize.ts)
 * with only what the server reads: preamble, header JSON and an internal
 * checksum. Options break one thing at a time.
 */
export const DESCRIPTOR = 'faceapi-resnet34-b413e420/dlib-square-levelled/v1';

export interface FileOptions {
  descriptorVersion?: string;
  formatVersion?: number;
  magic?: string;
  payloadBytes?: number;
  breakInnerChecksum?: boolean;
  classes?: string[];
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

export async function classifierFile(options: FileOptions = {}): Promise<Uint8Array> {
  const descriptor = options.descriptorVersion ?? DESCRIPTOR;
  const classes = options.classes ?? ['s1', 's2'];
  let json = new TextEncoder().encode(JSON.stringify({
    meta: { id: crypto.randomUUID(), descriptor: { version: descriptor, dimension: 128 }, classes },
    svm: { classes, dimension: 128, descriptorVersion: descriptor },
    arrays: [],
  }));
  if (json.length % 4) {
    const padded = new Uint8Array(json.length + (4 - (json.length % 4))).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const payload = new Uint8Array(options.payloadBytes ?? 64).map((_, i) => i % 251);
  const out = new Uint8Array(48 + json.length + payload.length);
  out.set(new TextEncoder().encode(options.magic ?? 'RCLF'), 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, options.formatVersion ?? 1, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, payload.length, true);
  out.set(json, 48);
  out.set(payload, 48 + json.length);
  out.set(await sha256(out.subarray(0, 16), out.subarray(48)), 16);
  if (options.breakInnerChecksum) out[out.length - 1] ^= 0xff;
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Array.from(await sha256(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
