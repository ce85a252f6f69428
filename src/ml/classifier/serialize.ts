/**
 * A trained classifier as one small, versioned, checksummed blob (IndexedDB,
 * Supabase storage, a file download). The layout, and what makes a file
 * damaged, is the contract @contracts/classifierFormat, which the server
 * reads too; this file fills and reads the app's own header fields.
 */
import {
  checksummedBytes,
  checksumMatches,
  CLASSIFIER_FORMAT_VERSION,
  type ClassifierArrayEntry,
  type ClassifierArrayName,
  encodeHeader,
  headerFields,
  lengthsAgree,
  PREAMBLE_AT,
  PREAMBLE_BYTES,
  readHeader,
  readPreamble,
  writePreamble,
} from '@contracts/classifierFormat';
import type { Classifier } from './model';
import type { NormaliserKind } from './svm';
import { ClassifierError, CURRENT_DESCRIPTOR, type DescriptorSpec } from './types';

export const FORMAT_VERSION = CLASSIFIER_FORMAT_VERSION;

type ArrayName = ClassifierArrayName;
type ArrayEntry = ClassifierArrayEntry;

interface Header {
  meta: Classifier['meta'];
  svm: { classes: string[]; dimension: number; descriptorVersion: string; normaliser: NormaliserKind; loss: number; epochs: number };
  calibration: Classifier['calibration'];
  openSet: Classifier['openSet'];
  arrays: ArrayEntry[];
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** JSON cannot carry NaN or Infinity; they travel as strings and come back as numbers. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

function reviveNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new ClassifierError('corrupt-model', `The stored model has a malformed number (${JSON.stringify(v)}).`);
}

export async function serializeClassifier(model: Classifier): Promise<Uint8Array> {
  const arrays: [ArrayName, Float32Array | Int32Array][] = [
    ['weights', model.svm.weights],
    ['mean', model.svm.normaliser.mean],
    ['scale', model.svm.normaliser.scale],
    ['galleryX', model.gallery.x],
    ['galleryY', model.gallery.y],
    ['negX', model.gallery.negX],
    ['negY', model.gallery.negY],
  ];
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, data] of arrays) {
    entries.push({ name, dtype: data instanceof Int32Array ? 'int32' : 'float32', offset, length: data.length });
    offset += data.byteLength;
  }
  const header: Header = {
    meta: model.meta,
    svm: {
      classes: model.svm.classes,
      dimension: model.svm.dimension,
      descriptorVersion: model.svm.descriptorVersion,
      normaliser: model.svm.normaliser.kind,
      loss: model.svm.loss,
      epochs: model.svm.epochs,
    },
    calibration: model.calibration,
    openSet: model.openSet,
    arrays: entries,
  };
  const json = encodeHeader(JSON.stringify(header, replacer));
  const payload = new Uint8Array(offset);
  for (const [i, [, data]] of arrays.entries()) payload.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), entries[i]!.offset);

  const out = new Uint8Array(PREAMBLE_BYTES + json.length + payload.length);
  writePreamble(out, { formatVersion: FORMAT_VERSION, headerBytes: json.length, payloadBytes: payload.length });
  out.set(json, PREAMBLE_BYTES);
  out.set(payload, PREAMBLE_BYTES + json.length);
  out.set(await sha256(checksummedBytes(out)), PREAMBLE_AT.checksum);
  return out;
}

export interface ParseOptions {
  /** The descriptors this app produces; a model trained on others is refused. */
  descriptor?: DescriptorSpec;
}

function corrupt(why: string): ClassifierError {
  return new ClassifierError('corrupt-model', `The stored classifier is damaged (${why}). Retrain it from the enrolment photos.`);
}

