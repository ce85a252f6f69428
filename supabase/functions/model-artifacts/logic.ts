/**
 * The decisions of `model-artifacts`, free of I/O: the request shapes, what
 * an uploaded classifier must look like before it is stored, and how the
 * database's refusals read to the client.
 *
 * An artifact is the app's serialised classifier, in the layout of
 * _shared/contracts/classifierFormat.ts. The server reads only the preamble
 * and the header, enough to refuse a file that is not a classifier, is
 * damaged, uses a format this server does not know, or was trained on
 * other descriptors than the upload claims.
 */
import { z } from 'zod';
import {
  checksummedBytes,
  checksumMatches,
  headerFields,
  lengthsAgree,
  MAX_CLASSIFIER_BYTES,
  readHeader,
  readPreamble,
  SUPPORTED_CLASSIFIER_FORMATS,
} from '../_shared/contracts/classifierFormat.ts';
import { HttpError } from '../_shared/http.ts';

/** The largest artifact, as the table's size check allows (8 MiB). */
export const MAX_ARTIFACT_BYTES = MAX_CLASSIFIER_BYTES;
/** Base64 of the largest artifact, plus room for the rest of the request. */
export const MAX_REQUEST_BYTES = Math.ceil(MAX_ARTIFACT_BYTES / 3) * 4 + 64 * 1024;
/** Serialisation formats this server can read the header of. */
export const SUPPORTED_FORMATS: readonly number[] = SUPPORTED_CLASSIFIER_FORMATS;

const uuid = z.guid();
const MetricValue = z.union([z.number(), z.string().max(200), z.boolean(), z.null()]);

export const UploadSchema = z.strictObject({
  action: z.literal('upload'),
  classId: uuid,
  version: z.string().trim().min(1).max(100),
  descriptorVersion: z.string().trim().min(1).max(100),
  checksum: z.string().regex(/^[0-9a-f]{64}$/, 'expected the SHA-256 of the bytes, 64 lowercase hex digits'),
  sizeBytes: z.number().int().min(1).max(MAX_ARTIFACT_BYTES),
  /** The artifact, base64. */
  bytes: z.string().min(1).max(Math.ceil(MAX_ARTIFACT_BYTES / 3) * 4),
  metrics: z.record(z.string().max(64), MetricValue).refine((m) => Object.keys(m).length <= 50, 'at most 50 metrics').optional(),
  /** Make it the class's active model at once. */
  activate: z.boolean().optional(),
});

export const RequestSchema = z.discriminatedUnion('action', [
  UploadSchema,
  z.strictObject({ action: z.literal('list'), classId: uuid }),
  z.strictObject({ action: z.literal('download'), id: uuid }),
  z.strictObject({ action: z.literal('activate'), id: uuid }),
  z.strictObject({ action: z.literal('rollback'), classId: uuid, reason: z.string().trim().min(1).max(500).optional() }),
]);

export type ArtifactRequest = z.infer<typeof RequestSchema>;
export type UploadRequest = z.infer<typeof UploadSchema>;

/** Columns returned to clients: everything but the bytes. */
export const ARTIFACT_COLUMNS =
  'id, school_id, class_id, version, descriptor_version, metrics, checksum, size_bytes, status, created_by, created_at, updated_at';

export function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new HttpError(400, 'bad_request', 'bytes: not base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

export interface ArtifactFacts {
  formatVersion: number;
  descriptorVersion: string;
  dimension: number;
  classes: number;
}

function bad(message: string): HttpError {
  return new HttpError(400, 'bad_request', message);
}

/**
 * Checks an upload against its own claims: size, SHA-256, the file's magic,
 * format, internal checksum and descriptor version. Throws a 400 (or 413)
 * naming what is wrong; returns what the header says.
 */
export async function inspectUpload(req: UploadRequest, bytes: Uint8Array): Promise<ArtifactFacts> {
  if (bytes.length > MAX_ARTIFACT_BYTES) throw new HttpError(413, 'too_large', `bytes: ${bytes.length} bytes; the limit is ${MAX_ARTIFACT_BYTES}`);
  if (bytes.length !== req.sizeBytes) throw bad(`sizeBytes: ${req.sizeBytes} does not match the ${bytes.length} bytes sent`);
  const actual = toHex(await sha256(bytes));
  if (actual !== req.checksum) throw bad(`checksum: does not match the bytes (their SHA-256 is ${actual})`);

  const preamble = readPreamble(bytes);
  if (!preamble) throw bad('bytes: not a Rollcall classifier file');
  const { formatVersion } = preamble;
  if (!SUPPORTED_FORMATS.includes(formatVersion)) {
    throw bad(`bytes: classifier format ${formatVersion} is not one this server knows (${SUPPORTED_FORMATS.join(', ')})`);
  }
  if (!lengthsAgree(preamble, bytes.length)) throw bad('bytes: length does not match the file header');
  if (!checksumMatches(bytes, await sha256(checksummedBytes(bytes)))) throw bad('bytes: the file fails its own checksum');

  const read = readHeader(bytes, preamble);
  if (!read.ok) throw bad('bytes: the file header is not JSON');
  const fields = headerFields(read.header);
  if (!fields) throw bad('bytes: the file header is missing its descriptor or classes');
  if (fields.trainedOn.some((v) => v !== req.descriptorVersion)) {
    throw bad(`descriptorVersion: the model was trained on "${fields.descriptorVersion}", not "${req.descriptorVersion}"`);
  }
  return { formatVersion, descriptorVersion: fields.descriptorVersion, dimension: fields.dimension, classes: fields.classes.length };
}

/** A database refusal as an HTTP error, or null when it is not one (and must fail the request). */
export function httpErrorFor(err: unknown): HttpError | null {
  const e = (err ?? {}) as { code?: string; constraint_name?: string; message?: string };
  switch (e.code) {
    case '42501':
      return new HttpError(403, 'forbidden', 'not allowed');
    case '23505':
      return e.constraint_name === 'model_artifacts_one_active_per_class_key'
        ? new HttpError(409, 'conflict', 'another model of this class became active at the same time; try again')
        : new HttpError(409, 'conflict', 'version: already uploaded for this class');
    case '23503':
      return new HttpError(404, 'not_found', 'classId: no such class');
    case '23514':
      return new HttpError(400, 'bad_request', `check failed: ${e.constraint_name ?? e.message ?? 'check constraint'}`);
  }
  return null;
}