export async function parseClassifier(bytes: Uint8Array, options: ParseOptions = {}): Promise<Classifier> {
  const expected = options.descriptor ?? CURRENT_DESCRIPTOR;
  if (!(bytes instanceof Uint8Array) || bytes.length < PREAMBLE_BYTES) throw corrupt('too short to be a classifier');
  const preamble = readPreamble(bytes);
  if (!preamble) throw corrupt('not a Rollcall classifier file');
  const version = preamble.formatVersion;
  if (version !== FORMAT_VERSION) {
    throw new ClassifierError(
      'unsupported-format-version',
      `The stored classifier uses format ${version}; this app reads format ${FORMAT_VERSION}. ${version > FORMAT_VERSION ? 'Update the app' : 'Retrain it'}.`,
      [version],
    );
  }
  if (!lengthsAgree(preamble, bytes.length)) throw corrupt('length does not match its header; truncated or padded');
  if (!checksumMatches(bytes, await sha256(checksummedBytes(bytes)))) {
    throw new ClassifierError('checksum-mismatch', 'The stored classifier failed its checksum: its bytes changed after it was saved. Retrain it from the enrolment photos.');
  }

  const parsed = readHeader(bytes, preamble);
  if (!parsed.ok) throw corrupt('header is not valid JSON');
  const header = parsed.header as Header;
  const meta = header?.meta;
  const svmHeader = header?.svm;
  if (!meta || !svmHeader || !Array.isArray(header.arrays) || !header.openSet?.point || !header.calibration || !Array.isArray(svmHeader.classes)) {
    throw corrupt('header is missing fields');
  }
  const spec = meta.descriptor;
  const trained = headerFields(header);
  if (!trained || trained.dimension !== expected.dimension || trained.svmDimension !== expected.dimension || trained.trainedOn.some((v) => v !== expected.version)) {
    throw new ClassifierError(
      'descriptor-mismatch',
      `This classifier was trained on ${spec?.dimension}-D descriptors "${spec?.version}", but the face pipeline now produces ${expected.dimension}-D "${expected.version}". Retrain it from the enrolment photos.`,
      [String(spec?.version), String(expected.version)],
    );
  }

  const payload = bytes.subarray(PREAMBLE_BYTES + preamble.headerBytes);
  const read = (name: ArrayName, expectedLength: number): Float32Array | Int32Array => {
    const e = header.arrays.find((a) => a.name === name);
    if (!e || e.length !== expectedLength || e.offset % 4 || e.offset + e.length * 4 > payload.length) throw corrupt(`array ${name} is missing or the wrong size`);
    // slice() copies into a fresh, aligned buffer; the caller's bytes may sit at any offset.
    const buf = payload.slice(e.offset, e.offset + e.length * 4).buffer;
    return e.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
  };
  const d = svmHeader.dimension;
  const C = svmHeader.classes.length;
  const galleryLength = header.arrays.find((a) => a.name === 'galleryY')?.length ?? -1;
  const negLength = header.arrays.find((a) => a.name === 'negY')?.length ?? -1;
  const galleryY = read('galleryY', galleryLength) as Int32Array;
  const negY = read('negY', negLength) as Int32Array;
  if ([...galleryY, ...negY].some((c) => c < 0 || c >= C)) throw corrupt('gallery labels out of range');
  const point = header.openSet.point;
  return {
    meta,
    svm: {
      classes: svmHeader.classes,
      dimension: d,
      descriptorVersion: svmHeader.descriptorVersion,
      normaliser: { kind: svmHeader.normaliser, mean: read('mean', d) as Float32Array, scale: read('scale', d) as Float32Array },
      weights: read('weights', (d + 1) * C) as Float32Array,
      loss: reviveNumber(svmHeader.loss),
      epochs: svmHeader.epochs,
    },
    calibration: header.calibration,
    openSet: {
      ...header.openSet,
      point: { ...point, threshold: reviveNumber(point.threshold), estimatedFar: reviveNumber(point.estimatedFar), estimatedFrr: reviveNumber(point.estimatedFrr) },
    },
    gallery: { x: read('galleryX', galleryY.length * d) as Float32Array, y: galleryY, negX: read('negX', negY.length * d) as Float32Array, negY },
  };
}
